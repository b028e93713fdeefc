// A small built-in English text for dynamic/loss-decreases: written for Blocksmith, so it ships
// with the package under its licence. Plain ASCII: with the bytes tokenizer, one byte a token.
export const ENGLISH_TEXT = `The river ran low that summer, and the children of the village walked along its bed
collecting smooth stones. Each evening they carried the stones home in their pockets and laid
them in rows on the kitchen table, grey ones and white ones and a few that shone green when they
were wet. Their grandmother said that the river had been low once before, when she was a girl,
and that the old mill had stood dry for a whole season. Nobody believed her at first. Then a
fisherman found the mill wheel half buried in the mud, its wooden paddles still painted red.

In the town the market opened early. Farmers brought bread, cheese, apples and honey, and the
baker sold warm rolls from a basket by the door. A teacher bought a newspaper and read it on the
steps of the library while she waited for the doors to open. The headline spoke of rain in the
mountains, a storm that would reach the valley within a week. People talked about the weather,
about the price of wheat, about the new road to the coast, and about the school that would open
in the autumn with a larger garden and a room full of books.

A good model of language learns that letters form words, that words follow one another in
familiar patterns, and that a sentence ends with a full stop. It learns that "the" is common and
that "q" is nearly always followed by "u". It learns that names begin with capital letters and
that a question ends with a question mark. Does it learn more than that? With enough text and
enough time, it learns grammar, facts about the world, and something like a style of its own.

The storm came on a Tuesday. First the wind turned the leaves over so that the trees looked
silver, then the sky darkened and the first heavy drops struck the dust of the road. By night
the river was rising. By morning it had covered the stones the children had not collected, and
the mill wheel was gone again, hidden under brown water that moved quickly toward the sea. The
grandmother stood at the window and watched it for a long time. "It always comes back," she said,
"and it always takes something with it, and it always leaves something behind."
`;
