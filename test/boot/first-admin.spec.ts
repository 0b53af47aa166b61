import { existsSync, rmSync } from 'node:fs';
import { freePort, freshDataDir, MAIN, startHangarProcess, waitFor, type HangarProcess } from '../support/hangar-process';

/**
 * A fresh install without HANGAR_ADMIN_TOKEN gets its first admin without a restart: the
 * startup banner (one JSON line when stdout is not a terminal) says the admin API is off and
 * holds a one-time setup command; its token, posted once to /admin/api/setup, returns an admin
 * token that works at once and after restarts; then the setup route is gone for good.
 */
interface BannerLine {
  msg: string;
  adminApi: 'on' | 'off';
  adminApiHowTo?: string;
  url: string;
  swagger: string;
  registration: string;
  storage: string;
  database: string;
  warnings: string[];
}

async function bannerOf(hangar: HangarProcess, deadline: number): Promise<BannerLine> {
  for (;;) {
    for (const line of hangar.output().split('\n')) {
      if (!line.startsWith('{')) continue;
      const parsed = JSON.parse(line) as Partial<BannerLine>;
      if (parsed.msg?.startsWith('Hangar listening on ')) return parsed as BannerLine;
    }
    if (Date.now() > deadline) throw new Error(`no startup banner:\n${hangar.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('first admin of a fresh install', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let url: string;

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error('dist/src/main.js is missing: run `npx nest build` first (npm test does)');
    dataDir = freshDataDir('hangar-first-admin-');
    const [port, pgPort] = [await freePort(), await freePort()];
    url = `http://127.0.0.1:${port}`;
    env = { HANGAR_DATA_DIR: dataDir, HANGAR_PORT: String(port), HANGAR_HOST: '127.0.0.1', HANGAR_EMBEDDED_PG_PORT: String(pgPort), HANGAR_LOG_LEVEL: 'info' };
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('prints a one-time setup token, exchanges it once for a working admin token, and keeps that token across restarts', async () => {
    const first = startHangarProcess(env);
    let adminToken: string;
    try {
      await waitFor(`${url}/health/ready`, Date.now() + 90_000);
      const banner = await bannerOf(first, Date.now() + 10_000);
      expect(banner).toMatchObject({ msg: `Hangar listening on ${url}`, adminApi: 'off', url, swagger: `${url}/docs`, registration: 'open' });
      expect(banner.storage).toMatch(/^fs, /);
      expect(banner.database).toMatch(/^embedded PostgreSQL/);
      expect(banner.warnings.join(' ')).toMatch(/Registration is open/);
      // Nest's route mappings are debug lines now, not info.
      expect(first.output()).not.toMatch(/Mapped \{/);
      const setupToken = /"setup_token":"([^"]+)"/.exec(banner.adminApiHowTo ?? '')?.[1];
      expect(setupToken).toMatch(/^hsetup_/);

      expect((await fetch(`${url}/admin/api/users`)).status).toBe(403); // AdminDisabled
      const wrong = await post('/admin/api/setup', { setup_token: `${setupToken}x` });
      expect({ status: wrong.status, code: wrong.headers.get('x-error-code') }).toEqual({ status: 403, code: 'InvalidSetupToken' });

      const done = await post('/admin/api/setup', { setup_token: setupToken });
      expect(done.status).toBe(200);
      adminToken = ((await done.json()) as { admin_token: string }).admin_token;
      expect(adminToken).toMatch(/^hadm_/);

      const created = await post('/admin/api/users', { username: 'firstuser', email: 'first@example.com', password: 'first-user-password', email_verified: true }, { 'X-Admin-Token': adminToken });
      expect(created.status).toBe(200);
      const wrongAdmin = await fetch(`${url}/admin/api/users`, { headers: { 'X-Admin-Token': `${adminToken}x` } });
      expect(wrongAdmin.status).toBe(403);

      const again = await post('/admin/api/setup', { setup_token: setupToken });
      expect({ status: again.status, code: again.headers.get('x-error-code') }).toEqual({ status: 404, code: 'SetupDone' });
    } finally {
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
    }

    const second = startHangarProcess(env);
    try {
      await waitFor(`${url}/health/ready`, Date.now() + 90_000);
      const banner = await bannerOf(second, Date.now() + 10_000);
      expect(banner.adminApi).toBe('on');
      expect(banner.adminApiHowTo).toBeUndefined();
      expect(second.output()).not.toContain('hsetup_');
      const got = await fetch(`${url}/admin/api/users/firstuser`, { headers: { 'X-Admin-Token': adminToken } });
      expect(got.status).toBe(200);
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  }, 240_000);
});
