import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/**
 * A client-supplied id is trusted only when it is a short plain token: it is echoed in a
 * response header and written to every log line, so anything else (spaces, quotes, CR/LF,
 * a comma-joined duplicate header, kilobytes of junk) would let clients forge or bloat logs.
 */
const SANE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The incoming header value when it is a sane token, else null. */
export function sanitizeRequestId(value: string | string[] | undefined): string | null {
  return typeof value === 'string' && SANE_REQUEST_ID.test(value) ? value : null;
}

const ASSIGNED = Symbol('hangar.requestId');

type RequestWithId = IncomingMessage & { id?: unknown; [ASSIGNED]?: string };

/**
 * Gives the request its id once (`req.id`) and echoes it as `X-Request-Id`. Idempotent, so it
 * can run both as pino-http's `genReqId` and as an early Express middleware registered in
 * main.ts ahead of the body parsers (whose rejections never reach Nest middleware).
 */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const r = req as RequestWithId;
  const existing = r[ASSIGNED];
  if (existing !== undefined) return existing;
  const id = sanitizeRequestId(req.headers['x-request-id']) ?? randomUUID();
  r[ASSIGNED] = id;
  r.id = id;
  if (!res.headersSent) res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

/** Express-style middleware form of `assignRequestId`, for `app.use()` before the app initialises. */
export function requestIdMiddleware(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  assignRequestId(req, res);
  next();
}
