import { Injectable } from '@nestjs/common';
import { TransactionEvents } from '../core/events/transaction-events';
import type { RepoRecord } from './repo.types';

/**
 * A repository's lifecycle change (content changes come from RefHooks). `repo`: as it was before
 * the change, except for config. `actor`: the user who asked, when one did.
 */
export type RepoChange =
  | { action: 'create'; repo: RepoRecord; headSha: string | null; actor: string }
  | { action: 'delete'; repo: RepoRecord; actor: string | null }
  | { action: 'move'; repo: RepoRecord; movedTo: RepoRecord }
  /** Settings changed; `updatedConfig`: the changed keys the Hub reports (`private`), `repo` as it is now. */
  | { action: 'config'; repo: RepoRecord; updatedConfig: Record<string, unknown> };

/**
 * Where the repository service announces creations, deletions, moves and settings changes,
 * inside the transaction that makes them (webhooks write their outbox rows there).
 */
@Injectable()
export class RepoEventsEmitter extends TransactionEvents<RepoChange> {}
