import { Injectable } from '@nestjs/common';
import { TransactionEvents } from '../core/events/transaction-events';
import type { DiscussionEventRecord, DiscussionRecord } from './discussion.types';

/** What happened to a discussion: a new discussion, or a new or changed event on its timeline. */
export interface DiscussionChange {
  action: 'created' | 'event' | 'event-updated';
  discussion: DiscussionRecord;
  event: DiscussionEventRecord | null;
}

/**
 * The one place discussion changes are announced, inside the transaction that makes them (so a
 * webhook outbox row written by a listener commits or rolls back with the change). Webhooks
 * listen.
 */
@Injectable()
export class DiscussionEventsEmitter extends TransactionEvents<DiscussionChange> {}
