import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface CountedRequest {
  /** Total requests of this caller in the bucket's current window, this one included. */
  hits: number;
  /** Whole seconds until the window ends, by the database's clock (the same for every node). */
  resetSeconds: number;
}

/** Queries over `rate_limit_counters`: one row per caller and bucket, reset when a new window begins. */
@Injectable()
export class RateLimitRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Counts one request, in one statement: the caller is the user behind the token or session
   * when one is live (so a user's tokens share one count), else `fallbackCaller` (the client
   * address). Windows are aligned on the epoch with the database's clock, so every node agrees
   * where a window ends whatever its own clock says.
   */
  async count(p: { bucket: string; windowSeconds: number; tokenHash: Buffer | null; sessionHash: Buffer | null; fallbackCaller: string }): Promise<CountedRequest> {
    const rows = await this.db.query(
      `WITH now AS (SELECT extract(epoch FROM clock_timestamp()) AS t),
            who AS (
              SELECT coalesce(
                (SELECT 'user:' || user_id FROM api_tokens WHERE token_hash = $3 AND (expires_at IS NULL OR expires_at > now())),
                (SELECT 'user:' || user_id FROM sessions WHERE token_hash = $4 AND expires_at > now()),
                $5::text) AS caller)
       INSERT INTO rate_limit_counters AS c (caller, bucket, window_start, hits)
       SELECT who.caller, $1, to_timestamp(floor(now.t / $2) * $2), 1 FROM who, now
       ON CONFLICT (caller, bucket) DO UPDATE SET
         hits = CASE WHEN c.window_start = EXCLUDED.window_start THEN c.hits + 1 ELSE 1 END,
         window_start = EXCLUDED.window_start
       RETURNING hits, (SELECT greatest(1, ceil($2 - (now.t - floor(now.t / $2) * $2)))::int FROM now) AS "resetSeconds"`,
      [p.bucket, p.windowSeconds, p.tokenHash, p.sessionHash, p.fallbackCaller],
    );
    return rows[0];
  }

  /** Deletes the counters of windows that ended; returns how many. */
  async deleteEnded(windowSeconds: number): Promise<number> {
    const [, deleted] = await this.db.query(`DELETE FROM rate_limit_counters WHERE window_start < clock_timestamp() - make_interval(secs => $1)`, [windowSeconds]);
    return deleted ?? 0;
  }
}
