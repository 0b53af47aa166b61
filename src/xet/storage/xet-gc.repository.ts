import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** A file uses a xorb when one of its terms names it (served by the GIN index xet_files_terms_idx). */
const USED = `EXISTS (SELECT 1 FROM xet_files f WHERE f.terms @> jsonb_build_array(jsonb_build_object('h', x.hash)))`;

/** When anyone last sent the xorb's bytes, or uploaded it to a repository. */
const LAST_UPLOAD = `GREATEST(x.created_at,
  (SELECT max(u.last_uploaded_at) FROM xet_xorb_uploaders u WHERE u.xorb_hash = x.hash),
  (SELECT max(rx.created_at) FROM repo_xet_xorbs rx WHERE rx.xorb_hash = x.hash))`;

/**
 * The queries of the xorb garbage collector (XetGcJob). Each step locks the rows it changes and
 * re-checks its condition under that lock (`FOR UPDATE SKIP LOCKED`): a shard being registered
 * holds its xorbs (`lockXorbs`) and files (`insertFile`) until it commits, so the collector
 * either sees the new file or skips the rows.
 */
@Injectable()
export class XetGcRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Deletes file reconstructions that no LFS object names any more and that were registered before `cutoff`. */
  async deleteUnreferencedFiles(cutoff: Date, limit: number): Promise<number> {
    const rows = await this.db.query(
      `DELETE FROM xet_files WHERE file_hash IN (
         SELECT f.file_hash FROM xet_files f
          WHERE f.created_at < $1 AND NOT EXISTS (SELECT 1 FROM lfs_objects o WHERE o.xet_hash = f.file_hash)
          ORDER BY f.created_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING file_hash`,
      [cutoff, limit],
    );
    return affected(rows);
  }

  /**
   * Takes xorbs that no file uses and nobody uploaded since `cutoff` out of the global dedup
   * index, and records when (`now`); returns how many.
   */
  async unindexUnused(cutoff: Date, now: Date, limit: number): Promise<number> {
    return this.db.transaction(async (m) => {
      const rows: { hash: string }[] = await m.query(
        `SELECT x.hash FROM xet_xorbs x
          WHERE x.unindexed_at IS NULL AND NOT ${USED} AND ${LAST_UPLOAD} < $1
          ORDER BY x.created_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [cutoff, limit],
      );
      const hashes = rows.map((r) => r.hash);
      if (!hashes.length) return 0;
      await m.query(`DELETE FROM xet_dedup_chunks WHERE xorb_hash = ANY($1::varchar(64)[])`, [hashes]);
      await m.query(`UPDATE xet_xorbs SET unindexed_at = $2 WHERE hash = ANY($1::varchar(64)[])`, [hashes, now]);
      return hashes.length;
    });
  }

  /**
   * Locks, in `m`, the xorbs that may be deleted: no file uses them, nobody uploaded them since
   * `cutoff`, and they have been out of the dedup index since `unindexedBefore` (none of their
   * chunks came back in).
   */
  async lockCollectable(m: EntityManager, cutoff: Date, unindexedBefore: Date, limit: number): Promise<{ hash: string; storageKey: string; size: number }[]> {
    const rows: { hash: string; storageKey: string; size: string }[] = await m.query(
      `SELECT x.hash, x.storage_key AS "storageKey", x.size FROM xet_xorbs x
        WHERE x.unindexed_at < $2 AND NOT ${USED} AND ${LAST_UPLOAD} < $1
          AND NOT EXISTS (SELECT 1 FROM xet_dedup_chunks d WHERE d.xorb_hash = x.hash)
        ORDER BY x.unindexed_at LIMIT $3 FOR UPDATE OF x SKIP LOCKED`,
      [cutoff, unindexedBefore, limit],
    );
    return rows.map((r) => ({ ...r, size: Number(r.size) }));
  }

  /** Deletes the rows of xorbs locked by {@link lockCollectable}. */
  async deleteXorbs(m: EntityManager, hashes: string[]): Promise<void> {
    for (const table of ['repo_xet_xorbs', 'xet_xorb_uploaders']) {
      await m.query(`DELETE FROM ${table} WHERE xorb_hash = ANY($1::varchar(64)[])`, [hashes]);
    }
    await m.query(`DELETE FROM xet_xorbs WHERE hash = ANY($1::varchar(64)[])`, [hashes]);
  }

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }
}

/** TypeORM answers a DELETE … RETURNING with [rows, count]. */
function affected(result: unknown): number {
  return Array.isArray(result) && Array.isArray(result[0]) ? result[0].length : Array.isArray(result) ? result.length : 0;
}
