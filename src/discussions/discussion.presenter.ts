import { userAvatarPath } from '../auth/avatars';
import type { RepoRecord } from '../repos/repo.types';
import { repoId } from '../repos/repo.types';
import type { CommentRevision, DiscussionEventRecord, DiscussionRecord, DiscussionUser } from './discussion.types';

/**
 * The Hub's JSON for discussions and their events, as huggingface_hub's `Discussion`,
 * `DiscussionWithDetails` and `deserialize_event` read it. A deleted author is left out: the
 * clients then show "deleted".
 */
export function userJson(u: DiscussionUser | null) {
  return u ? { name: u.name, fullname: u.fullname || u.name, avatarUrl: userAvatarPath(u.name), type: 'user' as const, isPro: false, isHf: false } : undefined;
}

export function summaryJson(d: DiscussionRecord, repo: RepoRecord, numComments: number) {
  return {
    num: d.num,
    title: d.title,
    status: d.status,
    createdAt: d.createdAt.toISOString(),
    isPullRequest: d.isPullRequest,
    author: userJson(d.author),
    repo: { name: repoId(repo), type: repo.type },
    numComments,
    pinned: false,
    topReactions: [],
  };
}

/** A comment's stored data: its revisions, oldest first (hiding wipes their text). */
export interface StoredComment {
  revisions: CommentRevision[];
  hidden: boolean;
  hiddenBy?: string;
}

export function eventJson(e: DiscussionEventRecord, users: Map<number, DiscussionUser>) {
  const base = { id: e.publicId, type: e.type, createdAt: e.createdAt.toISOString(), author: userJson(e.author) };
  if (e.type !== 'comment') return { ...base, data: e.data };
  const stored = e.data as unknown as StoredComment;
  const revision = (r: CommentRevision) => ({
    raw: r.raw,
    html: stored.hidden ? '' : escapeHtml(r.raw),
    updatedAt: r.updatedAt,
    author: userJson(r.authorId === null ? null : (users.get(r.authorId) ?? null)),
  });
  const history = [...stored.revisions].reverse().map(revision);
  return {
    ...base,
    data: {
      edited: stored.revisions.length > 1,
      hidden: stored.hidden,
      hiddenBy: stored.hiddenBy,
      latest: history[0],
      numEdits: stored.revisions.length - 1,
      editors: [...new Set(stored.revisions.map((r) => (r.authorId === null ? null : users.get(r.authorId)?.name)).filter((n): n is string => !!n))],
      reactions: [],
      isReport: false,
      history,
    },
  };
}

/** Comments are Markdown; Hangar renders none, so `html` is the text made safe to show. */
function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}
