// Where the package's own files are at run time, whether running from a bundle in dist/, from
// tsc output in out/ (tests) or from an installed .vsix: everything is found from the package root.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cachedRoot: string | undefined;

/** The folder holding Blocksmith's package.json. */
export function packageRoot(): string {
  if (cachedRoot !== undefined) {
    return cachedRoot;
  }
  let dir = __dirname;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (
      existsSync(pkg) &&
      (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'blocksmith'
    ) {
      cachedRoot = dir;
      return dir;
    }
    const up = dirname(dir);
    if (up === dir) {
      throw new Error(`cannot find the blocksmith package root above ${__dirname}`);
    }
    dir = up;
  }
}

/** The GAB contract's declaration file, which block files are compiled against. */
export function contractPath(): string {
  return join(packageRoot(), 'src', 'gab', 'contract.d.ts');
}

/** The bundled sandbox runner (built by `npm run build`). */
export function runnerPath(): string {
  return join(packageRoot(), 'dist', 'runner.js');
}

/** The seed designs shipped with the package: templates/seeds/<name>/block.ts. */
export function seedsDir(): string {
  return join(packageRoot(), 'templates', 'seeds');
}
