import { IntakeLimiter } from '../../src/xet/cas/intake-limiter';

describe('IntakeLimiter (xorbs held in memory at once)', () => {
  it('runs at most `limit` jobs at a time, the others in arrival order, and frees slots on failure', async () => {
    const limiter = new IntakeLimiter(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const job = (i: number, fail = false) =>
      limiter.run(async () => {
        started.push(i);
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        if (fail) throw new Error(`job ${i} failed`);
        return i;
      });
    const results = await Promise.allSettled([job(0), job(1, true), job(2), job(3, true), job(4), job(5)]);
    expect(peak).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    // All slots are free again: two new jobs start at once.
    const t0 = started.length;
    await Promise.all([job(6), job(7)]);
    expect(started.slice(t0)).toEqual([6, 7]);
  });
});
