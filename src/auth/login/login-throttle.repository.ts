import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Queries over `login_throttle`: one row per throttled key (an account name or an address). */
@Injectable()
export class LoginThrottleRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Seconds until the longest lock among `keys` ends; 0 when none is locked. */
  async lockedFor(keys: string[]): Promise<number> {
    const rows = await this.db.query(
      `SELECT coalesce(ceil(extract(epoch FROM max(locked_until) - now())), 0)::int AS s FROM login_throttle WHERE key = ANY($1) AND locked_until > now()`,
      [keys],
    );
    return Math.max(0, rows[0]?.s ?? 0);
  }

  /**
   * Counts a failure (a new window when the last began over `windowSeconds` ago) and, from
   * `threshold` failures on, locks the key for base·2^(failures − threshold) seconds, at most `maxSeconds`.
   */
  async recordFailure(key: string, p: { windowSeconds: number; threshold: number; baseSeconds: number; maxSeconds: number }): Promise<void> {
    await this.db.query(
      `INSERT INTO login_throttle AS t (key, failures) VALUES ($1, 1)
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN t.window_start < now() - make_interval(secs => $2) THEN 1 ELSE t.failures + 1 END,
         window_start = CASE WHEN t.window_start < now() - make_interval(secs => $2) THEN now() ELSE t.window_start END`,
      [key, p.windowSeconds],
    );
    await this.db.query(
      `UPDATE login_throttle SET locked_until = now() + make_interval(secs => least($4::float8, $3::float8 * power(2, failures - $2)))
        WHERE key = $1 AND failures >= $2`,
      [key, p.threshold, p.baseSeconds, p.maxSeconds],
    );
  }

  /**
   * Removes the rows that no longer count: their window began over `windowSeconds` ago (the
   * next failure would start a new count anyway) and any lock they held has ended.
   */
  async deleteStale(windowSeconds: number): Promise<number> {
    const [, count] = await this.db.query(
      `DELETE FROM login_throttle WHERE window_start < now() - make_interval(secs => $1) AND (locked_until IS NULL OR locked_until <= now())`,
      [windowSeconds],
    );
    return count;
  }

  async clear(key: string): Promise<void> {
    await this.db.query(`DELETE FROM login_throttle WHERE key = $1`, [key]);
  }
}
