import { Injectable } from '@nestjs/common';
import type { HangarConfig } from '../../core/config/config';
import { InjectConfig } from '../../core/config/config.module';
import { BadRequestError, NotFoundError } from '../../core/errors/domain-error';
import { UsersService } from '../../auth/accounts/users.service';
import { OrgsService } from '../../auth/orgs/orgs.service';
import { assertCanWrite, type Principal } from '../../auth/principal';
import { RepoAccessService } from '../../repos/access/repo-access.service';
import { splitRepoId } from '../../repos/repo-names';
import { RepositoriesRepository } from '../../repos/repositories.repository';
import { assertTargetAllowed, TargetRefused } from '../delivery/target-guard';
import { WATCHED_TYPES, WEBHOOK_DOMAINS, type WatchedItem, type WatchedTarget, type WebhookDomain, type WebhookRecord } from '../webhook.types';
import { WebhooksRepository } from './webhooks.repository';

export interface WebhookInput {
  url?: string | null;
  watched?: WatchedItem[] | null;
  domains?: string[] | null;
  secret?: string | null;
}

const MAX_WATCHED = 100;

/**
 * Webhook settings: a user's own webhooks, and an organization's for its admins. A webhook
 * someone may not manage does not exist for them (404 WebhookNotFound).
 */
@Injectable()
export class WebhooksService {
  constructor(
    @InjectConfig() private readonly config: HangarConfig,
    private readonly webhooks: WebhooksRepository,
    private readonly users: UsersService,
    private readonly orgs: OrgsService,
    private readonly repos: RepositoriesRepository,
    private readonly access: RepoAccessService,
  ) {}

  /** The caller's webhooks and those of the organizations they administer. */
  async list(principal: Principal): Promise<WebhookRecord[]> {
    return this.webhooks.listOwnedBy([principal.user.id, ...(await this.administeredOrgs(principal))]);
  }

  async get(principal: Principal, publicId: string): Promise<WebhookRecord> {
    const w = /^[0-9a-f]{24}$/.test(publicId) ? await this.webhooks.findByPublicId(publicId) : null;
    if (!w || (w.ownerId !== principal.user.id && !(await this.administeredOrgs(principal)).includes(w.ownerId))) {
      throw new NotFoundError(`Webhook ${publicId.slice(0, 40)} not found`, 'WebhookNotFound');
    }
    return w;
  }

  /** `namespace`: an organization the caller administers (Hangar's addition; default: the caller). */
  async create(principal: Principal, input: WebhookInput & { namespace?: string | null }, linksBaseUrl: string): Promise<WebhookRecord> {
    assertCanWrite(principal);
    const ownerId = await this.owner(principal, input.namespace);
    if (!input.url) throw new BadRequestError('A webhook needs a target url (Hangar runs no jobs: jobSourceId is not supported)', 'WebhookUrlRequired');
    const url = await this.target(input.url);
    const watched = await this.watched(principal, input.watched ?? []);
    if (!watched.length) throw new BadRequestError('A webhook must watch at least one user, organization or repository', 'WatchedRequired');
    const publicId = await this.webhooks.insert({ ownerId, createdBy: principal.user.id, url, linksBaseUrl, secret: secret(input.secret), domains: domains(input.domains), watched });
    return (await this.webhooks.findByPublicId(publicId))!;
  }

  /** Fields left out or null stay as they are; so does an empty `watched` (the clients send `[]` when not asked to change it). */
  async update(principal: Principal, publicId: string, input: WebhookInput, linksBaseUrl: string): Promise<WebhookRecord> {
    assertCanWrite(principal);
    const w = await this.get(principal, publicId);
    const url = input.url ? await this.target(input.url) : undefined;
    const watched = input.watched?.length ? await this.watched(principal, input.watched) : undefined;
    await this.webhooks.update(w.id, {
      url,
      linksBaseUrl: url ? linksBaseUrl : undefined,
      secret: input.secret == null ? undefined : secret(input.secret),
      domains: input.domains == null ? undefined : domains(input.domains),
      watched,
    });
    return (await this.webhooks.findByPublicId(publicId))!;
  }

  async setDisabled(principal: Principal, publicId: string, disabled: boolean): Promise<WebhookRecord> {
    assertCanWrite(principal);
    const w = await this.get(principal, publicId);
    await this.webhooks.update(w.id, { disabled });
    return (await this.webhooks.findByPublicId(publicId))!;
  }

  async delete(principal: Principal, publicId: string): Promise<void> {
    assertCanWrite(principal);
    await this.webhooks.delete((await this.get(principal, publicId)).id);
  }

  private async administeredOrgs(principal: Principal): Promise<number[]> {
    return (await this.orgs.membershipsOf(principal.user.id)).filter((m) => m.role === 'admin' || m.role === 'super-admin').map((m) => m.orgId);
  }

  private async owner(principal: Principal, namespace: string | null | undefined): Promise<number> {
    if (!namespace || namespace.toLowerCase() === principal.user.name.toLowerCase()) return principal.user.id;
    const ns = await this.users.findNamespace(namespace);
    if (!ns || ns.kind !== 'org' || !(await this.administeredOrgs(principal)).includes(ns.id)) {
      throw new BadRequestError(`Webhooks can be created for yourself or for an organization you administer, not "${namespace.slice(0, 100)}"`, 'WebhookOwnerRefused');
    }
    return ns.id;
  }

  /** An absolute http(s) URL whose host is not on a private network (unless allowed). */
  private async target(raw: string): Promise<string> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new BadRequestError('The webhook url must be an absolute http(s) URL', 'InvalidWebhookUrl');
    }
    if (!['http:', 'https:'].includes(url.protocol) || raw.length > 2048) throw new BadRequestError('The webhook url must be an absolute http(s) URL of at most 2048 characters', 'InvalidWebhookUrl');
    try {
      await assertTargetAllowed(url, this.config.webhooks.allowPrivateTargets);
    } catch (err) {
      if (err instanceof TargetRefused) throw new BadRequestError(`Webhook target refused: ${err.reason}`, 'WebhookTargetRefused');
      throw err;
    }
    return url.toString();
  }

  /** Watched items resolved to ids; a repository the caller may not read is "not found", as a missing one. */
  private async watched(principal: Principal, items: WatchedItem[]): Promise<WatchedTarget[]> {
    if (items.length > MAX_WATCHED) throw new BadRequestError(`A webhook watches at most ${MAX_WATCHED} items`, 'TooManyWatched');
    const out: WatchedTarget[] = [];
    for (const item of items) {
      const type = typeof item?.type === 'string' ? item.type : '';
      const name = typeof item?.name === 'string' ? item.name : '';
      if (!(WATCHED_TYPES as readonly string[]).includes(type)) throw new BadRequestError(`Watched items are ${WATCHED_TYPES.join(', ')}; not "${type.slice(0, 40)}"`, 'InvalidWatchedItem');
      const missing = () => new BadRequestError(`Watched ${type} "${name.slice(0, 200)}" not found`, 'WatchedItemNotFound');
      if (type === 'user' || type === 'org') {
        const ns = name ? await this.users.findNamespace(name) : null;
        if (!ns || ns.kind !== type) throw missing();
        out.push({ namespaceId: ns.id });
        continue;
      }
      const { namespace, name: repoName } = splitRepoId(name);
      const repo = await this.repos.find(type as 'model' | 'dataset' | 'space', namespace, repoName);
      if (!repo || !(await this.access.namespaceMayRead({ id: principal.user.id, kind: 'user' }, repo))) throw missing();
      out.push({ repoId: repo.id });
    }
    return out;
  }
}

/** The clients' domains; 0.x sends `discussions` for `discussion`. Unset: both. */
function domains(raw: string[] | null | undefined): WebhookDomain[] {
  if (raw == null) return [...WEBHOOK_DOMAINS];
  const out = new Set<WebhookDomain>();
  for (const d of raw) {
    const normal = d === 'discussions' ? 'discussion' : d;
    if (!(WEBHOOK_DOMAINS as readonly string[]).includes(normal)) throw new BadRequestError(`Webhook domains are ${WEBHOOK_DOMAINS.join(', ')}; not "${String(d).slice(0, 40)}"`, 'InvalidWebhookDomain');
    out.add(normal as WebhookDomain);
  }
  if (!out.size) throw new BadRequestError('A webhook needs at least one domain (repo, discussion)', 'InvalidWebhookDomain');
  return [...out];
}

/** The Hub sends the secret as an HTTP header: printable ASCII only. Empty: no secret. */
function secret(raw: string | null | undefined): string | null {
  if (raw == null || raw === '') return null;
  if (!/^[\x20-\x7e]{1,1024}$/.test(raw)) throw new BadRequestError('A webhook secret is 1 to 1024 printable ASCII characters', 'InvalidWebhookSecret');
  return raw;
}
