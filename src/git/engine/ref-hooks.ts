import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Oid } from '../codec/object-types';

/** A ref that moved, was created (old null) or deleted (new null), in the transaction that did it. */
export interface RefChange {
  repoId: number;
  ref: string;
  old: Oid | null;
  new: Oid | null;
  /** The user who made the change (null: Hangar itself, e.g. a migration or a job). */
  actorId: number | null;
}

export type RefChangeListener = (m: EntityManager, change: RefChange) => Promise<void>;
/** A pull request a commit opens (`create_pr`): onto `targetRef`, titled by the commit. */
export interface PullRequestOpening {
  repoId: number;
  actorId: number | null;
  targetRef: string;
  title: string;
  description: string | undefined;
  /** An empty pull request (no commit yet): a draft until its first commit. */
  draft?: boolean;
}
export type PullRequestOpener = (m: EntityManager, opening: PullRequestOpening) => Promise<number>;
/** The user who opened pull request `num` of a repository; null when there is no such pull request. */
export type PullRequestAuthorLookup = (repoId: number, num: number) => Promise<number | null>;

/**
 * Where modules built on the engine (discussions, quota, webhooks) learn of ref changes, inside
 * the transaction that makes them, whether through the commit API or a git push: a listener
 * that throws rolls the change back. The engine cannot import those modules (they import it),
 * so they register here when they start.
 */
@Injectable()
export class RefHooks {
  private readonly listeners: RefChangeListener[] = [];
  private opener: PullRequestOpener | null = null;
  private authorLookup: PullRequestAuthorLookup | null = null;

  onRefChange(listener: RefChangeListener): void {
    this.listeners.push(listener);
  }

  /** Who hands out the number of a new pull request (the discussions module: one numbering with discussions). */
  setPullRequestOpener(opener: PullRequestOpener): void {
    this.opener = opener;
  }

  /** Who knows the authors of pull requests (the discussions module): a git push lets them push to their `refs/pr/N`. */
  setPullRequestAuthorLookup(lookup: PullRequestAuthorLookup): void {
    this.authorLookup = lookup;
  }

  /** The author of pull request `num`; null when it does not exist or no module knows pull requests. */
  async pullRequestAuthor(repoId: number, num: number): Promise<number | null> {
    return this.authorLookup ? this.authorLookup(repoId, num) : null;
  }

  async changed(m: EntityManager, change: RefChange): Promise<void> {
    for (const l of this.listeners) await l(m, change);
  }

  /** The number of a new `refs/pr/N`; null when no module numbers them (the engine then does). */
  async openPullRequest(m: EntityManager, opening: PullRequestOpening): Promise<number | null> {
    return this.opener ? this.opener(m, opening) : null;
  }
}
