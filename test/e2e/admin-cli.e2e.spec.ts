import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { createUserWithToken, type TestUser } from '../support/accounts';
import { freePort } from '../support/hangar-process';
import { commit, createRepo, file, header } from '../support/repos';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../support/test-app';

const CLI = path.resolve(__dirname, '../../dist/src/admin-cli/main.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Issue 16, admin CLI: `hangar-admin` run as a user runs it (a child process of the built file)
 * against a running Hangar, one group of commands after another; output and exit codes.
 */
describe('hangar-admin (the admin CLI, as a child process)', () => {
  let t: TestApp;
  let user: TestUser;

  /** Runs the CLI without blocking this process (the server answering it lives here). */
  const cli = (args: string[], env: Record<string, string> = { HANGAR_URL: t.baseUrl, HANGAR_ADMIN_TOKEN: ADMIN_TOKEN }): Promise<Run> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, ...env } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  const ok = async (args: string[]) => {
    const r = await cli(args);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    return r.stdout;
  };
  const json = async (args: string[]) => JSON.parse(await ok(['--json', ...args]));

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error('dist/src/admin-cli/main.js is missing: run `npx nest build` first (npm test does)');
    t = await startTestApp();
    user = await createUserWithToken(t);
  });
  afterAll(() => t.close());

  describe('exit codes', () => {
    it('2 for a usage error: unknown command, bad option value, missing argument, no token', async () => {
      expect((await cli(['users', 'lisst'])).code).toBe(2);
      expect((await cli(['users', 'list', '--limit', 'ten'])).code).toBe(2);
      expect((await cli(['users', 'get'])).code).toBe(2);
      const noToken = await cli(['users', 'list'], { HANGAR_URL: t.baseUrl });
      expect(noToken.code).toBe(2);
      expect(noToken.stderr).toContain('HANGAR_ADMIN_TOKEN');
    });

    it('0 for --help', async () => {
      const r = await cli(['--help']);
      expect(r.code).toBe(0);
      for (const group of ['users', 'quota', 'invitations', 'repos', 'commits', 'storage', 'stats', 'search', 'audit', 'events', 'fallback', 'db']) {
        expect(r.stdout).toMatch(new RegExp(`^  ${group}\\b`, 'm'));
      }
    });

    it('3 when Hangar refuses (4xx), naming the error code', async () => {
      const missing = await cli(['users', 'get', 'no-such-user']);
      expect(missing.code).toBe(3);
      expect(missing.stderr).toMatch(/HTTP 404 UserNotFound/);
      const wrongToken = await cli(['users', 'list'], { HANGAR_URL: t.baseUrl, HANGAR_ADMIN_TOKEN: 'wrong-token-0123456789abcdef0123456789' });
      expect(wrongToken.code).toBe(3);
      expect(wrongToken.stderr).toMatch(/HTTP 403/);
      // A user's own (non-admin) token is not an admin credential.
      expect((await cli(['--token', user.token, 'users', 'list'])).code).toBe(3);
    });

    it('4 when Hangar cannot be reached; flags win over the environment', async () => {
      const closed = `http://127.0.0.1:${await freePort()}`;
      const r = await cli(['users', 'list'], { HANGAR_URL: closed, HANGAR_ADMIN_TOKEN: ADMIN_TOKEN });
      expect(r.code).toBe(4);
      expect(r.stderr).toContain('cannot reach Hangar');
      expect((await cli(['--url', t.baseUrl, 'users', 'list'], { HANGAR_URL: closed, HANGAR_ADMIN_TOKEN: ADMIN_TOKEN })).code).toBe(0);
    });
  });

  it('users: create, list (table and JSON), get, verify-email, set-quota, set-role, rotate-token, delete', async () => {
    const name = `cli-${process.pid}`;
    expect(await ok(['users', 'create', name, '--email', `${name}@example.com`, '--password', 'a-long-enough-password'])).toMatch(new RegExp(`^username\\s+${name}$`, 'm'));
    const table = await ok(['users', 'list', '--search', name]);
    const [head, row] = table.trimEnd().split('\n');
    expect(head).toMatch(/^USERNAME\s+EMAIL\s+ROLE/);
    expect(row).toMatch(new RegExp(`^${name}\\s+${name}@example.com\\s+user\\s+false`));
    const listed = await json(['users', 'list', '--search', name]);
    expect(listed.users.map((u: { username: string }) => u.username)).toEqual([name]);
    expect((await json(['users', 'verify-email', name])).email_verified).toBe(true);
    expect(await json(['users', 'set-quota', name, '--private', '1000', '--public', 'none'])).toMatchObject({ private_quota_bytes: 1000, public_quota_bytes: null });
    expect((await json(['users', 'get', name])).private_quota_bytes).toBe(1000);
    expect((await json(['users', 'set-role', name, 'viewer'])).role).toBe('viewer');
    expect((await json(['users', 'rotate-token', name])).token).toMatch(/^hf_/);
    expect(await ok(['users', 'delete', name])).toMatch(/deleted/i);
    expect((await cli(['users', 'get', name])).code).toBe(3);
  });

  it('quota: get, set, recalculate, overview', async () => {
    expect(await json(['quota', 'set', user.username, '--private', '5000000', '--public', '6000000'])).toMatchObject({ private_quota_bytes: 5000000, public_quota_bytes: 6000000 });
    expect(await json(['quota', 'get', user.username])).toMatchObject({ namespace: user.username, private_quota_bytes: 5000000 });
    expect((await json(['quota', 'recalculate', user.username])).namespace).toBe(user.username);
    const overview = await ok(['quota', 'overview']);
    expect(overview).toContain('Top consumers:');
    expect(overview).toContain('System storage:');
  });

  it('invitations: create, list, delete', async () => {
    const created = await json(['invitations', 'create', '--max-usage', '-1', '--expires-days', '3']);
    expect(created).toMatchObject({ success: true, max_usage: -1, action: 'register_account' });
    const listed = await json(['invitations', 'list', '--action', 'register_account']);
    const isIt = (i: { token_prefix: string }) => created.token.startsWith(i.token_prefix);
    expect(listed.invitations.filter(isIt)).toHaveLength(1);
    expect(await ok(['invitations', 'list'])).toMatch(/^ID\s+TOKEN_PREFIX\s+ACTION/);
    expect(await ok(['invitations', 'delete', created.token])).toMatch(/deleted/i);
    expect((await json(['invitations', 'list'])).invitations.filter(isIt)).toHaveLength(0);
  });

  it('audit: the actions the CLI made are listed', async () => {
    const entries = (await json(['audit', 'list', '--action', 'user.create', '--limit', '50'])).entries;
    expect(entries.some((e: { target: string }) => e.target === `user:cli-${process.pid}`)).toBe(true);
    expect(await ok(['audit', 'list', '--limit', '3'])).toMatch(/^ID\s+CREATED_AT\s+ACTOR\s+ACTION/);
  });

  it('events tail: replays stored events, and follows live ones until --max', async () => {
    const stored = (await ok(['--json', 'events', 'tail', '--after', '0', '--no-follow', '--types', 'user.']))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(stored.some((e) => e.type === 'user.created' && e.target === `user:${user.username}`)).toBe(true);
    expect(stored.every((e) => e.type.startsWith('user.'))).toBe(true);

    const [{ max }] = (await t.db.query(`SELECT coalesce(max(id), 0)::int AS max FROM event_log`)).rows;
    const tail = cli(['events', 'tail', '--after', String(max), '--types', 'ref.updated', '--max', '1']);
    await createRepo(t, user.token, 'cli-tail').expect(200);
    const made = await commit(t, user.token, `${user.username}/cli-tail`, [header('for the tail'), file('a.txt', 'a')]).expect(200);
    const r = await tail;
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`ref\\.updated\\s+user:${user.username}\\s+model:${user.username}/cli-tail\\s+.*ref=refs/heads/main`));
    // The repository's first commit or the one just made: both are ref updates after `max`.
    expect(lines[0]).toMatch(/change=(created|updated)/);
    expect(made.body.commitOid).toMatch(/^[0-9a-f]{40}$/);
  });

  it('fallback: add (token masked), list, get, update, available, cache, delete; a bad type is refused', async () => {
    const secret = 'hf_cliPlaintextToken0123456789';
    const added = await ok(['fallback', 'add', 'HF', 'https://huggingface.co', '--type', 'huggingface', '--source-token', secret, '--allow', 'meta-llama/*', '--priority', '50']);
    expect(added).not.toContain(secret);
    expect(added).toMatch(/^token\s+hf_c…6789$/m);
    const id = Number(/^id\s+(\d+)$/m.exec(added)![1]);
    const table = await ok(['fallback', 'list']);
    expect(table).toMatch(new RegExp(`^${id}\\s+HF\\s+huggingface\\s+https://huggingface.co`, 'm'));
    expect(table).not.toContain(secret);
    expect((await json(['fallback', 'get', String(id)])).allow_patterns).toEqual(['meta-llama/*']);
    expect(await json(['fallback', 'update', String(id), '--disable', '--priority', '7'])).toMatchObject({ enabled: false, priority: 7, token: 'hf_c…6789' });
    expect((await json(['fallback', 'list', '--enabled', 'false'])).map((s: { id: number }) => s.id)).toEqual([id]);
    expect(await json(['fallback', 'update', String(id), '--enable', '--clear-token'])).toMatchObject({ enabled: true, token: null });
    expect(await ok(['fallback', 'available'])).toMatch(/^URL\s+NAME\s+SOURCE_TYPE\s+PRIORITY\n.*huggingface/m);
    expect(await json(['fallback', 'cache-stats'])).toEqual({ size: 0, maxsize: 0, ttl_seconds: 60, usage_percent: 0, bytes: 0, max_bytes: null });
    expect(await ok(['fallback', 'cache-clear'])).toMatch(/cleared: 0 files/);
    const bad = await cli(['fallback', 'add', 'X', 'https://x.example', '--type', 'gitlab']);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/HTTP 400 ValidationError/);
    expect(await ok(['fallback', 'delete', String(id)])).toBe(`Fallback source HF deleted\n`);
    expect((await cli(['fallback', 'get', String(id)])).code).toBe(3);
  });

  it('repos: grants, grant, revoke (the repository routes this branch has)', async () => {
    await createRepo(t, user.token, 'cli-grants').expect(200);
    const other = await createUserWithToken(t);
    await ok(['repos', 'grant', 'model', user.username, 'cli-grants', other.username, 'write']);
    expect(await ok(['repos', 'grants', 'model', user.username, 'cli-grants'])).toContain(other.username);
    await ok(['repos', 'revoke', 'model', user.username, 'cli-grants', other.username]);
    expect(await ok(['repos', 'grants', 'model', user.username, 'cli-grants'])).not.toContain(other.username);
  });

  it('repos, commits, storage, stats, search and db: the admin routes of spec 002 through the CLI', async () => {
    await createRepo(t, user.token, 'cli-admin').expect(200);
    const made = await commit(t, user.token, `${user.username}/cli-admin`, [header('for the cli'), file('weights.txt', 'w')]).expect(200);
    const listed = await json(['repos', 'list', '--namespace', user.username]);
    expect(listed.repositories.map((r: { name: string }) => r.name)).toContain('cli-admin');
    expect((await json(['repos', 'get', 'model', user.username, 'cli-admin'])).file_count).toBeGreaterThanOrEqual(2);
    expect(await ok(['repos', 'files', 'model', user.username, 'cli-admin'])).toContain('weights.txt');
    expect(await json(['repos', 'storage', 'model', user.username, 'cli-admin'])).toHaveProperty('total_size');
    const commits = await json(['commits', 'list', '--repo', `${user.username}/cli-admin`]);
    expect(commits.commits.map((c: { commit_id: string }) => c.commit_id)).toContain(made.body.commitOid);
    expect(await json(['storage', 'debug'])).toHaveProperty('driver');
    expect(await ok(['storage', 'objects', '--prefix', 'git/', '--limit', '5'])).not.toBe('');
    const missing = await cli(['storage', 'delete', 'no/such/object']);
    expect(missing.code).toBe(3);
    expect((await json(['stats'])).users).toBeDefined();
    expect((await json(['stats', 'timeseries', '--days', '7'])).commits_by_day).toBeDefined();
    expect((await cli(['stats', 'timeseries', '--days', '400'])).code).toBe(3);
    expect(JSON.stringify(await json(['search', user.username]))).toContain(user.username);
    const rows = await json(['db', 'query', `SELECT name FROM namespaces WHERE name = '${user.username}'`]);
    expect(rows.rows).toEqual([{ name: user.username }]);
    const refused = await cli(['db', 'query', 'DELETE FROM namespaces']);
    expect(refused.code).toBe(3);
    expect(await ok(['db', 'tables'])).toContain('repositories');
  });
});
