// Resolving the block files named on the command line, with a usage error for a missing one.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../io';

export interface BlockFile {
  /** As typed by the user (shown in reports). */
  readonly shown: string;
  /** Absolute. */
  readonly path: string;
}

/** The file `arg` (relative to `cwd`); a UsageError when it is not a readable file. */
export function readBlockFile(cwd: string, arg: string): BlockFile {
  const path = resolve(cwd, arg);
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw new UsageError(
      `no such file: ${arg}`,
      `check the path (resolved to ${path}); 'blocksmith init <dir>' creates designs/*/block.ts`,
    );
  }
  if (!isFile) {
    throw new UsageError(`not a file: ${arg}`, 'pass a block file, e.g. designs/<id>/block.ts');
  }
  return { shown: arg, path };
}
