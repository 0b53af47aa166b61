import { existsSync, rmSync } from 'node:fs';
import { freePort, freshDataDir, MAIN, startHangarProcess, waitFor, type HangarProcess } from '../support/hangar-process';
import { createTestDatabase, dropTestDatabase } from '../support/postgres';
import { Receiver, startReceiver } from '../support/webhook-receiver';

/**
 * The outbox survives a hard kill (issue 20): a Hangar process is SIGKILLed right after a commit
 * whose delivery it had not sent yet, and while another delivery was in flight (the receiver
 * held it open); a new process on the same database delivers both, each answered once with
 * 200. Runs the built server (`npx nest build` first).
 */
const ADMIN = 'crash-admin-token-0123456789abcdef0123456789';

describe('webhook deliveries across a SIGKILL', () => {
  let db: { url: string; name: string };
  let rx: Receiver;
  let dataDir: string;
  const running: HangarProcess[] = [];

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error('dist/src/main.js is missing: run `npx nest build` first (npm test does)');
    db = await createTestDatabase('crash');
    rx = await startReceiver();
    dataDir = freshDataDir('hangar-crash-');
  });
  afterAll(async () => {
    for (const p of running) p.child.kill('SIGKILL');
    await rx.close();
    await dropTestDatabase(db.name);
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(extra: Record<string, string> = {}) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const p = startHangarProcess({
      HANGAR_DATABASE_URL: db.url,
      HANGAR_DATA_DIR: dataDir,
      HANGAR_HOST: '127.0.0.1',
      HANGAR_PORT: String(port),
      HANGAR_SECRET: 'crash-secret-0123456789abcdef0123456789abcdef',
      HANGAR_ADMIN_TOKEN: ADMIN,
      HANGAR_LOG_LEVEL: 'warn',
      HANGAR_WEBHOOK_ALLOW_PRIVATE: 'true',
      HANGAR_WEBHOOK_RETRY_BASE_MS: '50',
      HANGAR_WEBHOOK_POLL_MS: '200',
      ...extra,
    });
    running.push(p);
    await waitFor(`${url}/health/ready`, Date.now() + 90_000);
    return { p, url };
  }

  async function call(url: string, method: string, path: string, body: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(url + path, { method, headers: { 'Content-Type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return { json: text ? JSON.parse(text) : null, headers: res.headers };
  }

  async function commitFile(url: string, token: string, id: string, name: string): Promise<string> {
    const lines = [{ key: 'header', value: { summary: name } }, { key: 'file', value: { path: name, content: Buffer.from(name).toString('base64'), encoding: 'base64' } }];
    const res = await fetch(`${url}/api/models/${id}/commit/main`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/x-ndjson' },
      body: lines.map((l) => JSON.stringify(l)).join('\n') + '\n',
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`commit ${name}: ${res.status} ${text}`);
    return (JSON.parse(text) as { commitOid: string }).commitOid;
  }

  it('a process killed right after a commit, and with a delivery in flight, leaves both to the next one', async () => {
    // One sender, so the held delivery keeps the second one queued behind it.
    const first = await start({ HANGAR_WEBHOOK_SENDERS: '1' });
    await call(first.url, 'POST', '/admin/api/users', { username: 'crash', email: 'crash@example.com', password: 'crash-password-long-enough', email_verified: true }, { 'X-Admin-Token': ADMIN });
    const login = await call(first.url, 'POST', '/api/auth/login', { username: 'crash', password: 'crash-password-long-enough' });
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    const token = (await call(first.url, 'POST', '/api/auth/tokens/create', { name: 't', role: 'write' }, { Cookie: cookie })).json.token as string;
    const auth = { Authorization: `Bearer ${token}` };
    await call(first.url, 'POST', '/api/repos/create', { name: 'crashing' }, auth);
    const hook = (await call(first.url, 'POST', '/api/settings/webhooks', { url: rx.url, watched: [{ type: 'model', name: 'crash/crashing' }], secret: 's' }, auth)).json.webhook.id as string;

    rx.hold(true);
    const inFlight = await commitFile(first.url, token, 'crash/crashing', 'one.txt');
    await rx.waitFor(() => rx.heldCount() === 1);
    const queued = await commitFile(first.url, token, 'crash/crashing', 'two.txt');
    first.p.child.kill('SIGKILL');
    await first.p.exited;
    rx.hold(false);

    const second = await start();
    const answered = (oid: string) => rx.received.filter((r) => r.answered === 200 && r.body.updatedRefs?.[0]?.newSha === oid);
    await rx.waitFor(() => answered(inFlight).length === 1 && answered(queued).length === 1);
    const log = (await call(second.url, 'GET', `/api/settings/webhooks/${hook}/deliveries`, undefined, auth)).json;
    expect(log.map((d: { status: string }) => d.status)).toEqual(['delivered', 'delivered']);
    expect(answered(inFlight)[0].headers['x-webhook-secret']).toBe('s');
    second.p.child.kill('SIGTERM');
    await second.p.exited;
  });
});
