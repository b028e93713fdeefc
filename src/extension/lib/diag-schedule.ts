// Debounced, latest-wins scheduling of live checks (no `vscode` here). Each key (a document) has
// at most one pending run. An edit after a quiet spell (no run of that key in the last `ms`) runs
// on the next turn (leading edge: a lone keystroke waits for nothing); an edit in a burst restarts
// a trailing timer of `ms`, so a burst costs one check at its end. A result is applied only if it was
// computed for the version the document has now and no newer result was applied: stale results
// never overwrite newer ones, whatever order runs finish in.

/** setTimeout/clearTimeout, injectable for tests. */
export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
  /** Milliseconds, monotonic. */
  now(): number;
}

const REAL_TIMERS: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => {
    clearTimeout(h as NodeJS.Timeout);
  },
  now: () => performance.now(),
};

export class Debouncer<K> {
  private readonly pending = new Map<K, unknown>();
  /** When each key last ran (the start of its run). */
  private readonly lastRun = new Map<K, number>();

  constructor(
    private readonly run: (key: K) => void,
    private readonly timers: Timers = REAL_TIMERS,
  ) {}

  /**
   * Runs `key` on the next turn if it is quiet (nothing pending, no run in the last `ms`), else
   * `ms` after this call, replacing the run still pending.
   */
  schedule(key: K, ms: number): void {
    const last = this.lastRun.get(key);
    const quiet = !this.pending.has(key) && (last === undefined || this.timers.now() - last >= ms);
    this.cancel(key);
    const handle = this.timers.set(
      () => {
        this.pending.delete(key);
        this.lastRun.set(key, this.timers.now());
        this.run(key);
      },
      quiet ? 0 : ms,
    );
    this.pending.set(key, handle);
  }

  /** Cancels a pending run and forgets the key's last run (a closed document). */
  forget(key: K): void {
    this.cancel(key);
    this.lastRun.delete(key);
  }

  cancel(key: K): void {
    const h = this.pending.get(key);
    if (h !== undefined) {
      this.timers.clear(h);
      this.pending.delete(key);
    }
  }

  has(key: K): boolean {
    return this.pending.has(key);
  }

  dispose(): void {
    for (const h of this.pending.values()) {
      this.timers.clear(h);
    }
    this.pending.clear();
    this.lastRun.clear();
  }
}

/** The version last applied per key: a result for an older or superseded version is refused. */
export class VersionGate<K> {
  private readonly applied = new Map<K, number>();

  /**
   * Whether a result computed for `version` may be shown, given the document's `current` version;
   * records it when it may.
   */
  accept(key: K, version: number, current: number): boolean {
    const last = this.applied.get(key);
    if (version !== current || (last !== undefined && version < last)) {
      return false;
    }
    this.applied.set(key, version);
    return true;
  }

  forget(key: K): void {
    this.applied.delete(key);
  }
}
