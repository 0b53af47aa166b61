import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RepoRecord } from './repo.types';

/** A repository's lifecycle change (content changes come from RefHooks). `repo`: as it was before the change, except for config. */
export type RepoChange =
  | { action: 'create'; repo: RepoRecord; headSha: string }
  | { action: 'delete'; repo: RepoRecord }
  | { action: 'move'; repo: RepoRecord; movedTo: RepoRecord }
  /** Settings changed; `updatedConfig`: the changed keys the Hub reports (`private`), `repo` as it is now. */
  | { action: 'config'; repo: RepoRecord; updatedConfig: Record<string, unknown> };

export type RepoChangeListener = (m: EntityManager, change: RepoChange) => Promise<void>;

/**
 * Where the repository service announces creations, deletions, moves and settings changes,
 * inside the transaction that makes them (webhooks write their outbox rows there).
 */
@Injectable()
export class RepoEventsEmitter {
  private readonly listeners: RepoChangeListener[] = [];

  subscribe(listener: RepoChangeListener): void {
    this.listeners.push(listener);
  }

  async emit(m: EntityManager, change: RepoChange): Promise<void> {
    for (const l of this.listeners) await l(m, change);
  }
}
