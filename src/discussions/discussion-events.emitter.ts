import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { DiscussionEventRecord, DiscussionRecord } from './discussion.types';

/** What happened to a discussion: a new discussion, or a new or changed event on its timeline. */
export interface DiscussionChange {
  action: 'created' | 'event' | 'event-updated';
  discussion: DiscussionRecord;
  event: DiscussionEventRecord | null;
}

export type DiscussionChangeListener = (m: EntityManager, change: DiscussionChange) => Promise<void>;

/**
 * The one place discussion changes are announced, inside the transaction that makes them (so a
 * webhook outbox row written by a listener commits or rolls back with the change). Nothing
 * listens yet: webhooks (their own issue) will register here.
 */
@Injectable()
export class DiscussionEventsEmitter {
  private readonly listeners: DiscussionChangeListener[] = [];

  subscribe(listener: DiscussionChangeListener): void {
    this.listeners.push(listener);
  }

  async emit(m: EntityManager, change: DiscussionChange): Promise<void> {
    for (const l of this.listeners) await l(m, change);
  }
}
