import type { DataSource, EntityManager } from 'typeorm';
import { NotFoundError } from '../../core/errors/domain-error';

/**
 * A transaction that writes a repository's rows (refs, objects, commit index and what other
 * modules derive in it). It first takes a KEY SHARE lock on the repository's row, so every
 * writer locks in one order: the repository, then its child rows. Deleting a repository
 * locks its row first too (DELETE, then the cascade), so a delete and a commit never hold a
 * lock the other waits for (PostgreSQL 40P01): the delete waits for the commits already under
 * way, and a commit that starts behind the delete finds no repository (404 RepoNotFound).
 * KEY SHARE does not conflict with itself or with the writers of other columns of the row.
 */
export function repoTransaction<T>(db: DataSource, repoId: number, work: (m: EntityManager) => Promise<T>): Promise<T> {
  return db.transaction(async (m) => {
    const rows = await m.query(`SELECT id FROM repositories WHERE id = $1 FOR KEY SHARE`, [repoId]);
    if (rows.length === 0) throw repositoryDeleted();
    return work(m);
  });
}

/**
 * For a lookup that found nothing: when the repository itself was deleted since the request
 * found it, that is the answer (404 RepoNotFound), not a missing revision or file.
 */
export async function assertRepositoryStillExists(m: EntityManager, repoId: number): Promise<void> {
  const rows = await m.query(`SELECT 1 FROM repositories WHERE id = $1`, [repoId]);
  if (rows.length === 0) throw repositoryDeleted();
}

/** The same, taking repoTransaction's KEY SHARE lock on the row: a reader that needs the GC job held off. */
export async function assertRepositoryStillExistsLocked(m: EntityManager, repoId: number): Promise<void> {
  const rows = await m.query(`SELECT 1 FROM repositories WHERE id = $1 FOR KEY SHARE`, [repoId]);
  if (rows.length === 0) throw repositoryDeleted();
}

function repositoryDeleted(): NotFoundError {
  return new NotFoundError('Repository not found (it was deleted)', 'RepoNotFound');
}
