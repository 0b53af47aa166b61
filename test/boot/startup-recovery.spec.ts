import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { freePort, freshDataDir, MAIN, portIsOpen, removeDataDir, startHangarProcess, waitFor } from '../support/hangar-process';

/**
 * Starting the built server when things are not as they should be: a port in use (the message
 * names the variable to change, no stack trace, nothing left running), and the restart after a
 * hard kill of the node process alone (SIGKILL, the OOM killer), which leaves the embedded
 * PostgreSQL behind: Hangar recognises and stops it, and comes up with the data written before.
 */
const ADMIN_TOKEN = 'boot-admin-token-0123456789abcdef0123456789';

function occupy(port: number): Promise<Server> {
  return new Promise((resolve) => {
    const s = createServer().listen(port, '127.0.0.1', () => resolve(s));
  });
}

describe('starting Hangar', () => {
  let dataDir: string;
  let port: number;
  let pgPort: number;
  let env: Record<string, string>;

  beforeAll(() => {
    if (!existsSync(MAIN)) throw new Error('dist/src/main.js is missing: run `npx nest build` first (npm test does)');
  });
  beforeEach(async () => {
    dataDir = freshDataDir('hangar-start-');
    [port, pgPort] = [await freePort(), await freePort()];
    env = { HANGAR_DATA_DIR: dataDir, HANGAR_PORT: String(port), HANGAR_HOST: '127.0.0.1', HANGAR_EMBEDDED_PG_PORT: String(pgPort), HANGAR_ADMIN_TOKEN: ADMIN_TOKEN, HANGAR_LOG_LEVEL: 'warn' };
  });
  afterEach(() => removeDataDir(dataDir));

  it.each([
    ['HANGAR_PORT', () => port],
    ['HANGAR_EMBEDDED_PG_PORT', () => pgPort],
  ])('with %s in use, exits naming that variable, without a stack trace', async (variable, taken) => {
    const blocker = await occupy(taken());
    try {
      const hangar = startHangarProcess(env);
      const code = await hangar.exited;
      const output = hangar.output();
      expect({ code, named: output.includes(variable), output }).toEqual({ code: 1, named: true, output });
      expect(output).toMatch(/hangar: failed to start: .*in use/);
      expect(output).not.toMatch(/^\s+at /m);
      expect(output).not.toContain('undefined');
      // Nothing left behind: the embedded PostgreSQL stopped with the failed start.
      if (variable === 'HANGAR_PORT') expect(portIsOpen(pgPort)).toBe(false);
    } finally {
      blocker.close();
    }
  }, 120_000);

  it('comes back after the node process alone was killed with SIGKILL, with the data written before', async () => {
    const url = `http://127.0.0.1:${port}`;
    const first = startHangarProcess(env);
    await waitFor(`${url}/health/ready`, Date.now() + 90_000);
    const user = { username: 'survivor', email: 'survivor@example.com', password: 'survivor-password-long', email_verified: true };
    const created = await fetch(`${url}/admin/api/users`, { method: 'POST', headers: { 'X-Admin-Token': ADMIN_TOKEN, 'Content-Type': 'application/json' }, body: JSON.stringify(user) });
    expect(created.status).toBe(200);

    first.child.kill('SIGKILL');
    await first.exited;
    expect(portIsOpen(pgPort)).toBe(true); // the orphaned postmaster still holds its port

    const second = startHangarProcess(env);
    try {
      await waitFor(`${url}/health/ready`, Date.now() + 90_000).catch((err) => {
        throw new Error(`${err}\n${second.output()}`);
      });
      const got = await fetch(`${url}/admin/api/users/survivor`, { headers: { 'X-Admin-Token': ADMIN_TOKEN } });
      expect(got.status).toBe(200);
      expect(await got.json()).toMatchObject({ username: 'survivor', email: 'survivor@example.com' });
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
    expect(portIsOpen(pgPort)).toBe(false);
  }, 240_000);
});
