import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
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

/** One admin's SSE connection: replay from the log, then live events and heartbeats until it closes. */
@Injectable()
export class EventSessions {
  constructor(
    private readonly stream: EventStream,
    @InjectConfig() private readonly config: HangarConfig,
  ) {}

  async serve(req: Request, res: Response, o: SessionOptions): Promise<void> {
    const wanted = (e: StoredEvent) => o.types.length === 0 || o.types.some((t) => (t.endsWith('.') ? e.type.startsWith(t) : e.type === t));
    const send = (e: StoredEvent) => {
      if (wanted(e)) res.write(sseFrame(e));
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
    };
    req.on('close', close);
    try {
      startSse(res, 3000);
      const replayed = new Set<number>();
      if (o.after !== null) {
        let after = o.after;
        for (;;) {
          const page = await this.stream.replay(after);
          for (const e of page) {
            replayed.add(e.id);
            send(e);
          }
          if (page.length < REPLAY_LIMIT || closed) break;
          after = page[page.length - 1].id;
        }
      }
      const pending = held ?? [];
      held = null;
      for (const e of pending) if (!replayed.has(e.id)) send(e);
    } catch (err) {
      close();
      res.end();
      throw err;
    }
    if (!o.follow) {
      close();
      res.end();
      return;
    }
    // A comment line: EventSource ignores it, proxies see traffic and keep the connection.
    heartbeat = setInterval(() => res.write(`: heartbeat ${Date.now()}\n\n`), this.config.events.heartbeatSeconds * 1000);
    if (closed) close();
  }
}
