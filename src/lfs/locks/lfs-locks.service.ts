import { Injectable } from '@nestjs/common';
import type { Principal } from '../../auth/principal';
import { ForbiddenError, NotFoundError } from '../../core/errors/domain-error';
import { RepoAccessService } from '../../repos/access/repo-access.service';
import { repoId, type RepoRecord } from '../../repos/repo.types';
import {
  DEFAULT_LOCKS_PAGE,
  MAX_LOCKS_PAGE,
  type CreateLockDto,
  type ListLocksQueryDto,
  type LockDto,
  type LockListDto,
  type VerifyLocksDto,
  type VerifyLocksResponseDto,
} from './dto/locks.dto';
import { LfsLocksRepository, type LfsLockRow } from './lfs-locks.repository';

const LOCK_ID = /^\d{1,18}$/;

export type CreateLockResult = { created: true; lock: LockDto } | { created: false; lock: LockDto; message: string };

/**
 * The git-lfs locking API. A lock is repository-wide: one per path (the `ref` a client sends is
 * recorded, `refspec` accepted, neither filters), so a path locked on one branch is locked on all.
 * Every route needs push rights; breaking another user's lock also needs repository admin.
 */
@Injectable()
export class LfsLocksService {
  constructor(
    private readonly locks: LfsLocksRepository,
    private readonly access: RepoAccessService,
  ) {}

  async create(principal: Principal, repo: RepoRecord, body: CreateLockDto): Promise<CreateLockResult> {
    const refName = body.ref?.name || null;
    // An unlock may slip in between the refused insert and the read of the holder: try again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const created = await this.locks.insert(repo.id, body.path, refName, principal.user.id);
      if (created) return { created: true, lock: present(created) };
      const holder = await this.locks.findByPath(repo.id, body.path);
      if (holder) return { created: false, lock: present(holder), message: `${body.path} is already locked by ${holder.ownerName}` };
    }
    throw new Error(`lfs lock on ${repoId(repo)}:${body.path} neither created nor found`);
  }

  async list(repo: RepoRecord, q: ListLocksQueryDto): Promise<LockListDto> {
    // Ids are opaque to clients: one that cannot be ours matches nothing rather than failing.
    if (q.id !== undefined && !LOCK_ID.test(q.id)) return { locks: [] };
    const limit = pageSize(q.limit);
    const rows = await this.locks.page(repo.id, { path: q.path, id: q.id, cursor: q.cursor }, limit + 1);
    return withCursor({ locks: rows.slice(0, limit).map(present) }, rows, limit);
  }

  /** What git-lfs asks before every push: the caller's locks, and everyone else's (which stop the push). */
  async verify(principal: Principal, repo: RepoRecord, body: VerifyLocksDto): Promise<VerifyLocksResponseDto> {
    const limit = pageSize(body.limit);
    const rows = await this.locks.page(repo.id, { cursor: body.cursor }, limit + 1);
    const page = rows.slice(0, limit);
    return withCursor(
      {
        ours: page.filter((l) => l.ownerId === principal.user.id).map(present),
        theirs: page.filter((l) => l.ownerId !== principal.user.id).map(present),
      },
      rows,
      limit,
    );
  }

  async unlock(principal: Principal, repo: RepoRecord, id: string, force: boolean): Promise<LockDto> {
    const label = repoId(repo);
    const lock = LOCK_ID.test(id) ? await this.locks.findById(repo.id, id) : null;
    if (!lock) throw lockNotFound(id);
    if (lock.ownerId !== principal.user.id) {
      if (!force) {
        throw new ForbiddenError(`${lock.path} is locked by ${lock.ownerName}; only a repository admin can break the lock (--force)`, 'LockNotOwned');
      }
      await this.access.assert(principal, repo, 'admin', label);
    }
    if (!(await this.locks.delete(repo.id, lock.id))) throw lockNotFound(id);
    return present(lock);
  }
}

function present(l: LfsLockRow): LockDto {
  return { id: l.id, path: l.path, locked_at: new Date(l.lockedAt).toISOString(), owner: { name: l.ownerName } };
}

function pageSize(limit: number | undefined): number {
  return Math.min(limit ?? DEFAULT_LOCKS_PAGE, MAX_LOCKS_PAGE);
}

/** Newest first; the cursor of the next page is the id of its first lock. */
function withCursor<T extends object>(body: T, rows: LfsLockRow[], limit: number): T & { next_cursor?: string } {
  return rows.length > limit ? { ...body, next_cursor: rows[limit].id } : body;
}

function lockNotFound(id: string): NotFoundError {
  return new NotFoundError(`Lock ${id} not found`, 'LockNotFound');
}
