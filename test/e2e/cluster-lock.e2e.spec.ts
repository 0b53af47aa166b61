import { DataSource } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import { ClusterLock } from '../../src/core/scheduling/cluster-lock';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Scheduled jobs hold their cluster lock on a pooled connection while their work queries through
 * the same pool. At the top of each hour six jobs start at once: with a pool of four (the tests'
 * size) they used to take every connection for their locks and then wait forever for one to work
 * with, and every request of the node waited behind them.
 */
describe('ClusterLock under a small pool', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ HANGAR_DATABASE_POOL_SIZE: '2' });
  });

  afterAll(async () => {
    await t.close();
  });

  it('runs more simultaneous jobs than the pool has connections, and requests are still answered meanwhile', async () => {
    const lock = t.app.get(ClusterLock);
    const db = t.app.get<DataSource>(getDataSourceToken());
    const finished: number[] = [];
    const jobs = Array.from({ length: 6 }, (_, i) =>
      lock.runExclusive(91_000 + i, async () => {
        await db.query('SELECT pg_sleep(0.05)');
        finished.push(i);
        return i;
      }),
    );
    const answered = t.http().get('/api/models').then((r) => r.status);
    // A liveness check, not a timing one: the deadline only turns a hang into a failure.
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      Promise.all([Promise.all(jobs), answered]),
      new Promise<string>((resolve) => (timer = setTimeout(() => resolve('deadlocked'), 30_000))),
    ]).finally(() => clearTimeout(timer));
    expect(outcome).toEqual([[0, 1, 2, 3, 4, 5].map((i) => ({ ran: true, result: i })), 200]);
    expect(finished.sort()).toEqual([0, 1, 2, 3, 4, 5]);
  }, 60_000);

  it('still lets one node run a job only while no other holds its lock', async () => {
    const peer = await t.startPeer();
    try {
      const mine = t.app.get(ClusterLock);
      const theirs = peer.app.get(ClusterLock);
      let release!: () => void;
      const holding = mine.runExclusive(92_000, () => new Promise<void>((r) => (release = r)));
      // Wait until the first job holds the lock (its body runs once it does).
      while (!release) await new Promise((r) => setTimeout(r, 20));
      expect(await theirs.runExclusive(92_000, async () => 'ran')).toEqual({ ran: false });
      release();
      expect(await holding).toEqual({ ran: true, result: undefined });
      expect(await theirs.runExclusive(92_000, async () => 'ran')).toEqual({ ran: true, result: 'ran' });
    } finally {
      await peer.close();
    }
  });
});
