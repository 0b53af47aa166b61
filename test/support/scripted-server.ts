import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedServer {
  url: string;
  /** Requests so far; with `pathEnd`, only those whose path ends with it. */
  hits(pathEnd?: string): number;
  close(): Promise<void>;
}

/** A real HTTP server on a free port whose answer to the n-th request (1-based) the test decides. */
export async function startScriptedServer(answer: (n: number, req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<ScriptedServer> {
  const paths: string[] = [];
  const s = http.createServer((req, res) => {
    paths.push(new URL(req.url ?? '/', 'http://x').pathname);
    req.resume();
    answer(paths.length, req, res);
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
    hits: (pathEnd) => (pathEnd === undefined ? paths.length : paths.filter((p) => p.endsWith(pathEnd)).length),
    close: async () => {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    },
  };
}
