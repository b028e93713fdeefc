// The protections a thread runs block code under, so that a data-parallel worker can check it has
// every one its main thread has before it loads a block. Both are process-wide in Node 20 when a
// worker inherits the main thread's execArgv (the default; a Worker started with `execArgv: []`
// runs outside the permission model), but a check costs nothing and fails loudly.

export interface Protections {
  /** Node's permission model is on (--experimental-permission / --permission). */
  readonly permission: boolean;
  /** eval and new Function throw (--disallow-code-generation-from-strings). */
  readonly noCodegen: boolean;
}

/** The protections of the calling thread. */
export function protections(): Protections {
  let noCodegen = false;
  try {
    // a probe of the flag, compiling a constant: never block code
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    new Function('return 0');
  } catch {
    noCodegen = true;
  }
  // typed as always there; undefined at run time without the permission flag
  const permission = (process as { permission?: unknown }).permission !== undefined;
  return { permission, noCodegen };
}

/** What `mine` lacks of `expected`, as a message; undefined when it lacks nothing. */
export function missingProtections(expected: Protections, mine: Protections): string | undefined {
  const lacking = [
    expected.permission && !mine.permission ? "Node's permission model" : '',
    expected.noCodegen && !mine.noCodegen ? '--disallow-code-generation-from-strings' : '',
  ].filter((x) => x !== '');
  return lacking.length === 0
    ? undefined
    : `data-parallel worker runs without ${lacking.join(' and ')} while the trainer has it: ` +
        'refusing to run block code here (start workers with the trainer execArgv)';
}
