import { spawn, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, freshDataDir, MAIN, portIsOpen, waitFor } from '../support/hangar-process';

/**
 * The README's first command, as a user runs it: the built server on a fresh data directory,
 * with no database configured, starts its own PostgreSQL and becomes ready; SIGTERM stops both.
 */
describe('npm start on a fresh machine (embedded default)', () => {
  beforeAll(() => {
    if (!existsSync(MAIN)) throw new Error('dist/src/main.js is missing: run `npx nest build` first (npm test does)');
  });

  it('boots with embedded PostgreSQL, is ready, serves /docs, and stops cleanly', async () => {
    const dataDir = freshDataDir('hangar-boot-');
    const [port, pgPort] = [await freePort(), await freePort()];
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, HANGAR_DATA_DIR: dataDir, HANGAR_PORT: String(port), HANGAR_HOST: '127.0.0.1', HANGAR_EMBEDDED_PG_PORT: String(pgPort), HANGAR_LOG_LEVEL: 'warn' };
    const started = Date.now();
    const child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const ready = await waitFor(`http://127.0.0.1:${port}/health/ready`, Date.now() + 90_000);
      expect(await ready.json()).toMatchObject({ status: 'ok' });
      process.stderr.write(`[boot] cold start to ready: ${Date.now() - started} ms\n`);
      expect(existsSync(path.join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);
      expect(existsSync(path.join(dataDir, 'secret'))).toBe(true);

      const docs = await fetch(`http://127.0.0.1:${port}/docs-json`);
      const spec = (await docs.json()) as { paths: Record<string, unknown> };
      for (const route of ['/api/auth/register', '/api/whoami-v2', '/org/create', '/admin/api/users', '/admin/api/audit', '/health/ready', '/metrics']) {
        expect(Object.keys(spec.paths)).toContain(route);
      }
      expect((await fetch(`http://127.0.0.1:${port}/docs`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      const code = await exited;
      expect({ code, output: code === 0 ? '' : output }).toEqual({ code: 0, output: '' });
      // The embedded PostgreSQL is gone with it: its port is free again.
      expect(portIsOpen(pgPort)).toBe(false);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 150_000);

  it.each([
    [{ HANGAR_PORT: 'abc' }, 'HANGAR_PORT'],
    [{ HANGAR_ADMIN_TOKEN: 'change-me-in-production' }, 'HANGAR_ADMIN_TOKEN'],
    [{ HANGAR_ADMIN_TOKEN: 'too-short' }, 'HANGAR_ADMIN_TOKEN'],
    [{ HANGAR_STORAGE_DRIVER: 'ftp' }, 'HANGAR_STORAGE_DRIVER'],
  ])('refuses to boot with %p, naming the variable', (bad, name) => {
    const out = spawnSync(process.execPath, [MAIN], { env: { PATH: process.env.PATH, HANGAR_DATA_DIR: os.tmpdir(), ...bad }, encoding: 'utf8', timeout: 30_000 });
    expect(out.status).toBe(78);
    expect(out.stderr).toContain(name);
  });
});
