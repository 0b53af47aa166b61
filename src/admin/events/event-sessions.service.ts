import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import type { HangarConfig } from '../../core/config/config';
import { InjectConfig } from '../../core/config/config.module';
import type { StoredEvent } from '../../core/events/event-log';
import { EventStream, REPLAY_LIMIT } from './event-stream.service';
import { sseFrame, startSse } from './sse-writer';

export interface SessionOptions {
  /** Resume after this id (Last-Event-ID); null: live events only. */
  after: number | null;
  /** Type names or prefixes to keep; empty: everything. */
  types: string[];
  /** false: the stored events after `after`, then the answer ends. */
  follow: boolean;
}

/**
 * A client this far behind (bytes waiting in its socket) is cut off rather than buffered without
 * bound; it reconnects with Last-Event-ID and catches up from the log.
 */
const MAX_PENDING_BYTES = 8 * 1024 * 1024;

/** One admin's SSE connection: replay from the log, then live events and heartbeats until it closes. */
@Injectable()
export class EventSessions implements BeforeApplicationShutdown {
  /** Open streams, ended at shutdown: the HTTP server cannot close while one stays open. */
  private readonly open = new Set<() => void>();

  constructor(
    private readonly stream: EventStream,
    @InjectConfig() private readonly config: HangarConfig,
  ) {}

  async serve(res: Response, o: SessionOptions): Promise<void> {
    const wanted = (e: StoredEvent) => o.types.length === 0 || o.types.some((t) => (t.endsWith('.') ? e.type.startsWith(t) : e.type === t));
    /** A live event; a client that stopped reading is cut off (it resumes from the log). */
    const send = (e: StoredEvent) => {
      if (!wanted(e) || closed) return;
      if (res.writableLength > MAX_PENDING_BYTES) return end();
      res.write(sseFrame(e));
    };
    // Live events are held back while the replay is read, then sent unless the replay had them.
    let held: StoredEvent[] | null = [];
    const unsubscribe = o.follow ? this.stream.subscribe((e) => (held ? held.push(e) : send(e))) : () => undefined;
    let heartbeat: NodeJS.Timeout | undefined;
    let closed = false;
    const close = () => {
      closed = true;
      unsubscribe();
      clearInterval(heartbeat);
      this.open.delete(end);
    };
    const end = () => {
      close();
      res.end();
    };
    this.open.add(end);
    // The response's 'close': the client went away (or the answer ended); the request's fires once it is read.
    res.on('close', close);
    try {
      startSse(res, 3000);
      const replayed = new Set<number>();
      if (o.after !== null) {
        let after = o.after;
        for (;;) {
          const page = await this.stream.replay(after);
          for (const e of page) {
            replayed.add(e.id);
            if (wanted(e) && !closed) res.write(sseFrame(e));
          }
          // A long replay goes at the client's pace, not into memory.
          if (res.writableNeedDrain && !closed) await new Promise((r) => (res.once('drain', r), res.once('close', r)));
          if (page.length < REPLAY_LIMIT || closed) break;
          after = page[page.length - 1].id;
        }
      }
      const pending = held ?? [];
      held = null;
      for (const e of pending) if (!replayed.has(e.id)) send(e);
    } catch (err) {
      end();
      throw err;
    }
    if (!o.follow) return end();
    // A comment line: EventSource ignores it, proxies see traffic and keep the connection.
    heartbeat = setInterval(() => res.write(`: heartbeat ${Date.now()}\n\n`), this.config.events.heartbeatSeconds * 1000);
    if (closed) close();
  }

  beforeApplicationShutdown(): void {
    for (const end of [...this.open]) end();
  }
}
