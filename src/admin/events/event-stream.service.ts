import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Client } from 'pg';
import { dedicatedClient } from '../../core/database/dedicated-client';
import { DataSource } from 'typeorm';
import { EVENT_COLUMNS, EVENTS_CHANNEL, StoredEvent } from '../../core/events/event-log';

export type EventListener = (e: StoredEvent) => void;

/** Most events one replay sends; a client further behind resumes from the last one it got. */
export const REPLAY_LIMIT = 1000;
const RECONNECT_MS = [250, 500, 1000, 2000, 5000];

/**
 * This node's side of the cluster-wide event stream: one dedicated connection LISTENs on the
 * event channel (a pooled connection would drop the LISTEN when returned to the pool), reads each
 * announced event from the log by id and hands it to this node's SSE clients. Reading by id
 * (not "everything after the last one") matters: ids are taken at INSERT but announced at
 * COMMIT, so they may arrive out of order. After a lost connection it reconnects and catches up
 * from the highest id it delivered.
 */
@Injectable()
export class EventStream implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('EventStream');
  private readonly listeners = new Set<EventListener>();
  private client: Client | null = null;
  private lastDelivered = 0;
  private stopped = false;
  private attempt = 0;
  private readonly dead = new WeakSet<Client>();
  /** Events are fetched and delivered one after another, in announcement order. */
  private chain: Promise<void> = Promise.resolve();

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * In the background: boot does not wait for the listener (no client can be connected yet), and
   * the first connection catches up from the log's last id at boot, so nothing committed in
   * between is missed.
   */
  onApplicationBootstrap(): void {
    void this.db
      .query(`SELECT coalesce(max(id), 0)::bigint AS max FROM event_log`)
      .then(([{ max }]) => {
        this.lastDelivered = Number(max);
        return this.connect();
      })
      .catch((err) => this.logger.error({ err }, 'could not start the event listener'));
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.listeners.clear();
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }

  /** Live events from now on; returns the function that stops them. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stored events after `afterId`, oldest first (at most REPLAY_LIMIT). */
  async replay(afterId: number): Promise<StoredEvent[]> {
    return this.db.query(`SELECT ${EVENT_COLUMNS} FROM event_log WHERE id > $1 ORDER BY id LIMIT ${REPLAY_LIMIT}`, [afterId]);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = dedicatedClient(this.db, 'hangar-events');
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    client.on('notification', (n) => {
      if (n.channel === EVENTS_CHANNEL && n.payload) this.enqueue(() => this.deliverById(Number(n.payload)));
    });
    try {
      await client.connect();
      if (this.stopped) {
        // The app closed while this connection was being made.
        this.dead.add(client);
        await client.end();
        return;
      }
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
      this.client = client;
      this.enqueue(() => this.catchUp());
      this.attempt = 0;
    } catch (err) {
      this.lost(client, err);
    }
  }

  private lost(client: Client, err?: unknown): void {
    // 'error' and 'end' may both fire for one failure: one reconnect per lost connection.
    if (this.stopped || this.dead.has(client)) return;
    this.dead.add(client);
    if (this.client === client) this.client = null;
    client.end().catch(() => undefined);
    const delay = RECONNECT_MS[Math.min(this.attempt++, RECONNECT_MS.length - 1)];
    this.logger.warn({ err, delay }, 'event listener connection lost; reconnecting');
    setTimeout(() => void this.connect(), delay).unref();
  }

  private enqueue(work: () => Promise<void>): void {
    this.chain = this.chain.then(work).catch((err) => this.logger.warn({ err }, 'could not deliver an event'));
  }

  private async deliverById(id: number): Promise<void> {
    if (!Number.isSafeInteger(id)) return;
    // Every node hears of every commit; one with no client connected has nobody to read it for
    // (a client that connects later asks for what it missed with Last-Event-ID: `replay`).
    if (this.listeners.size === 0) {
      this.lastDelivered = Math.max(this.lastDelivered, id);
      return;
    }
    const rows: StoredEvent[] = await this.db.query(`SELECT ${EVENT_COLUMNS} FROM event_log WHERE id = $1`, [id]);
    for (const e of rows) this.deliver(e);
  }

  /** Whatever was announced while the connection was down. */
  private async catchUp(): Promise<void> {
    for (const e of await this.replay(this.lastDelivered)) this.deliver(e);
  }

  private deliver(e: StoredEvent): void {
    this.lastDelivered = Math.max(this.lastDelivered, e.id);
    for (const l of this.listeners) l(e);
  }
}
