// Prompt templates are files (templates/prompts/<role>.md) so researchers can read and change
// them without touching code. A file is split into sections by marker lines `<!-- system -->`,
// `<!-- user -->` and `<!-- retry -->` (other whole-line comments are dropped); `{{name}}` placeholders are filled in one pass (a value
// that itself holds `{{...}}`, such as model-written code, is never expanded again).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contractPath, packageRoot } from '../paths';
import type { Role } from './types';

export type Section = 'system' | 'user' | 'retry';

export interface Template {
  readonly name: string;
  readonly sections: Readonly<Partial<Record<Section, string>>>;
}

const MARKER = /^<!-- (system|user|retry) -->[ \t]*$/gm;
/** Other whole-line HTML comments (e.g. prettier-ignore, which keeps code fences as written). */
const COMMENT_LINE = /^<!--(?! (?:system|user|retry) -->).*-->[ \t]*\n?/gm;
const PLACEHOLDER = /\{\{([a-zA-Z][a-zA-Z0-9]*)\}\}/g;

/** The package's prompt templates folder. */
export function promptsDir(): string {
  return join(packageRoot(), 'templates', 'prompts');
}

/** Splits a template's text into its sections (the text of each without surrounding blank lines). */
export function parseTemplate(name: string, text: string): Template {
  const body = text.replace(/\r\n/g, '\n').replace(COMMENT_LINE, '');
  const marks = [...body.matchAll(MARKER)];
  if (marks.length === 0) {
    throw new Error(
      `prompt template ${name} has no section marker: start it with a line '<!-- system -->' and put the user message after a line '<!-- user -->'`,
    );
  }
  const sections: Partial<Record<Section, string>> = {};
  marks.forEach((m, i) => {
    const start = m.index + m[0].length;
    const end = marks[i + 1]?.index ?? body.length;
    sections[m[1] as Section] = body.slice(start, end).replace(/^\n+|\s+$/g, '');
  });
  return { name, sections };
}

/** Reads `<dir>/<role>.md`. */
export function loadTemplate(role: Role, dir: string = promptsDir()): Template {
  return loadNamedTemplate(role, dir);
}

/** Reads `<dir>/<name>.md` (e.g. 'coder-crossover'). */
export function loadNamedTemplate(name: string, dir: string = promptsDir()): Template {
  const path = join(dir, `${name}.md`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(
      `cannot read the ${name} prompt template ${path} (${why}): restore it from the Blocksmith package`,
      { cause: err },
    );
  }
  return parseTemplate(path, text);
}

/** Fills every `{{name}}` of `text` from `vars`; a placeholder with no value is an error. */
export function fill(text: string, vars: Readonly<Record<string, string>>, where: string): string {
  return text.replace(PLACEHOLDER, (_all, key: string) => {
    const value = Object.hasOwn(vars, key) ? vars[key] : undefined;
    if (value === undefined) {
      throw new Error(
        `prompt template ${where} uses {{${key}}}, which has no value (known: ${Object.keys(vars).join(', ')}): remove it from the template or fix its name`,
      );
    }
    return value;
  });
}

/** One section of a template, filled; an error names the template if the section is missing. */
export function renderSection(
  tpl: Template,
  section: Section,
  vars: Readonly<Record<string, string>>,
): string {
  const text = tpl.sections[section];
  if (text === undefined) {
    throw new Error(
      `prompt template ${tpl.name} has no '<!-- ${section} -->' section: add one (see the package's templates/prompts)`,
    );
  }
  return fill(text, vars, `${tpl.name} (${section})`);
}

let contract: string | undefined;

/** The contract's declaration file, the op documentation every prompt carries. */
export function contractText(): string {
  contract ??= readFileSync(contractPath(), 'utf8');
  return contract;
}
