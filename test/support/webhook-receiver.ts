import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  body: Record<string, any>;
  /** The status this receiver answered. */
  answered: number;
}

/**
 * A real HTTP server on loopback that records every POST it gets (headers and JSON body). By
 * default it answers 200; `answer` decides otherwise (a status, optionally with headers), or
 * `hold` keeps requests open until released.
 */
export async function startReceiver() {
  const received: Received[] = [];
  let answer: (n: number, body: Record<string, any>) => { status: number; headers?: Record<string, string> } = () => ({ status: 200 });
  let holding = false;
  const held: (() => void)[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      const reply = () => {
        const a = answer(received.length, body);
        received.push({ headers: req.headers, body, answered: a.status });
        res.writeHead(a.status, { 'Content-Type': 'text/plain', ...(a.headers ?? {}) });
        res.end(a.status < 300 ? 'thanks' : `nope ${a.status}`);
      };
      if (holding) held.push(reply);
      else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    received,
    /** `answer(n, body)`: n is how many requests came before this one. */
    answerWith(fn: typeof answer) {
      answer = fn;
    },
    hold(on: boolean) {
      holding = on;
    },
    heldCount: () => held.length,
    /** Waits until `count(received)` is reached (bounded: fails after `ms`). */
    async waitFor(predicate: (r: Received[]) => boolean, ms = 30_000): Promise<Received[]> {
      const deadline = Date.now() + ms;
      while (!predicate(received)) {
        if (Date.now() > deadline) throw new Error(`receiver: condition not met; got ${received.length} requests: ${JSON.stringify(received.map((r) => r.body.event))}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      return received;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;
