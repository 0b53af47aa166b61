import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Principal } from '../auth/principal';
import { BadRequestError, ConflictError, DomainError, ForbiddenError, NotFoundError } from '../core/errors/domain-error';
import type { Oid } from '../git/codec/object-types';
import { RefHooks, type PullRequestOpening, type RefChange } from '../git/engine/ref-hooks';
import { repoTransaction } from '../git/engine/repo-transaction';
import { VersionEngine } from '../git/engine/version-engine.service';
import { RepoAccessService } from '../repos/access/repo-access.service';
import type { RepoRecord } from '../repos/repo.types';
import { repoId } from '../repos/repo.types';
import { DiscussionEventsEmitter } from './discussion-events.emitter';
import { eventJson, summaryJson, type StoredComment } from './discussion.presenter';
import type { DiscussionEventRecord, DiscussionEventType, DiscussionRecord, DiscussionUser } from './discussion.types';
import { DiscussionsRepository, type DiscussionFilter } from './discussions.repository';
import { PullRequestDiff } from './pull-request-diff';

export const DISCUSSIONS_PAGE_SIZE = 50;
export const MAX_TITLE_CHARS = 200;
export const MAX_COMMENT_CHARS = 65_536;
/** Commit events recorded per ref move (a push of a long history onto a pull request shows its newest). */
const MAX_COMMIT_EVENTS = 100;

export const PR_REF = /^refs\/pr\/([1-9][0-9]{0,8})$/;

const discussionNotFound = (num: number) => new NotFoundError(`Discussion #${num} not found`, 'DiscussionNotFound');

/**
 * Discussions and pull requests: one numbering per repository, a timeline of events, and pull
 * requests over `refs/pr/N` merged through the version engine. Pull requests opened by a commit
 * (`create_pr`) and commits landing on `refs/pr/N` (API or git push) reach this service through
 * the engine's RefHooks, in the transaction that makes them.
 */
@Injectable()
export class DiscussionsService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly discussions: DiscussionsRepository,
    private readonly engine: VersionEngine,
    private readonly hooks: RefHooks,
    private readonly access: RepoAccessService,
    private readonly emitter: DiscussionEventsEmitter,
    private readonly diffs: PullRequestDiff,
  ) {}

  onModuleInit(): void {
    this.hooks.setPullRequestOpener((m, opening) => this.openPullRequest(m, opening));
    this.hooks.onRefChange((m, change) => this.recordCommits(m, change));
    this.hooks.setPullRequestAuthorLookup(async (repoId, num) => {
      const d = await this.discussions.find(repoId, num);
      return d?.isPullRequest ? (d.author?.id ?? null) : null;
    });
  }

  async list(repo: RepoRecord, filter: DiscussionFilter, page: number) {
    const start = page * DISCUSSIONS_PAGE_SIZE;
    const found = await this.discussions.page(repo.id, filter, start, DISCUSSIONS_PAGE_SIZE);
    return {
      discussions: found.discussions.map((d) => summaryJson(d, repo, d.numComments)),
      count: found.count,
      start,
      numClosedDiscussions: found.numClosed,
    };
  }

  async details(repo: RepoRecord, num: number, withDiff: boolean) {
    const d = await this.mustFind(repo, num);
    const events = await this.discussions.events(d.id);
    const users = await this.commentUsers(events);
    const comments = events.filter((e) => e.type === 'comment').length;
    const out = { ...summaryJson(d, repo, comments), events: events.map((e) => eventJson(e, users)), locked: false };
    if (!d.isPullRequest) return out;
    const head = await this.refTarget(repo, `refs/pr/${d.num}`);
    const target = await this.refTarget(repo, d.targetBranch!);
    const live = d.status === 'open' || d.status === 'draft';
    const conflicts = live && head && target ? (await this.engine.planMerge(repo.id, target, head)).conflicts : [];
    const base = d.status === 'merged' ? d.mergeBaseOid : head && target ? await this.engine.mergeBase(repo.id, target, head) : null;
    return {
      ...out,
      changes: { base: d.targetBranch, ...(head ? { head } : {}), ...(d.mergeCommitOid ? { mergeCommitId: d.mergeCommitOid } : {}) },
      filesWithConflicts: conflicts,
      ...(withDiff ? { diff: head && base ? await this.diffs.render(repo.id, base, head) : '' } : {}),
    };
  }

  /** A discussion, or (pullRequest) an empty draft pull request onto the default branch that commits then target. */
  async create(principal: Principal, repo: RepoRecord, input: { title: string; description?: string | null; pullRequest?: boolean | null }) {
    await this.assertDiscussionsAllow(principal, repo, input.pullRequest ? 'pull-request' : 'discussion');
    const title = validTitle(input.title);
    const description = input.description == null || input.description.trim() === '' ? undefined : validComment(input.description);
    let num: number;
    if (input.pullRequest) {
      num = await this.engine.openEmptyPullRequest({ repoId: repo.id, actorId: principal.user.id, targetRef: `refs/heads/${repo.defaultBranch}`, title, description });
    } else {
      num = await repoTransaction(this.db, repo.id, async (m) => {
        const n = await this.discussions.nextNumber(m, repo.id);
        await this.insertDiscussion(m, { repoId: repo.id, num: n, isPullRequest: false, title, status: 'open', authorId: principal.user.id, targetBranch: null }, description);
        return n;
      });
    }
    const d = (await this.discussions.find(repo.id, num))!;
    return { ...summaryJson(d, repo, description ? 1 : 0), url: `/${repoId(repo)}/discussions/${num}` };
  }

  async comment(principal: Principal, repo: RepoRecord, num: number, text: string) {
    await this.assertDiscussionsAllow(principal, repo, 'comment');
    const raw = validComment(text);
    return { newMessage: await this.addEvent(principal, repo, num, 'comment', commentData(raw, principal.user.id)) };
  }

  async rename(principal: Principal, repo: RepoRecord, num: number, newTitle: string) {
    const title = validTitle(newTitle);
    const event = await this.change(principal, repo, num, async (m, d) => {
      await this.discussions.setTitle(m, d.id, title);
      return [await this.discussions.addEvent(m, d.id, 'title-change', principal.user.id, { from: d.title, to: title })];
    });
    return { newTitle: event };
  }

  async changeStatus(principal: Principal, repo: RepoRecord, num: number, status: 'open' | 'closed', comment?: string | null) {
    const raw = comment == null || comment.trim() === '' ? null : validComment(comment);
    const event = await this.change(principal, repo, num, async (m, d) => {
      if (d.status === 'merged') throw new BadRequestError(`Pull request #${num} is merged; its status cannot change`, 'PullRequestMerged');
      if (d.status === status || (status === 'open' && d.status === 'draft')) throw new BadRequestError(`Discussion #${num} is already ${d.status}`, 'StatusUnchanged');
      const events = raw ? [await this.discussions.addEvent(m, d.id, 'comment', principal.user.id, commentData(raw, principal.user.id))] : [];
      await this.discussions.setStatus(m, d.id, status);
      events.push(await this.discussions.addEvent(m, d.id, 'status-change', principal.user.id, { status }));
      return events;
    });
    return { newStatus: event };
  }

  /**
   * Merges pull request `num` into its target branch: a fast-forward, else a merge commit; a path
   * changed on both sides answers 409 MergeConflict with the paths. Only repository writers
   * (the route's permission) merge, and only open pull requests.
   */
  async merge(principal: Principal, repo: RepoRecord, num: number, comment?: string | null) {
    const raw = comment == null || comment.trim() === '' ? null : validComment(comment);
    const d = await this.mustFind(repo, num);
    assertMergeable(d);
    const head = await this.refTarget(repo, `refs/pr/${num}`);
    if (!head) throw new BadRequestError(`Pull request #${num} has no refs/pr/${num} any more`, 'PullRequestRefMissing');
    await this.engine.merge({
      repoId: repo.id,
      targetRef: d.targetBranch!,
      source: head,
      author: { name: principal.user.name, email: principal.user.email },
      message: `Merge refs/pr/${num}: ${d.title}\n`,
      actorId: principal.user.id,
      inTransaction: async (m, { commitOid, previousHead }) => {
        const locked = (await this.discussions.find(repo.id, num, m, true))!;
        assertMergeable(locked);
        const baseOid = await this.engine.mergeBase(repo.id, previousHead, head, m);
        await this.discussions.setStatus(m, locked.id, 'merged', { commitOid, baseOid });
        if (raw) await this.recordEvent(m, locked, 'comment', principal.user.id, commentData(raw, principal.user.id));
        // Announced as it now is: merged, with its merge commit (webhook payloads carry it).
        await this.recordEvent(m, (await this.discussions.find(repo.id, num, m))!, 'status-change', principal.user.id, { status: 'merged' });
      },
    });
    return { status: 'merged' as const };
  }

  async editComment(principal: Principal, repo: RepoRecord, num: number, commentId: string, content: string) {
    const raw = validComment(content);
    return {
      updatedComment: await this.changeComment(principal, repo, num, commentId, (stored) => {
        if (stored.hidden) throw new BadRequestError('A hidden comment cannot be edited', 'CommentHidden');
        return { ...stored, revisions: [...stored.revisions, { raw, updatedAt: new Date().toISOString(), authorId: principal.user.id }] };
      }),
    };
  }

  /** Hides a comment for good: its text (every revision) is wiped. */
  async hideComment(principal: Principal, repo: RepoRecord, num: number, commentId: string) {
    return {
      updatedComment: await this.changeComment(principal, repo, num, commentId, (stored) => ({
        hidden: true,
        hiddenBy: principal.user.name,
        revisions: stored.revisions.map((r) => ({ ...r, raw: '' })),
      })),
    };
  }

  /**
   * What a repository with discussions turned off (`discussionsDisabled`) still allows: its
   * writers open pull requests and comment; nobody opens a plain discussion; everyone else gets
   * 403 DiscussionsDisabled. Reading, and acting on existing discussions otherwise, stay as they are.
   */
  async assertDiscussionsAllow(principal: Principal, repo: RepoRecord, action: 'discussion' | 'pull-request' | 'comment'): Promise<void> {
    if (!repo.discussionsDisabled) return;
    if (action !== 'discussion' && (await this.access.mayWrite(principal, repo))) return;
    const what = action === 'discussion' ? 'open discussions' : action === 'comment' ? 'comment' : 'open pull requests';
    throw new ForbiddenError(
      `Discussions are disabled for ${repoId(repo)}${action === 'discussion' ? '' : ': only its writers may ' + what}`,
      'DiscussionsDisabled',
    );
  }

  /**
   * Who may commit to `refs/pr/<num>` (API): repository writers, and the pull request's author
   * (the route let in anyone who may contribute).
   */
  async assertMayCommitToPullRequest(principal: Principal, repo: RepoRecord, num: number): Promise<void> {
    try {
      await this.access.assert(principal, repo, 'write', repoId(repo));
      return;
    } catch (err) {
      if (!(err instanceof DomainError) || err.status !== 403) throw err;
    }
    const d = await this.discussions.find(repo.id, num);
    if (d?.isPullRequest && d.author?.id === principal.user.id) return;
    throw new ForbiddenError(`Only the author of pull request #${num} or a writer of ${repoId(repo)} can commit to refs/pr/${num}`, 'Forbidden');
  }

  // --- the engine's hooks -------------------------------------------------------------------

  /** A commit with `create_pr` (or create_pull_request) opens pull request N: its discussion, numbered with the others. */
  private async openPullRequest(m: EntityManager, o: PullRequestOpening): Promise<number> {
    const num = await this.discussions.nextNumber(m, o.repoId);
    const title = o.title.trim().slice(0, MAX_TITLE_CHARS) || `refs/pr/${num}`;
    const description = o.description?.trim() ? o.description.slice(0, MAX_COMMENT_CHARS) : undefined;
    const status = o.draft ? 'draft' : 'open';
    await this.insertDiscussion(m, { repoId: o.repoId, num, isPullRequest: true, title, status, authorId: o.actorId, targetBranch: o.targetRef }, description);
    return num;
  }

  /** Commits that reach `refs/pr/N` become its events; a draft's first commit opens it. */
  private async recordCommits(m: EntityManager, change: RefChange): Promise<void> {
    const match = PR_REF.exec(change.ref);
    if (!match || change.new === null) return;
    const d = await this.discussions.find(change.repoId, Number(match[1]), m, true);
    if (!d?.isPullRequest) return;
    const target = change.old ?? (await this.refTarget({ id: change.repoId, defaultBranch: '' }, d.targetBranch!));
    const commits = await this.engine.commitsOnlyIn(change.repoId, change.new, target ? [target] : [], MAX_COMMIT_EVENTS, m);
    for (const c of commits) await this.recordEvent(m, d, 'commit', change.actorId, { subject: c.title, oid: c.oid });
    if (d.status === 'draft' && commits.length) await this.discussions.setStatus(m, d.id, 'open');
  }

  // --- helpers ------------------------------------------------------------------------------

  private async insertDiscussion(m: EntityManager, row: Parameters<DiscussionsRepository['insert']>[1], description: string | undefined): Promise<void> {
    await this.discussions.insert(m, row);
    const d = (await this.discussions.find(row.repoId, row.num, m))!;
    await this.emitter.emit(m, { action: 'created', discussion: d, event: null });
    if (description) await this.recordEvent(m, d, 'comment', row.authorId, commentData(description, row.authorId));
  }

  private async recordEvent(m: EntityManager, d: DiscussionRecord, type: DiscussionEventType, authorId: number | null, data: Record<string, unknown>): Promise<DiscussionEventRecord> {
    const event = await this.discussions.addEvent(m, d.id, type, authorId, data);
    await this.emitter.emit(m, { action: 'event', discussion: d, event });
    return event;
  }

  /** Adds one event to discussion `num`, for anyone with the route's permission. */
  private async addEvent(principal: Principal, repo: RepoRecord, num: number, type: DiscussionEventType, data: Record<string, unknown>) {
    const event = await repoTransaction(this.db, repo.id, async (m) => {
      const d = await this.discussions.find(repo.id, num, m, true);
      if (!d) throw discussionNotFound(num);
      return this.recordEvent(m, d, type, principal.user.id, data);
    });
    return this.present(event);
  }

  /** A change only the discussion's author or a repository admin may make; returns the last event. */
  private async change(principal: Principal, repo: RepoRecord, num: number, work: (m: EntityManager, d: DiscussionRecord) => Promise<DiscussionEventRecord[]>) {
    const events = await repoTransaction(this.db, repo.id, async (m) => {
      const d = await this.discussions.find(repo.id, num, m, true);
      if (!d) throw discussionNotFound(num);
      if (d.author?.id !== principal.user.id) await this.assertAdmin(principal, repo, `Only the author of #${num} or an admin of ${repoId(repo)} can do this`);
      const made = await work(m, d);
      for (const e of made) await this.emitter.emit(m, { action: 'event', discussion: d, event: e });
      return made;
    });
    return this.present(events[events.length - 1]);
  }

  private async changeComment(principal: Principal, repo: RepoRecord, num: number, commentId: string, next: (stored: StoredComment) => StoredComment) {
    const event = await repoTransaction(this.db, repo.id, async (m) => {
      const d = await this.discussions.find(repo.id, num, m, true);
      if (!d) throw discussionNotFound(num);
      const comment = /^[0-9a-f]{24}$/.test(commentId) ? await this.discussions.lockComment(m, d.id, commentId) : null;
      if (!comment) throw new NotFoundError(`Comment ${commentId.slice(0, 40)} not found in #${num}`, 'CommentNotFound');
      if (comment.author?.id !== principal.user.id) await this.assertAdmin(principal, repo, `Only the author of this comment or an admin of ${repoId(repo)} can change it`);
      const updated = await this.discussions.updateEventData(m, comment.id, next(comment.data as unknown as StoredComment) as unknown as Record<string, unknown>);
      await this.emitter.emit(m, { action: 'event-updated', discussion: d, event: updated });
      return updated;
    });
    return this.present(event);
  }

  private async present(e: DiscussionEventRecord) {
    return eventJson(e, await this.commentUsers([e]));
  }

  /** The users named by comment revisions (an admin may edit another's comment). */
  private async commentUsers(events: DiscussionEventRecord[]): Promise<Map<number, DiscussionUser>> {
    const ids = new Set<number>();
    for (const e of events) if (e.type === 'comment') for (const r of (e.data as unknown as StoredComment).revisions) if (r.authorId !== null) ids.add(r.authorId);
    return this.discussions.users([...ids]);
  }

  private async assertAdmin(principal: Principal, repo: RepoRecord, message: string): Promise<void> {
    try {
      await this.access.assert(principal, repo, 'admin', repoId(repo));
    } catch (err) {
      if (err instanceof DomainError && err.status === 403) throw new ForbiddenError(message, 'Forbidden');
      throw err;
    }
  }

  private async mustFind(repo: RepoRecord, num: number): Promise<DiscussionRecord> {
    const d = await this.discussions.find(repo.id, num);
    if (!d) throw discussionNotFound(num);
    return d;
  }

  private async refTarget(repo: Pick<RepoRecord, 'id' | 'defaultBranch'>, ref: string): Promise<Oid | null> {
    try {
      return (await this.engine.resolveRevision(repo, ref)).commitOid;
    } catch (err) {
      if (err instanceof DomainError && err.code === 'RevisionNotFound') return null;
      throw err;
    }
  }
}

function assertMergeable(d: DiscussionRecord): void {
  if (!d.isPullRequest) throw new BadRequestError(`#${d.num} is a discussion, not a pull request`, 'NotAPullRequest');
  if (d.status === 'draft') throw new BadRequestError(`Pull request #${d.num} is a draft with no commits yet`, 'PullRequestDraft');
  if (d.status !== 'open') throw new ConflictError(`Pull request #${d.num} is ${d.status}; only open pull requests can be merged`, 'PullRequestNotOpen');
}

function validTitle(title: string): string {
  const t = (title ?? '').trim();
  if (t === '') throw new BadRequestError('The title must not be empty', 'InvalidTitle');
  if (t.length > MAX_TITLE_CHARS) throw new BadRequestError(`The title must be at most ${MAX_TITLE_CHARS} characters`, 'InvalidTitle');
  return t;
}

function validComment(text: string): string {
  const t = (text ?? '').trim();
  if (t === '') throw new BadRequestError('The comment must not be empty', 'InvalidComment');
  // Counted in characters as written (not trimmed): what is stored.
  if (text.length > MAX_COMMENT_CHARS) throw new BadRequestError(`A comment must be at most ${MAX_COMMENT_CHARS} characters`, 'CommentTooLong');
  return text;
}

function commentData(raw: string, authorId: number | null): Record<string, unknown> {
  const stored: StoredComment = { revisions: [{ raw, updatedAt: new Date().toISOString(), authorId }], hidden: false };
  return stored as unknown as Record<string, unknown>;
}
