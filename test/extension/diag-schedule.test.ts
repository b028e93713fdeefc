// Debounced, latest-wins scheduling of live checks, with fake timers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Debouncer, VersionGate, type Timers } from '../../src/extension/lib/diag-schedule';

/** Timers that fire only when told to, on a clock the test moves. */
class FakeTimers implements Timers {
  private next = 1;
  clock = 1000;
  readonly live = new Map<number, { fn: () => void; ms: number }>();
  now(): number {
    return this.clock;
  }
  set(fn: () => void, ms: number): unknown {
    const h = this.next++;
    this.live.set(h, { fn, ms });
    return h;
  }
  clear(handle: unknown): void {
    this.live.delete(handle as number);
  }
  fireAll(): void {
    const all = [...this.live.values()];
    this.live.clear();
    for (const t of all) {
      t.fn();
    }
  }
}

void test('diag-schedule: a lone edit runs at once; a burst runs one check after the last', () => {
  const timers = new FakeTimers();
  const runs: string[] = [];
  const d = new Debouncer<string>((k) => runs.push(k), timers);
  d.schedule('a', 25);
  assert.deepEqual(
    [...timers.live.values()].map((t) => t.ms),
    [0],
    'quiet: the next turn',
  );
  d.schedule('a', 25);
  d.schedule('b', 25);
  d.schedule('a', 25);
  assert.deepEqual(
    [...timers.live.values()].map((t) => t.ms).sort(),
    [0, 25],
    'a: pending, so trailing; b: quiet',
  );
  assert.ok(d.has('a'));
  timers.fireAll();
  assert.deepEqual(runs.sort(), ['a', 'b']);
  assert.ok(!d.has('a'));
  // Just after a run: still a burst.
  timers.clock += 10;
  d.schedule('a', 25);
  assert.deepEqual(
    [...timers.live.values()].map((t) => t.ms),
    [25],
  );
  timers.fireAll();
  // After a quiet spell: at once again; forget() makes a reopened document quiet too.
  timers.clock += 100;
  d.schedule('a', 25);
  assert.deepEqual(
    [...timers.live.values()].map((t) => t.ms),
    [0],
  );
  timers.fireAll();
  d.forget('a');
  d.schedule('a', 25);
  assert.deepEqual(
    [...timers.live.values()].map((t) => t.ms),
    [0],
  );
});

void test('diag-schedule: cancel and dispose drop pending runs', () => {
  const timers = new FakeTimers();
  const runs: string[] = [];
  const d = new Debouncer<string>((k) => runs.push(k), timers);
  d.schedule('a', 25);
  d.schedule('b', 25);
  d.cancel('a');
  d.dispose();
  timers.fireAll();
  assert.deepEqual(runs, []);
});

void test('diag-schedule: real timers run after the delay', async () => {
  const runs: string[] = [];
  const d = new Debouncer<string>((k) => runs.push(k));
  d.schedule('a', 5);
  await new Promise((r) => setTimeout(r, 30));
  assert.deepEqual(runs, ['a']);
});

void test('diag-schedule: a stale result never overwrites a newer one', () => {
  const g = new VersionGate<string>();
  assert.equal(g.accept('a', 3, 4), false, 'computed for 3, the document is at 4');
  assert.equal(g.accept('a', 4, 4), true);
  assert.equal(g.accept('a', 4, 4), true, 'the same version again (re-placing) is fine');
  assert.equal(g.accept('a', 2, 2), false, 'older than the one applied');
  assert.equal(g.accept('b', 1, 1), true, 'documents are independent');
  g.forget('a');
  assert.equal(g.accept('a', 1, 1), true, 'a reopened document starts again at version 1');
});
