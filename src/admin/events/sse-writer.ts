import type { Response } from 'express';
import type { StoredEvent } from '../../core/events/event-log';

/** The `text/event-stream` framing of one stored event: its id is what Last-Event-ID sends back. */
export function sseFrame(e: StoredEvent): string {
  const body = { id: e.id, type: e.type, actor: e.actor, target: e.target, data: e.data, created_at: new Date(e.createdAt).toISOString() };
  // JSON.stringify never emits a raw newline, so one `data:` line always holds the whole event.
  return `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(body)}\n\n`;
}

export function startSse(res: Response, reconnectMs: number): void {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Connection', 'keep-alive');
  // nginx buffers answers unless told not to; an event must reach the client when it happens.
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  res.write(`retry: ${reconnectMs}\n\n`);
}
