import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Request counters of the rate limiter, one row per caller and bucket, shared by every node.
 * UNLOGGED: a counter is worth one window at most, so it need not survive a crash, and every
 * counted request writes here; skipping the WAL keeps that write cheap.
 */
export class RateLimitCounters1796411184799 implements MigrationInterface {
  name = 'RateLimitCounters1796411184799';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE UNLOGGED TABLE rate_limit_counters (
        caller varchar(320) NOT NULL,
        bucket varchar(16) NOT NULL,
        window_start timestamptz NOT NULL,
        hits integer NOT NULL,
        PRIMARY KEY (caller, bucket)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS rate_limit_counters`);
  }
}
