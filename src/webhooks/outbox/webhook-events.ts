import { Injectable, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { DiscussionChange } from '../../discussions/discussion-events.emitter';
import { DiscussionEventsEmitter } from '../../discussions/discussion-events.emitter';
import type { DiscussionRecord, DiscussionStatus } from '../../discussions/discussion.types';
import { RefHooks, type RefChange } from '../../git/engine/ref-hooks';
import { VersionEngine } from '../../git/engine/version-engine.service';
import { RepoAccessService } from '../../repos/access/repo-access.service';
import { RepoEventsEmitter, type RepoChange } from '../../repos/repo-events.emitter';
import type { RepoRecord } from '../../repos/repo.types';
import { RepositoriesRepository } from '../../repos/repositories.repository';
import { WebhooksRepository, type WebhookWatcher } from '../settings/webhooks.repository';
import type { WebhookDomain } from '../webhook.types';
import { OutboxRepository } from './outbox.repository';
import { commentPayload, discussionPayload, repoPayload, type Payload } from './webhook-payloads';

type Fold = Parameters<OutboxRepository['add']>[4];

/** Ref changes of one transaction fold into one payload: their updatedRefs add up, the repo (headSha) is the latest. */
const REFS_FOLD = `jsonb_set(jsonb_set(payload, '{updatedRefs}', COALESCE(payload->'updatedRefs', '[]'::jsonb) || ($4::jsonb->'updatedRefs')), '{repo}', $4::jsonb->'repo')`;
/** A new discussion's first comment (its description) rides in the creation payload, as on the Hub. */
const COMMENT_FOLD = `payload || jsonb_build_object('comment', $4::jsonb->'comment')`;

/**
 * Turns the changes announced by RefHooks (commits, pushes, branch and tag changes), the
 * discussions and the repository service into outbox rows for the webhooks watching them,
 * inside the transaction that makes the change: the event commits, or rolls back, with it.
 * A webhook hears only of repositories its owner may read (RepoAccess decides).
 */
@Injectable()
export class WebhookEvents implements OnModuleInit {
  constructor(
    private readonly refHooks: RefHooks,
    private readonly discussions: DiscussionEventsEmitter,
    private readonly repoEvents: RepoEventsEmitter,
    private readonly repos: RepositoriesRepository,
    private readonly engine: VersionEngine,
    private readonly webhooks: WebhooksRepository,
    private readonly outbox: OutboxRepository,
    private readonly access: RepoAccessService,
  ) {}

  onModuleInit(): void {
    this.refHooks.onRefChange((m, c) => this.onRefChange(m, c));
    this.discussions.subscribe((m, c) => this.onDiscussion(m, c));
    this.repoEvents.subscribe((m, c) => this.onRepo(m, c));
  }

  private async onRefChange(m: EntityManager, c: RefChange): Promise<void> {
    // Every commit and push passes here, and most repositories have no webhook: one statement
    // finds that out before the repository is loaded or a payload built.
    const watchers = await this.webhooks.watching(m, 'repo', c.repoId);
    if (!watchers.length) return;
    const repo = await this.repos.findById(c.repoId, m);
    if (!repo) return;
    const headSha = c.ref === `refs/heads/${repo.defaultBranch}` ? c.new : await this.defaultHead(repo);
    const payload = { event: { action: 'update', scope: 'repo.content' }, repo: repoPayload(repo, headSha), updatedRefs: [{ ref: c.ref, oldSha: c.old, newSha: c.new }] };
    await this.deliver(m, watchers, repo, payload, { key: 'refs', set: REFS_FOLD, value: payload });
  }

  private async onRepo(m: EntityManager, c: RepoChange): Promise<void> {
    switch (c.action) {
      case 'create':
        return this.fanOut(m, 'repo', c.repo, [c.repo.namespaceId], { event: { action: 'create', scope: 'repo' }, repo: repoPayload(c.repo, c.headSha) });
      case 'delete':
        return this.fanOut(m, 'repo', c.repo, [c.repo.namespaceId], { event: { action: 'delete', scope: 'repo' }, repo: repoPayload(c.repo) });
      case 'move': {
        const payload = { event: { action: 'move', scope: 'repo' }, repo: repoPayload(c.repo), movedTo: { name: `${c.movedTo.namespace}/${c.movedTo.name}`, owner: { id: String(c.movedTo.namespaceId) } } };
        return this.fanOut(m, 'repo', c.movedTo, [c.repo.namespaceId, c.movedTo.namespaceId], payload);
      }
      case 'config':
        return this.fanOut(m, 'repo', c.repo, [c.repo.namespaceId], { event: { action: 'update', scope: 'repo.config' }, repo: repoPayload(c.repo, await this.defaultHead(c.repo)), updatedConfig: c.updatedConfig });
    }
  }

  private async onDiscussion(m: EntityManager, c: DiscussionChange): Promise<void> {
    const watchers = await this.webhooks.watching(m, 'discussion', c.discussion.repoId);
    if (!watchers.length) return;
    const repo = await this.repos.findById(c.discussion.repoId, m);
    if (!repo) return;
    const d = c.discussion;
    const base = { repo: repoPayload(repo) };
    if (c.action === 'created') {
      return this.deliver(m, watchers, repo, { event: { action: 'create', scope: 'discussion' }, ...base, discussion: discussionPayload(repo, d) }, {
        key: `discussion:${d.id}`,
      });
    }
    const e = c.event!;
    if (e.type === 'comment') {
      const payload = { event: { action: c.action === 'event' ? 'create' : 'update', scope: 'discussion.comment' }, ...base, discussion: discussionPayload(repo, d), comment: commentPayload(repo, d, e) };
      // Only a new comment folds into a creation of the same transaction; the key is not kept on its own row.
      return this.deliver(m, watchers, repo, payload, c.action === 'event' ? { key: `discussion:${d.id}`, set: COMMENT_FOLD, value: payload, insertKey: null } : undefined);
    }
    if (e.type === 'status-change' || e.type === 'title-change') {
      const now: DiscussionRecord = e.type === 'title-change' ? { ...d, title: String(e.data.to ?? d.title) } : { ...d, status: (e.data.status as DiscussionStatus) ?? d.status };
      return this.deliver(m, watchers, repo, { event: { action: 'update', scope: 'discussion' }, ...base, discussion: discussionPayload(repo, now) });
    }
    // Commits on a pull request: its refs/pr/N change already tells (repo.content).
  }

  private async fanOut(m: EntityManager, domain: WebhookDomain, repo: RepoRecord, namespaceIds: number[], payload: Payload, fold?: Fold): Promise<void> {
    await this.deliver(m, await this.webhooks.watching(m, domain, repo.id, namespaceIds), repo, payload, fold);
  }

  /** An outbox row per watcher whose owner may read the repository (RepoAccess decides). */
  private async deliver(m: EntityManager, watchers: WebhookWatcher[], repo: RepoRecord, payload: Payload, fold?: Fold): Promise<void> {
    for (const w of watchers) {
      if (!(await this.access.namespaceMayRead({ id: w.ownerId, kind: w.ownerKind }, repo))) continue;
      await this.outbox.add(m, w.id, repo.id, payload, fold);
    }
  }

  private async defaultHead(repo: RepoRecord): Promise<string | null> {
    try {
      return (await this.engine.resolveRevision(repo, repo.defaultBranch)).commitOid;
    } catch {
      return null; // an empty repository
    }
  }
}
