export type DiscussionStatus = 'draft' | 'open' | 'merged' | 'closed';
export type DiscussionEventType = 'comment' | 'status-change' | 'title-change' | 'commit';

export interface DiscussionUser {
  id: number;
  name: string;
  fullname: string;
}

export interface DiscussionRecord {
  id: number;
  repoId: number;
  num: number;
  isPullRequest: boolean;
  title: string;
  status: DiscussionStatus;
  /** null: the author's account was deleted. */
  author: DiscussionUser | null;
  /** Pull requests: the full ref they merge into (`refs/heads/main`). */
  targetBranch: string | null;
  mergeCommitOid: string | null;
  mergeBaseOid: string | null;
  createdAt: Date;
}

/**
 * One entry of a discussion's timeline. `data` is what the Hub sends as the event's `data`:
 * comment `{ latest: { raw, updatedAt, author }, edited, hidden, history }`, status-change
 * `{ status }`, title-change `{ from, to }`, commit `{ subject, oid }`.
 */
export interface DiscussionEventRecord {
  id: number;
  discussionId: number;
  publicId: string;
  type: DiscussionEventType;
  author: DiscussionUser | null;
  data: Record<string, unknown>;
  createdAt: Date;
}

export interface CommentRevision {
  raw: string;
  updatedAt: string;
  authorId: number | null;
}
