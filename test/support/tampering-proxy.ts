import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A proxy in front of one upstream hub that counts the file bytes it passes (per path) and, when
 * told to, flips one byte in the answers for a path or fails the next requests for it: the test's
 * view of what the upstream sent.
 */
export interface TamperingProxy {
  url: string;
  /** Body bytes of answers per request path (GET only). */
  bytesServed(pathEnd: string): number;
  requests(pathEnd: string): number;
  /** Flip a byte in the body of GET answers whose path ends with this (null: none). */
  tamper: string | null;
  /** Answer the next requests whose path ends with `pathEnd` with `status` instead of passing them on. */
  failNext(pathEnd: string, times: number, status: number): void;
  close(): Promise<void>;
}

export async function startTamperingProxy(backend: string): Promise<TamperingProxy> {
  const bytes = new Map<string, number>();
  const counts = new Map<string, number>();
  const agent = new http.Agent({ keepAlive: true });
  const failing: { pathEnd: string; left: number; status: number }[] = [];
  const proxy: TamperingProxy = {
    url: '',
    tamper: null,
    bytesServed: (end) => [...bytes].filter(([p]) => p.endsWith(end)).reduce((n, [, b]) => n + b, 0),
    requests: (end) => [...counts].filter(([p]) => p.endsWith(end)).reduce((n, [, c]) => n + c, 0),
    failNext: (pathEnd, times, status) => void failing.push({ pathEnd, left: times, status }),
    close: async () => undefined,
  };
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    const fail = failing.find((f) => f.left > 0 && path.endsWith(f.pathEnd));
    if (fail) {
      fail.left--;
      req.resume();
      res.writeHead(fail.status, { 'Content-Type': 'text/plain' }).end('failing on purpose');
      return;
    }
    const upstream = http.request(new URL(req.url ?? '/', backend), { method: req.method, headers: req.headers, agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.rawHeaders as unknown as http.OutgoingHttpHeaders);
      const flip = req.method === 'GET' && proxy.tamper !== null && path.endsWith(proxy.tamper);
      let flipped = false;
      answer.on('data', (chunk: Buffer) => {
        if (req.method === 'GET') bytes.set(path, (bytes.get(path) ?? 0) + chunk.length);
        if (flip && !flipped && chunk.length > 0) {
          chunk = Buffer.from(chunk);
          chunk[chunk.length - 1] ^= 0xff;
          flipped = true;
        }
        if (!res.write(chunk)) {
          answer.pause();
          res.once('drain', () => answer.resume());
        }
      });
      answer.on('end', () => res.end());
      answer.on('error', () => res.destroy());
    });
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end('backend unreachable');
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = async () => {
    server.closeAllConnections();
    agent.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return proxy;
}
