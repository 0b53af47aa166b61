import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/**
 * A repository's links to the LFS files its commits hold (`repo_lfs_objects.committed`), as the
 * git garbage collector sees them: a link whose pointer blob no longer exists in the repository
 * (collected with the branch or tag that reached it) is released, which lowers the repository's
 * usage (quota triggers). Used inside GitGcJob's transaction, which holds the repository's row.
 */
@Injectable()
export class LfsLinksRepository {
  /** Committed LFS files whose canonical pointer blob the repository does not store. */
  async withoutCanonicalPointer(m: EntityManager, repoId: number): Promise<string[]> {
    const rows: { oid: string }[] = await m.query(
      `SELECT ro.oid FROM repo_lfs_objects ro
        WHERE ro.repo_id = $1 AND ro.committed
          AND NOT EXISTS (SELECT 1 FROM git_objects g WHERE g.repo_id = ro.repo_id AND g.oid = ro.pointer_oid)`,
      [repoId],
    );
    return rows.map((r) => r.oid);
  }

  async release(m: EntityManager, repoId: number, oids: string[]): Promise<void> {
    await m.query(`DELETE FROM repo_lfs_objects WHERE repo_id = $1 AND committed AND oid = ANY($2::varchar(64)[])`, [repoId, oids]);
  }
}
