import { pipeline, Readable, Transform } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

/** An upstream hub could not be reached, or did not answer in time. */
export class UpstreamUnreachable extends Error {
  constructor(
    readonly url: string,
    readonly timedOut: boolean,
    cause?: unknown,
  ) {
    super(`${timedOut ? 'no answer in time from' : 'could not reach'} ${new URL(url).origin}`, { cause });
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

const MAX_REDIRECTS = 5;

/**
 * HTTP to upstream hubs. Every call has a deadline (no hang on a silent upstream); redirects are
 * followed here (a client of Hangar never sees a signed URL or an Xet host), and the token goes
 * only to the upstream's own origin, never to where it redirects.
 */
export async function upstreamRequest(
  url: string,
  init: { method?: string; token: string | null; body?: string; contentType?: string; timeoutMs: number },
): Promise<UpstreamAnswer> {
  const origin = new URL(url).origin;
  let current = url;
  for (let hop = 0; ; hop++) {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, init.timeoutMs);
    const headers: Record<string, string> = { 'user-agent': 'hangar-fallback' };
    if (init.token && new URL(current).origin === origin) headers.authorization = `Bearer ${init.token}`;
    if (init.contentType) headers['content-type'] = init.contentType;
    let res: Response;
    try {
      res = await fetch(current, { method: init.method ?? 'GET', headers, body: hop === 0 ? init.body : undefined, redirect: 'manual', signal: controller.signal });
    } catch (err) {
      clearTimeout(timer);
      throw new UpstreamUnreachable(current, timedOut, err);
    }
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location && hop < MAX_REDIRECTS) {
      clearTimeout(timer);
      await res.body?.cancel().catch(() => undefined);
      current = new URL(location, current).toString();
      continue;
    }
    return answer(res, current, controller, timer, init.timeoutMs, () => timedOut);
  }
}

function answer(res: Response, url: string, controller: AbortController, timer: NodeJS.Timeout, timeoutMs: number, timedOut: () => boolean): UpstreamAnswer {
  const wrap = async <T>(read: () => Promise<T>): Promise<T> => {
    try {
      return await read();
    } catch (err) {
      throw new UpstreamUnreachable(url, timedOut(), err);
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    status: res.status,
    headers: res.headers,
    url,
    text: () => wrap(() => res.text()),
    bytes: () => wrap(async () => Buffer.from(await res.arrayBuffer())),
    discard: () => {
      clearTimeout(timer);
      controller.abort();
    },
    stream: () => {
      // From here the deadline is per chunk: a large file may take long, a stalled one may not.
      const body = res.body ? Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>) : Readable.from([]);
      let idle = timer;
      const rearm = () => {
        clearTimeout(idle);
        idle = setTimeout(() => watched.destroy(new UpstreamUnreachable(url, true)), timeoutMs);
      };
      const watched = new Transform({
        transform(chunk, _enc, done) {
          rearm();
          done(null, chunk);
        },
      });
      rearm();
      pipeline(body, watched, (err) => {
        clearTimeout(idle);
        if (err && !(err instanceof UpstreamUnreachable)) watched.destroy(new UpstreamUnreachable(url, timedOut(), err));
      });
      watched.on('close', () => {
        clearTimeout(idle);
        controller.abort();
      });
      return watched;
    },
  };
}
