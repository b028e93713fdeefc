// Back-off between attempts: exponential with full jitter, and a server's Retry-After honoured
// (it knows when it will take us again). Sleeping is a seam so tests record delays, not wait.

/** Sleeps `ms`, or rejects early when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(new Error('aborted'));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * The wait a server asks for, in ms, from `retry-after-ms` or `retry-after` (seconds or an HTTP
 * date); undefined when absent or unreadable.
 */
export function retryAfterMs(
  header: (name: string) => string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  const ms = Number(header('retry-after-ms') ?? NaN);
  if (Number.isFinite(ms) && ms >= 0) {
    return ms;
  }
  const raw = header('retry-after');
  if (raw === null || raw === undefined || raw.trim() === '') {
    return undefined;
  }
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) {
    return seconds * 1000;
  }
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export interface BackoffOptions {
  /** First back-off, ms (doubled each attempt). */
  readonly baseDelayMs: number;
  /** Longest single wait, ms (also caps a server's Retry-After). */
  readonly maxDelayMs: number;
}

/** The wait before retry number `attempt` (1 = the first retry). */
export function backoffMs(
  attempt: number,
  opts: BackoffOptions,
  random: () => number,
  serverAsks?: number,
): number {
  if (serverAsks !== undefined) {
    return Math.min(serverAsks, opts.maxDelayMs);
  }
  const ceiling = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** (attempt - 1));
  // Full jitter (AWS architecture blog): spreads clients that failed together.
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
