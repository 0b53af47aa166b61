import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/**
 * Scheduled jobs run on every node; this makes each run happen once per cluster. The lock is
 * a PostgreSQL session advisory lock held on one dedicated connection for the job's duration;
 * a node that does not get it skips the run (another node is doing it).
 */
@Injectable()
export class ClusterLock {
  private readonly logger = new Logger('ClusterLock');

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async runExclusive<T>(key: number, job: () => Promise<T>): Promise<{ ran: boolean; result?: T }> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [key]);
      if (!locked) return { ran: false };
      try {
        return { ran: true, result: await job() };
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [key]).catch((err) => this.logger.warn({ err, key }, 'unlock failed'));
      }
    } finally {
      await runner.release();
    }
  }
}
