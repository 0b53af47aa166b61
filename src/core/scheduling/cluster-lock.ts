import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { dedicatedClient } from '../database/dedicated-client';

/**
 * Scheduled jobs run on every node; this makes each run happen once per cluster. The lock is a
 * PostgreSQL session advisory lock, held for the job's duration on a connection of its own: a
 * job's work queries through the pool, and when the locks took pooled connections, the six
 * jobs due at the top of each hour could take them all and wait forever for one to work with
 * (every request of the node waiting behind them). A node also runs its jobs one at a time, so
 * it never holds more than one such connection.
 */
@Injectable()
export class ClusterLock {
  private readonly logger = new Logger('ClusterLock');
  /** The end of the last job queued on this node. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Runs `job` if no node holds `key`, after the jobs this node started before it. */
  runExclusive<T>(key: number, job: () => Promise<T>): Promise<{ ran: boolean; result?: T }> {
    const run = this.tail.then(() => this.runLocked(key, job));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async runLocked<T>(key: number, job: () => Promise<T>): Promise<{ ran: boolean; result?: T }> {
    const lock = dedicatedClient(this.db, 'hangar-job-lock');
    // An error of an idle client (the server went away) must not end the process; the job's own
    // queries report the outage.
    lock.on('error', (err) => this.logger.warn({ err, key }, 'job lock connection lost'));
    await lock.connect();
    try {
      const { rows } = await lock.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [key]);
      if (!rows[0].locked) return { ran: false };
      try {
        return { ran: true, result: await job() };
      } finally {
        await lock.query('SELECT pg_advisory_unlock($1)', [key]).catch((err) => this.logger.warn({ err, key }, 'unlock failed'));
      }
    } finally {
      // Ending the session also releases the lock should the unlock have failed.
      await lock.end().catch(() => undefined);
    }
  }
}
