// static/protected-units: a mutation edits one unit. Every other unit of the parent that the
// child still reaches from its root must be unchanged (comments and layout aside); new units and
// units the child dropped are fine. Without a parent and an edited unit there is nothing to check.
import { findUnitDecls } from '../../../units/syntax';
import { readUnitTree, reachableUnits, unitTexts } from '../../../units/tree';
import type { Finding, Rule } from '../rule';

const PARENT = 'parent.ts';
const CHILD = 'block.ts';

export const protectedUnitsRule: Rule = {
  id: 'static/protected-units',
  severity: 'error',
  description: 'units other than the edited one are unchanged from the parent',
  passMessage: (ctx) =>
    ctx.options.parentSource === undefined || ctx.options.editedUnit === undefined
      ? 'not applicable: no parent source and edited unit were given'
      : `units other than '${ctx.options.editedUnit}' are unchanged from the parent`,
  run: (ctx) => {
    const { parentSource, editedUnit } = ctx.options;
    if (parentSource === undefined || editedUnit === undefined) {
      return [];
    }
    const parent = unitTexts(PARENT, parentSource);
    if (!parent.has(editedUnit)) {
      return [
        {
          range: ctx.rangeOf(0, 0),
          message: `the edited unit '${editedUnit}' is not a unit of the parent (units: ${[...parent.keys()].join(', ')}): name one of them`,
        },
      ];
    }
    const source = ctx.sourceFile.text;
    const child = unitTexts(CHILD, source);
    const live = reachableUnits(readUnitTree(CHILD, source));
    const out: Finding[] = [];
    for (const decl of findUnitDecls(ctx.sourceFile)) {
      const before = parent.get(decl.name);
      if (
        decl.name === editedUnit ||
        before === undefined ||
        !live.has(decl.name) ||
        child.get(decl.name) === before
      ) {
        continue;
      }
      out.push({
        ...ctx.at(
          decl.declaration.name,
          `unit '${decl.name}' differs from the parent, but this proposal edits only '${editedUnit}': restore '${decl.name}' as it was (or edit it in its own proposal)`,
        ),
        unit: decl.name,
      });
    }
    return out;
  },
};
