import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';

import { upstreamCircuits, type UpstreamCircuits } from './upstream-circuits';

/** An upstream hub could not be reached, did not answer in time, or is failing fast (its circuit is open). */
export class UpstreamUnreachable extends Error {
  constructor(
    readonly url: string,
    readonly timedOut: boolean,
    cause?: unknown,
    readonly circuitOpen = false,
  ) {
    super(`${circuitOpen ? 'failing fast for' : timedOut ? 'no answer in time from' : 'could not reach'} ${new URL(url).origin}${reasonOf(cause)}`, { cause });
  }
}

export interface UpstreamAnswer {
  status: number;
  headers: Headers;
  /** The final URL after redirects. */
  url: string;
  text(): Promise<string>;
  bytes(): Promise<Buffer>;
  /** The body as a Node stream; an idle upstream (no bytes for the timeout) errors it. */
  stream(): Readable;
  /** Drops the body unread. */
  discard(): void;
}

export interface UpstreamInit {
  method?: string;
  token: string | null;
  body?: string;
  contentType?: string;
  /** A `Range` header value (`bytes=a-b`) for a content GET. */
  range?: string;
  /** The deadline of the whole call until the answer's headers (retries included); then per chunk of a streamed body. */
  timeoutMs: number;
  maxAttempts?: number;
  /** A probe goes out even when the circuit is open (its answer is what closes it). */
  ignoreOpenCircuit?: boolean;
  circuits?: UpstreamCircuits;
}

const MAX_REDIRECTS = 5;
const MAX_ATTEMPTS = 3;
const BACKOFF_BASE_MS = 200;
/** A longer Retry-After is not waited for: the caller gets the failure now (a client retries on its own). */
const MAX_RETRY_AFTER_MS = 5_000;

/**
 * HTTP to upstream hubs. Every call has a deadline (no hang on a silent upstream); redirects are
 * followed here (a client of Hangar never sees a signed URL or an Xet host), and the token goes
 * only to the upstream's own origin, never to where it redirects.
 *
 * Every call here is idempotent (GET, HEAD, POST paths-info), so a connection error, a 429 or a
 * 5xx is retried with exponential backoff and jitter, at most MAX_ATTEMPTS times and never past
 * the deadline; a timeout is not retried (it used the deadline up). Retries end when the answer's
 * headers arrive: a body already streaming to a client is never fetched again. An origin that
 * kept failing fails fast for a while (UpstreamCircuits) instead of costing each request a wait.
 */
export async function upstreamRequest(url: string, init: UpstreamInit): Promise<UpstreamAnswer> {
  const circuits = init.circuits ?? upstreamCircuits;
  const origin = new URL(url).origin;
  const open = init.ignoreOpenCircuit ? null : circuits.openReason(origin);
  if (open !== null) throw new UpstreamUnreachable(url, false, new Error(open), true);
  const deadline = Date.now() + init.timeoutMs;
  const attempts = Math.max(1, init.maxAttempts ?? MAX_ATTEMPTS);
  for (let attempt = 1; ; attempt++) {
    let delay: number | null;
    try {
      const answer = await attemptOnce(url, init, deadline);
      if (!retryableStatus(answer.status)) {
        circuits.succeeded(origin);
        return answer;
      }
      delay = retryAfterMs(answer.headers.get('retry-after')) ?? backoffMs(attempt);
      if (attempt >= attempts || delay > MAX_RETRY_AFTER_MS || Date.now() + delay >= deadline) {
        circuits.failed(origin, `answered ${answer.status}`);
        return answer;
      }
      answer.discard();
    } catch (err) {
      if (!(err instanceof UpstreamUnreachable)) throw err;
      delay = backoffMs(attempt);
      if (err.timedOut || attempt >= attempts || Date.now() + delay >= deadline) {
        circuits.failed(origin, err.message);
        throw err;
      }
    }
    await new Promise((r) => setTimeout(r, delay));
  }
}

async function attemptOnce(url: string, init: UpstreamInit, deadline: number): Promise<UpstreamAnswer> {
  const origin = new URL(url).origin;
  let current = url;
  for (let hop = 0; ; hop++) {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, Math.max(1, deadline - Date.now()));
    const headers: Record<string, string> = { 'user-agent': 'hangar-fallback' };
    if (init.token && new URL(current).origin === origin) headers.authorization = `Bearer ${init.token}`;
    if (init.contentType) headers['content-type'] = init.contentType;
    if (init.range) headers.range = init.range;
    let res: IncomingMessage;
    try {
      res = await send(current, init.method ?? 'GET', headers, hop === 0 ? init.body : undefined, controller.signal);
    } catch (err) {
      clearTimeout(timer);
      throw new UpstreamUnreachable(current, timedOut, err);
    }
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (status >= 300 && status < 400 && location && hop < MAX_REDIRECTS) {
      clearTimeout(timer);
      res.destroy();
      current = new URL(location, current).toString();
      continue;
    }
    return answer(res, current, controller, timer, init.timeoutMs, () => timedOut);
  }
}

/**
 * One HTTP exchange with node:http(s), up to the answer's headers. Not fetch: its web streams
 * cost a large download about a second of CPU per GiB more (every chunk goes through promise
 * and stream-controller machinery), and it would decompress bodies the checks need as sent.
 */
function send(url: string, method: string, headers: Record<string, string>, body: string | undefined, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, { method, headers, signal }, resolve);
    request.on('error', reject);
    request.end(body);
  });
}

/** An answer's headers as a Headers object (repeated ones joined, as fetch does). */
function headersOf(res: IncomingMessage): Headers {
  const out = new Headers();
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) out.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
  return out;
}

function retryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Exponential with full jitter in its upper half: 100–200 ms, 200–400 ms, … */
function backoffMs(attempt: number): number {
  const ceiling = BACKOFF_BASE_MS * 2 ** (attempt - 1);
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/** `Retry-After` as seconds or an HTTP date; null when absent or unreadable. */
function retryAfterMs(value: string | null): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

/** The low-level reason (ECONNREFUSED, "upstream answered 503"), never a URL with credentials. */
function reasonOf(cause: unknown): string {
  // Duck-typed: fetch's errors may come from another realm (instanceof Error is not reliable).
  if (typeof cause !== 'object' || cause === null) return '';
  const e = cause as { name?: unknown; message?: unknown; code?: unknown; cause?: { code?: unknown } };
  const code = e.cause?.code ?? e.code;
  if (typeof code === 'string') return ` (${code})`;
  return e.name === 'AbortError' || typeof e.message !== 'string' ? '' : ` (${e.message.slice(0, 200)})`;
}

function answer(res: IncomingMessage, url: string, controller: AbortController, timer: NodeJS.Timeout, timeoutMs: number, timedOut: () => boolean): UpstreamAnswer {
  const bytes = async (): Promise<Buffer> => {
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of res) chunks.push(chunk as Buffer);
      if (!res.complete) throw new Error('the answer was cut short');
      return Buffer.concat(chunks);
    } catch (err) {
      throw new UpstreamUnreachable(url, timedOut(), err);
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    status: res.statusCode ?? 0,
    headers: headersOf(res),
    url,
    text: async () => (await bytes()).toString('utf8'),
    bytes,
    discard: () => {
      clearTimeout(timer);
      controller.abort();
      res.destroy();
    },
    stream: () => {
      // From here the deadline is per chunk: a large file may take long, a stalled one may not.
      // The idle clock only counts while the body is flowing: a reader that holds it back (its
      // own client is slow) is not an idle upstream.
      clearTimeout(timer);
      const idle = setTimeout(function check() {
        if (res.isPaused() || res.readableFlowing !== true) idle.refresh();
        else res.destroy(new UpstreamUnreachable(url, true));
      }, timeoutMs).unref();
      res.on('data', () => idle.refresh());
      res.on('close', () => {
        clearTimeout(idle);
        // A body that ended before its length: an error for the reader, never a short file.
        if (!res.complete && !res.errored) res.destroy(new UpstreamUnreachable(url, timedOut(), new Error('the answer was cut short')));
      });
      return res;
    },
  };
}
