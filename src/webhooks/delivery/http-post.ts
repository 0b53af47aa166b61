import * as http from 'node:http';
import * as https from 'node:https';
import { isIP } from 'node:net';
import { guardedLookup, isPrivateAddress, TargetRefused } from './target-guard';

export interface PostResult {
  /** null: no answer (refused target, connection error, timeout). */
  statusCode: number | null;
  ok: boolean;
  latencyMs: number;
  error: string | null;
  /** The first bytes of the answer, for the activity log. */
  excerpt: string | null;
}

const EXCERPT_BYTES = 1024;

/**
 * POSTs `body` to `url` once: no redirects followed (a 3xx is a failed delivery, its Location
 * in the error), the SSRF guard on the socket's DNS lookup, `timeoutMs` for the whole exchange
 * up to the answer's first kilobyte, which is all that is read.
 */
export function postJson(url: string, body: Buffer, headers: Record<string, string>, o: { timeoutMs: number; allowPrivate: boolean }): Promise<PostResult> {
  const started = Date.now();
  const done = (r: Omit<PostResult, 'latencyMs'>): PostResult => ({ ...r, latencyMs: Date.now() - started });
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return resolve(done({ statusCode: null, ok: false, error: 'invalid URL', excerpt: null }));
    }
    // An address in the URL is connected to without any lookup: it is checked here.
    const literal = target.hostname.replace(/^\[|\]$/g, '');
    if (!o.allowPrivate && isIP(literal) && isPrivateAddress(literal)) {
      return resolve(done({ statusCode: null, ok: false, error: `target refused: ${literal} is a private address`, excerpt: null }));
    }
    const client = target.protocol === 'https:' ? https : http;
    const req = client.request(target, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': String(body.length), ...headers },
      lookup: guardedLookup(o.allowPrivate) as unknown as http.RequestOptions['lookup'],
      agent: false,
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${o.timeoutMs} ms`)), o.timeoutMs);
    let answered = false;
    req.on('error', (err) => {
      if (answered) return; // the answer's head decides; its body is only an excerpt
      clearTimeout(timer);
      const refused = err instanceof TargetRefused || (err as NodeJS.ErrnoException).code === 'EHANGARPRIVATE';
      resolve(done({ statusCode: null, ok: false, error: (refused ? 'target refused: ' : '') + err.message.slice(0, 400), excerpt: null }));
    });
    req.on('response', (res) => {
      answered = true;
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = () => {
        clearTimeout(timer);
        const excerpt = Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8');
        const redirect = status >= 300 && status < 400;
        res.destroy();
        resolve(
          done({
            statusCode: status,
            ok: status >= 200 && status < 300,
            error: redirect ? `redirect to ${String(res.headers.location ?? '(no Location)').slice(0, 300)} not followed` : status >= 200 && status < 300 ? null : `HTTP ${status}`,
            excerpt,
          }),
        );
      };
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        size += c.length;
        if (size >= EXCERPT_BYTES) finish();
      });
      // The timeout holds until the excerpt is read: an answer that stalls after its head is cut too.
      res.on('end', finish);
      res.on('error', finish);
      res.on('close', finish);
    });
    req.end(body);
  });
}
