import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface SessionHit {
  repoId: number;
  bucket: Date;
  clientKey: string;
  authenticated: boolean;
  files: number;
}

@Injectable()
export class DownloadSessionsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * One statement per batch: new sessions are inserted (a known one only adds its files), and
   * each repository's counters grow by the sessions that were new. Rows arrive sorted by
   * repository so that two nodes flushing at once lock in the same order. Repositories deleted
   * since the hit are skipped.
   */
  async add(hits: SessionHit[]): Promise<void> {
    await this.db.query(
      `WITH ins AS (
         INSERT INTO download_sessions (repo_id, bucket, client_key, authenticated, files)
         SELECT u.repo_id, u.bucket, u.client_key, u.authenticated, u.files
           FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::boolean[], $5::int[]) AS u(repo_id, bucket, client_key, authenticated, files)
          WHERE EXISTS (SELECT 1 FROM repositories r WHERE r.id = u.repo_id)
         ON CONFLICT (repo_id, bucket, client_key) DO UPDATE SET files = download_sessions.files + EXCLUDED.files
         RETURNING repo_id, (xmax = 0) AS inserted
       ), fresh AS (SELECT repo_id, count(*) AS n FROM ins WHERE inserted GROUP BY repo_id)
       UPDATE repositories r SET downloads = r.downloads + fresh.n, downloads_all_time = r.downloads_all_time + fresh.n
         FROM fresh WHERE r.id = fresh.repo_id`,
      [hits.map((h) => h.repoId), hits.map((h) => h.bucket), hits.map((h) => h.clientKey), hits.map((h) => h.authenticated), hits.map((h) => h.files)],
    );
  }
}
