import { performance } from 'node:perf_hooks';

/** How long one request may keep the event loop before it lets others run. */
const TURN_MS = 10;

/**
 * For long loops over cached data (a 100k-entry listing walks trees already in memory, so its
 * awaits resolve as microtasks and never let another request in): `await turn.take()` now and
 * then gives way to pending I/O once the loop has run for TURN_MS.
 */
export class EventLoopTurn {
  private since = performance.now();

  async take(): Promise<void> {
    if (performance.now() - this.since < TURN_MS) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.since = performance.now();
  }
}
