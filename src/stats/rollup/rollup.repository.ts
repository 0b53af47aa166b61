import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { RepoType } from '../../repos/repo.types';
import { visibleRepoSql, type RepoViewer } from '../../repos/access/repo-viewer';

export interface DailyStats {
  date: string;
  authenticated: number;
  anonymous: number;
  files: number;
}

export interface TrendingRow {
  type: RepoType;
  id: string;
  downloads: number;
  likes: number;
  recentDownloads: number;
  trendingScore: number;
  private: boolean;
}

/** A UTC day `$n` (YYYY-MM-DD) as the instant it starts. */
const dayStart = (n: number) => `($${n}::date::timestamp AT TIME ZONE 'UTC')`;

/**
 * Trending: each of the last 7 rolled-up days' downloads, halved every two days of age, plus
 * likes given in the last 7 days (a like weighs as much as five downloads).
 */
const TRENDING_DAYS = 7;

/** The daily rollup's tables: `download_sessions` → `repo_daily_stats`, `stats_rollup_days`. */
@Injectable()
export class RollupRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** UTC days before `today` with raw sessions that no rollup has finished. */
  async daysToRollUp(today: string): Promise<string[]> {
    const rows = await this.db.query(
      `SELECT DISTINCT to_char(s.bucket AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day FROM download_sessions s
        WHERE s.bucket < ${dayStart(1)}
          AND NOT EXISTS (SELECT 1 FROM stats_rollup_days d WHERE d.day = (s.bucket AT TIME ZONE 'UTC')::date)
        ORDER BY day`,
      [today],
    );
    return rows.map((r: { day: string }) => r.day);
  }

  /**
   * Replaces the day's totals with the ones its raw sessions give, in one transaction: running it
   * again gives the same rows. A day whose raw sessions were pruned keeps its totals.
   */
  async rollUpDay(day: string): Promise<boolean> {
    return this.db.transaction(async (m) => {
      const [done] = await m.query(`SELECT pruned FROM stats_rollup_days WHERE day = $1::date FOR UPDATE`, [day]);
      if (done?.pruned) return false;
      await m.query(`DELETE FROM repo_daily_stats WHERE day = $1::date`, [day]);
      await m.query(
        `INSERT INTO repo_daily_stats (repo_id, day, authenticated, anonymous, files)
         SELECT repo_id, $1::date, count(*) FILTER (WHERE authenticated), count(*) FILTER (WHERE NOT authenticated), sum(files)
           FROM download_sessions WHERE bucket >= ${dayStart(1)} AND bucket < ${dayStart(1)} + interval '1 day'
          GROUP BY repo_id`,
        [day],
      );
      await m.query(`INSERT INTO stats_rollup_days (day) VALUES ($1::date) ON CONFLICT (day) DO UPDATE SET rolled_up_at = now()`, [day]);
      return true;
    });
  }

  /** Raw sessions of rolled-up days before `before` go; those days' totals become final. */
  async prune(before: string): Promise<number> {
    return this.db.transaction(async (m) => {
      await m.query(`UPDATE stats_rollup_days SET pruned = true WHERE day < $1::date AND NOT pruned`, [before]);
      const [, count] = await m.query(
        `DELETE FROM download_sessions s WHERE s.bucket < ${dayStart(1)}
            AND EXISTS (SELECT 1 FROM stats_rollup_days d WHERE d.day = (s.bucket AT TIME ZONE 'UTC')::date)`,
        [before],
      );
      return Number(count ?? 0);
    });
  }

  /**
   * `downloads` (the 30 days up to `today`: rolled-up days plus today's sessions) and the
   * trending score of every repository whose values change.
   */
  async refreshRepoCounters(today: string): Promise<void> {
    await this.db.query(
      `WITH daily AS (
         SELECT repo_id,
                sum(authenticated + anonymous) FILTER (WHERE day >= $1::date - 29) AS month,
                sum((authenticated + anonymous) * power(0.5, ($1::date - day - 1) / 2.0)) FILTER (WHERE day >= $1::date - ${TRENDING_DAYS}) AS weighted
           FROM repo_daily_stats WHERE day >= $1::date - 29 AND day < $1::date GROUP BY repo_id
       ), today AS (
         SELECT repo_id, count(*) AS n FROM download_sessions WHERE bucket >= ${dayStart(1)} GROUP BY repo_id
       ), liked AS (
         SELECT repo_id, count(*) AS n FROM repo_likes WHERE created_at >= ${dayStart(1)} - interval '${TRENDING_DAYS} days' GROUP BY repo_id
       ), fresh AS (
         SELECT r.id, COALESCE(d.month, 0) + COALESCE(t.n, 0) AS downloads, COALESCE(d.weighted, 0) + 5 * COALESCE(l.n, 0) AS score
           FROM repositories r LEFT JOIN daily d ON d.repo_id = r.id LEFT JOIN today t ON t.repo_id = r.id LEFT JOIN liked l ON l.repo_id = r.id
       )
       UPDATE repositories r SET downloads = fresh.downloads, trending_score = fresh.score
         FROM fresh WHERE r.id = fresh.id AND (r.downloads, r.trending_score) IS DISTINCT FROM (fresh.downloads, fresh.score)`,
      [today],
    );
  }

  async daily(repoId: number, from: string, to: string): Promise<DailyStats[]> {
    const rows = await this.db.query(
      `SELECT to_char(day, 'YYYY-MM-DD') AS date, authenticated, anonymous, files FROM repo_daily_stats
        WHERE repo_id = $1 AND day >= $2::date AND day <= $3::date ORDER BY day`,
      [repoId, from, to],
    );
    return rows.map((r: DailyStats) => ({ date: r.date, authenticated: Number(r.authenticated), anonymous: Number(r.anonymous), files: Number(r.files) }));
  }

  /** Ranked by the stored score, then by downloads within the period (both from the rollup). */
  async trending(type: RepoType, from: string, limit: number, viewer: RepoViewer): Promise<TrendingRow[]> {
    const rows = await this.db.query(
      `SELECT r.type, n.name || '/' || r.name AS id, r.downloads, r.likes, r.trending_score AS "trendingScore", r.private,
              COALESCE((SELECT sum(authenticated + anonymous) FROM repo_daily_stats d WHERE d.repo_id = r.id AND d.day >= $2::date), 0) AS "recentDownloads"
         FROM repositories r JOIN namespaces n ON n.id = r.namespace_id
        WHERE r.type = $1 AND ${visibleRepoSql('r', '$5', '$4')}
        ORDER BY r.trending_score DESC, "recentDownloads" DESC, r.likes DESC, r.id DESC LIMIT $3`,
      [type, from, limit, viewer.namespaceIds, viewer.userId],
    );
    return rows.map((r: TrendingRow) => ({ ...r, downloads: Number(r.downloads), likes: Number(r.likes), recentDownloads: Number(r.recentDownloads), trendingScore: Number(r.trendingScore) }));
  }
}
