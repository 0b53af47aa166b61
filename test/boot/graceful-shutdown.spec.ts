import * as http from 'node:http';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { createUserOverHttp } from '../support/http-accounts';
import { freePort, freshDataDir, MAIN, removeDataDir, startHangarProcess, waitFor, type HangarProcess } from '../support/hangar-process';
import { file, header, ndjson } from '../support/repos';

/**
 * SIGTERM (what an orchestrator sends before it kills): Hangar stops accepting connections,
 * lets the requests in flight finish (they still reach the database), then closes the database
 * and stops the embedded PostgreSQL, and exits 0. A request still running after
 * HANGAR_SHUTDOWN_TIMEOUT_SECONDS is cut and the process exits all the same.
 */
const ADMIN_TOKEN = 'shutdown-admin-token-0123456789abcdef012345';

describe('graceful shutdown on SIGTERM', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let url: string;

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error('dist/src/main.js is missing: run `npx nest build` first (npm test does)');
    dataDir = freshDataDir('hangar-shutdown-');
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    env = {
      HANGAR_DATA_DIR: dataDir,
      HANGAR_PORT: String(port),
      HANGAR_HOST: '127.0.0.1',
      HANGAR_EMBEDDED_PG_PORT: String(await freePort()),
      HANGAR_ADMIN_TOKEN: ADMIN_TOKEN,
      HANGAR_LOG_LEVEL: 'warn',
    };
  });
  afterAll(() => removeDataDir(dataDir));

  async function start(extra: Record<string, string> = {}): Promise<HangarProcess> {
    const p = startHangarProcess({ ...env, ...extra });
    await Promise.race([waitFor(`${url}/health/ready`, Date.now() + 120_000), p.exited.then((c) => Promise.reject(new Error(`exited ${c}: ${p.output()}`)))]);
    return p;
  }

  /** Resolves once the server refuses new connections (it has begun shutting down). */
  async function refusesConnections(): Promise<void> {
    for (;;) {
      try {
        await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      } catch {
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** An NDJSON commit whose body is sent in two halves; the second when `release` resolves. */
  function slowCommit(token: string, id: string, body: string, release: Promise<void>): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request(`${url}/api/models/${id}/commit/main`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/x-ndjson', 'Transfer-Encoding': 'chunked' },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      });
      req.on('error', reject);
      const half = Math.floor(body.length / 2);
      req.write(body.slice(0, half));
      void release.then(() => req.end(body.slice(half)));
    });
  }

  it('finishes a commit in flight, refuses new connections, stops the embedded PostgreSQL and exits 0', async () => {
    let node = await start();
    const user = await createUserOverHttp(url, ADMIN_TOKEN, 'shut');
    const created = await fetch(`${url}/api/repos/create`, { method: 'POST', headers: { Authorization: `Bearer ${user.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'drain' }) });
    expect(created.status).toBe(200);
    const id = `${user.name}/drain`;

    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const body = ndjson([header('sent across the shutdown'), ...Array.from({ length: 50 }, (_, i) => file(`f${i}.txt`, `${i}\n`))]);
    const answer = slowCommit(user.token, id, body, released);
    // The request is in flight once the server answers other requests after it was sent.
    await new Promise((r) => setTimeout(r, 200));
    expect((await fetch(`${url}/health`)).status).toBe(200);

    node.child.kill('SIGTERM');
    await refusesConnections();
    release();
    const res = await answer;
    expect([res.status, res.body, res.status === 200 ? '' : node.output()]).toEqual([200, expect.stringContaining('commitOid'), '']);
    const oid = (JSON.parse(res.body) as { commitOid: string }).commitOid;
    expect(await node.exited).toBe(0);
    expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);

    // The commit is there after a restart.
    node = await start();
    const info = (await (await fetch(`${url}/api/models/${id}`, { headers: { Authorization: `Bearer ${user.token}` } })).json()) as { sha: string };
    expect(info.sha).toBe(oid);
    node.child.kill('SIGTERM');
    expect(await node.exited).toBe(0);
  }, 240_000);

  it('cuts a request still running after HANGAR_SHUTDOWN_TIMEOUT_SECONDS and exits 0', async () => {
    const node = await start({ HANGAR_SHUTDOWN_TIMEOUT_SECONDS: '1' });
    const user = await createUserOverHttp(url, ADMIN_TOKEN, 'stall');
    const created = await fetch(`${url}/api/repos/create`, { method: 'POST', headers: { Authorization: `Bearer ${user.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'stalled' }) });
    expect(created.status).toBe(200);
    // A body that never ends: only the timeout can end this request.
    const stalled = slowCommit(user.token, `${user.name}/stalled`, ndjson([header('never ends'), file('a.txt', 'a\n')]), new Promise(() => undefined)).catch((err: Error) => err);
    await new Promise((r) => setTimeout(r, 200));
    node.child.kill('SIGTERM');
    expect(await node.exited).toBe(0);
    // Cut: no answer, the connection reset (an Error of Node's realm, hence no toBeInstanceOf).
    expect(await stalled).toMatchObject({ code: 'ECONNRESET' });
    expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
  }, 240_000);
});
