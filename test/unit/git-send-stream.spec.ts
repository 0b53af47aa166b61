import express from 'express';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendGitStream } from '../../src/git/http/request-body';

/** Issue 22 item 12: every backpressure wait must take its listeners back off the response. */
describe('sendGitStream under backpressure', () => {
  it('streams a long answer to a slow reader without piling up listeners', async () => {
    const chunk = Buffer.alloc(256 * 1024, 7);
    const chunks = 400; // 100 MiB: hundreds of drain waits with a slow reader
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    let counts: { close: number; error: number; drain: number } | null = null;
    let waits = 0;

    const app = express();
    app.get('/clone', async (_req, res) => {
      const before = { close: res.listenerCount('close'), error: res.listenerCount('error'), drain: res.listenerCount('drain') };
      const write = res.write.bind(res) as (c: Buffer) => boolean;
      res.write = ((c: Buffer) => {
        const ok = write(c);
        if (!ok) waits++;
        return ok;
      }) as typeof res.write;
      async function* produce() {
        for (let i = 0; i < chunks; i++) yield chunk;
      }
      await sendGitStream(res, 'application/x-git-upload-pack-result', produce());
      counts = {
        close: res.listenerCount('close') - before.close,
        error: res.listenerCount('error') - before.error,
        drain: res.listenerCount('drain') - before.drain,
      };
    });
    const server = http.createServer(app).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const received = await new Promise<number>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port, path: '/clone' }, (res) => {
          let n = 0;
          res.on('data', (d: Buffer) => {
            n += d.length;
            // Read in fits and starts so the server keeps meeting a full socket.
            res.pause();
            setImmediate(() => res.resume());
          });
          res.on('end', () => resolve(n));
          res.on('error', reject);
        });
      });
      expect(received).toBe(chunk.length * chunks);
      expect(waits).toBeGreaterThan(20);
      // sendGitStream's own 'close' listener may stay (one); nothing per wait.
      expect(counts).not.toBeNull();
      expect(counts!.drain).toBe(0);
      expect(counts!.error).toBe(0);
      expect(counts!.close).toBeLessThanOrEqual(1);
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
      server.close();
    }
  });
});
