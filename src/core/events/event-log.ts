import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** The channel every node LISTENs on; the payload is the new event's id. */
export const EVENTS_CHANNEL = 'hangar_events';

/** What the admin event stream reports. */
export type EventType =
  | 'admin.action'
  | 'user.created'
  | 'user.deleted'
  | 'repo.created'
  | 'repo.deleted'
  | 'ref.updated'
  | 'quota.refused'
  | 'auth.login_failed';

export interface NewEvent {
  type: EventType;
  /** Who caused it: `user:<name>`, `admin:<fingerprint>`, or null (Hangar itself, anonymous). */
  actor: string | null;
  /** What it is about: `user:<name>`, `model:<ns>/<name>`, … */
  target: string | null;
  data?: Record<string, unknown>;
}

export interface StoredEvent extends Required<NewEvent> {
  id: number;
  createdAt: Date;
}

export const EVENT_COLUMNS = `id, type, actor, target, data, created_at AS "createdAt"`;

/**
 * Writes events to the event log and announces them cluster-wide. With `m`, the row and the
 * NOTIFY belong to the change's transaction: a rolled-back change leaves no event, and
 * PostgreSQL delivers the notification only on commit.
 */
@Injectable()
export class EventLog {
  private readonly logger = new Logger('EventLog');

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async publish(e: NewEvent, m: EntityManager = this.db.manager): Promise<void> {
    await m.query(
      `WITH e AS (INSERT INTO event_log (type, actor, target, data) VALUES ($1, $2, $3, $4) RETURNING id)
       SELECT pg_notify('${EVENTS_CHANNEL}', id::text) FROM e`,
      [e.type, e.actor?.slice(0, 256) ?? null, e.target?.slice(0, 512) ?? null, JSON.stringify(e.data ?? {})],
    );
  }

  /**
   * `publish` for an event whose `actor`, `target` and `data` columns come from a query (its
   * parameters numbered from $2): the lookup and the write in one statement, for events written
   * on every commit. No row from the query, no event.
   */
  async publishFrom(type: EventType, source: { sql: string; params: unknown[] }, m: EntityManager = this.db.manager): Promise<void> {
    await m.query(
      `WITH e AS (INSERT INTO event_log (type, actor, target, data)
                  SELECT $1, left(s.actor, 256), left(s.target, 512), s.data FROM (${source.sql}) s RETURNING id)
       SELECT pg_notify('${EVENTS_CHANNEL}', id::text) FROM e`,
      [type, ...source.params],
    );
  }

  /**
   * For reports after the fact (a refusal, a failed sign-in) where no transaction holds the
   * change: losing the event must not turn the caller's answer into a 500.
   */
  async report(e: NewEvent): Promise<void> {
    await this.publish(e).catch((err) => this.logger.warn({ err, type: e.type }, 'could not record an event'));
  }
}
