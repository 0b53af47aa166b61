import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal';
import { BadRequestError, ForbiddenError, NotFoundError } from '../core/errors/domain-error';
import { QuotaExceededError } from '../core/errors/quota-exceeded';
import { RepoAccessService, repoNotFound } from '../repos/access/repo-access.service';
import { RepositoriesRepository } from '../repos/repositories.repository';
import type { RepoRecord, RepoType } from '../repos/repo.types';
import { Correction, NamespaceUsage, QuotaRepository, RepoUsage } from './quota.repository';

/** What `PUT /api/quota/{namespace}` changes; undefined: not given. */
export interface NamespaceQuotaChange {
  quotaBytes?: number | null;
  privateBytes?: number | null;
  publicBytes?: number | null;
}

/** Bytes a repository may still grow by: the tighter of its own quota and its namespace bucket's (null: unlimited). */
export interface Headroom {
  available: number | null;
  refusal: (requested: number) => QuotaExceededError;
}

/**
 * Quotas: reading and setting them, the early checks that refuse what obviously won't fit, and
 * recalculation (a repair tool). Usage itself is kept exact by the database (migration Quotas),
 * in the transaction of every change that adds or drops stored bytes; that is also the final check.
 */
@Injectable()
export class QuotaService {
  constructor(
    private readonly quota: QuotaRepository,
    private readonly repos: RepositoriesRepository,
    private readonly access: RepoAccessService,
  ) {}

  /** The caller's own namespace, or an org they belong to; 404 for anyone else. */
  async namespaceFor(principal: Principal | null, name: string): Promise<NamespaceUsage> {
    const ns = await this.quota.namespace(name);
    if (!ns || !(await this.access.namespaceRole(principal, ns.id))) throw namespaceNotFound(name);
    return ns;
  }

  /** The public bucket is public information (it is what the namespace's public repositories hold). */
  async publicNamespace(name: string): Promise<NamespaceUsage> {
    const ns = await this.quota.namespace(name);
    if (!ns) throw namespaceNotFound(name);
    return ns;
  }

  async namespaceByName(name: string): Promise<NamespaceUsage> {
    const ns = await this.quota.namespace(name);
    if (!ns) throw namespaceNotFound(name);
    return ns;
  }

  reposOf(ns: NamespaceUsage): Promise<RepoUsage[]> {
    return this.quota.repos(ns.id);
  }

  /**
   * Namespace quotas are the server admin's to set (admin-role accounts here, the admin token on
   * the admin API): never the user's own, nor an org admin's. Others learn nothing about a
   * namespace they may not see (404) and get 403 on their own.
   */
  async setNamespaceQuotaAs(principal: Principal, name: string, change: NamespaceQuotaChange): Promise<NamespaceUsage> {
    if (principal.user.role !== 'admin') {
      await this.namespaceFor(principal, name);
      throw new ForbiddenError('Only a server administrator can set namespace quotas (admin API: PUT /admin/api/quota/{namespace})', 'Forbidden');
    }
    const ns = await this.namespaceByName(name);
    const pick = (own: number | null | undefined, current: number | null) => (own !== undefined ? own : change.quotaBytes !== undefined ? change.quotaBytes : current);
    return this.setNamespaceQuota(name, pick(change.privateBytes, ns.privateQuotaBytes), pick(change.publicBytes, ns.publicQuotaBytes));
  }

  async setNamespaceQuota(name: string, privateBytes: number | null, publicBytes: number | null): Promise<NamespaceUsage> {
    const ns = await this.namespaceByName(name);
    await this.quota.setNamespaceQuota(ns, privateBytes, publicBytes);
    return { ...ns, privateQuotaBytes: privateBytes, publicQuotaBytes: publicBytes };
  }

  /** A repository and its namespace, if the caller may read it. */
  async repoFor(principal: Principal | null, type: string, namespace: string, name: string, permission: 'read' | 'admin'): Promise<{ repo: RepoUsage; ns: NamespaceUsage }> {
    const repoType = parseRepoType(type);
    const record = await this.repos.find(repoType, namespace, name);
    // A missing repository answers as a private one the caller may not read (401 to anonymous callers).
    if (!record) throw repoNotFound(principal);
    await this.access.assert(principal, record, permission, `${record.namespace}/${record.name}`);
    return this.usageOf(record);
  }

  async setRepoQuota(principal: Principal, type: string, namespace: string, name: string, bytes: number | null) {
    const { repo, ns } = await this.repoFor(principal, type, namespace, name, 'admin');
    const nsQuota = repo.private ? ns.privateQuotaBytes : ns.publicQuotaBytes;
    if (bytes !== null && nsQuota !== null && bytes > nsQuota) {
      throw new BadRequestError(`A repository quota cannot exceed its namespace's ${repo.private ? 'private' : 'public'} quota (${nsQuota} bytes)`, 'QuotaAboveNamespace');
    }
    await this.quota.setRepoQuota(repo.id, bytes);
    return { repo: { ...repo, quotaBytes: bytes }, ns };
  }

  async recalculateRepo(principal: Principal, type: string, namespace: string, name: string) {
    const { repo } = await this.repoFor(principal, type, namespace, name, 'admin');
    const corrections = await this.quota.recalculate(repo.namespaceId);
    return { ...(await this.usageById(repo.id)), corrections };
  }

  async recalculateNamespace(ns: NamespaceUsage): Promise<{ ns: NamespaceUsage; corrections: Correction[] }> {
    const corrections = await this.quota.recalculate(ns.id);
    return { ns: (await this.quota.namespaceById(ns.id)) ?? ns, corrections };
  }

  /** Recounts every namespace holding matching repositories (all of them without a filter). */
  async recalculateAll(filter: { repoType?: string; namespace?: string } = {}): Promise<{ namespaces: number; corrections: Correction[] }> {
    if (filter.repoType) parseRepoType(filter.repoType);
    const ids = filter.repoType || filter.namespace ? await this.quota.namespaceIdsWithRepos(filter) : await this.quota.allNamespaceIds();
    const corrections: Correction[] = [];
    for (const id of ids) corrections.push(...(await this.quota.recalculate(id)));
    return { namespaces: ids.length, corrections };
  }

  /**
   * The early check before bytes are accepted for `repo`: refuses `bytes` that cannot fit now.
   * What passes here can still be refused in the ref transaction (concurrent uploads).
   */
  async assertFits(repo: Pick<RepoRecord, 'id'>, bytes: number): Promise<void> {
    if (bytes <= 0) return;
    const room = await this.headroom(repo);
    if (room.available !== null && bytes > room.available) throw room.refusal(bytes);
  }

  async headroom(repo: Pick<RepoRecord, 'id'>): Promise<Headroom> {
    const r = await this.quota.repo(repo.id);
    if (!r) return { available: null, refusal: () => new QuotaExceededError({ scope: 'repository', namespace: '', used_bytes: 0, quota_bytes: 0, requested_bytes: 0 }) };
    const ns = (await this.quota.namespaceById(r.namespaceId))!;
    const nsQuota = r.private ? ns.privateQuotaBytes : ns.publicQuotaBytes;
    const nsUsed = r.private ? ns.privateUsedBytes : ns.publicUsedBytes;
    const nsRoom = nsQuota === null ? null : nsQuota - nsUsed;
    const repoRoom = r.quotaBytes === null ? null : r.quotaBytes - r.usedBytes;
    const repoTighter = repoRoom !== null && (nsRoom === null || repoRoom < nsRoom);
    const available = repoTighter ? repoRoom : nsRoom;
    return {
      available: available === null ? null : Math.max(0, available),
      refusal: (requested) =>
        repoTighter
          ? new QuotaExceededError({ scope: 'repository', namespace: `${ns.name}/${r.name}`, used_bytes: r.usedBytes, quota_bytes: r.quotaBytes!, requested_bytes: requested })
          : new QuotaExceededError({ scope: 'namespace', namespace: ns.name, bucket: r.private ? 'private' : 'public', used_bytes: nsUsed, quota_bytes: nsQuota!, requested_bytes: requested }),
    };
  }

  private async usageOf(record: RepoRecord): Promise<{ repo: RepoUsage; ns: NamespaceUsage }> {
    return this.usageById(record.id);
  }

  private async usageById(id: number): Promise<{ repo: RepoUsage; ns: NamespaceUsage }> {
    const repo = await this.quota.repo(id);
    if (!repo) throw new NotFoundError('Repository not found', 'RepoNotFound');
    return { repo, ns: (await this.quota.namespaceById(repo.namespaceId))! };
  }
}

function namespaceNotFound(name: string): NotFoundError {
  return new NotFoundError(`Namespace ${name} not found`, 'NotFound');
}

function parseRepoType(type: string): RepoType {
  const t = type.replace(/s$/, '');
  if (t !== 'model' && t !== 'dataset' && t !== 'space') throw new BadRequestError(`Unknown repository type: ${type}`, 'BadRequest');
  return t;
}
