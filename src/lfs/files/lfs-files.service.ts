import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../../auth/principal';
import { ConflictError, NotFoundError } from '../../core/errors/domain-error';
import { OBJECT_STORE, type ObjectStore } from '../../core/storage/object-store';
import { HistoryRewriter } from '../../git/engine/history-rewrite';
import type { RepoRecord } from '../../repos/repo.types';
import { ReposService } from '../../repos/repos.service';
import { LfsRepository } from '../lfs.repository';

export interface LfsFileListing {
  oid: string;
  pointerOid: string;
  size: number;
  xetHash: string | null;
  pushedAt: Date;
  /** A path the file has in some ref's history, and that ref (none: no ref reaches it any more). */
  filename: string | null;
  ref: string | null;
}

/**
 * list_lfs_files and permanently_delete_lfs_files. Deleting a file some ref still reaches is
 * refused (409, naming the refs and paths) unless the caller asks to rewrite history: then
 * every such ref is rewritten without the file (HistoryRewriter, through the engine) first.
 * The repository's hold on the object goes (the quota triggers lower its usage), the file is
 * marked pruned (an old commit's pointer answers 410 until GC takes the commit), and the bytes
 * go once no repository holds the object.
 */
@Injectable()
export class LfsFilesService {
  constructor(
    private readonly lfs: LfsRepository,
    private readonly history: HistoryRewriter,
    private readonly repos: ReposService,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
  ) {}

  async list(repo: RepoRecord, limit: number, offset: number): Promise<LfsFileListing[]> {
    const held = await this.lfs.listHeld(repo.id, limit, offset);
    const reach = await this.history.locate(repo.id, new Set(held.map((h) => h.pointerOid)));
    return held.map((h) => ({ ...h, filename: reach.get(h.pointerOid)?.paths[0] ?? null, ref: reach.get(h.pointerOid)?.refs[0] ?? null }));
  }

  async delete(principal: Principal, repo: RepoRecord, oids: string[], rewriteHistory: boolean): Promise<{ deleted: string[]; rewrittenRefs: string[] }> {
    const wanted = [...new Set(oids)];
    const held = await this.lfs.heldObjects(repo.id, wanted);
    const missing = wanted.filter((oid) => !held.some((h) => h.oid === oid));
    if (missing.length) throw new NotFoundError(`Not LFS files of this repository: ${missing.slice(0, 10).join(', ')}`, 'LfsFileNotFound');
    const pointers = new Set(held.map((h) => h.pointerOid));
    const reach = await this.history.locate(repo.id, pointers);
    let rewrittenRefs: string[] = [];
    if (reach.size && !rewriteHistory) {
      const files = held.filter((h) => reach.has(h.pointerOid)).map((h) => ({ sha: h.oid, ...reach.get(h.pointerOid)! }));
      const text = files.map((f) => `${f.sha} (${f.paths.join(', ')} in ${f.refs.join(', ')})`).join('; ');
      throw new ConflictError(`Refs still reach these files; delete them with rewriteHistory, or change the refs first: ${text}`.slice(0, 1000), 'LfsFileReferenced', { files });
    }
    if (reach.size) {
      rewrittenRefs = await this.history.removeBlobs(repo.id, pointers, principal.user.id);
      if (rewrittenRefs.includes(`refs/heads/${repo.defaultBranch}`)) await this.repos.afterCommit(repo, `refs/heads/${repo.defaultBranch}`);
    }
    for (const key of await this.lfs.prune(repo.id, held)) await this.store.delete(key);
    return { deleted: held.map((h) => h.oid), rewrittenRefs };
  }
}
