import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { FLUSH, pktLine } from '../../src/git/codec/pktline';
import { demuxSideband } from '../../src/git/codec/sideband';
import { createUserWithToken, TestUser } from '../support/accounts';
import { git, gitUrl, runGit, scratchDirs } from '../support/git-cli';
import { commit, createRepo, file, header } from '../support/repos';
import { observeStatements, type SeenStatement } from '../support/statements';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * What a push costs and what it may skip without losing anything: the connectivity check asks
 * the database once, the objects and the ref are written by one transaction (so a refused
 * update stores nothing), and the card data is read again only when README.md changed; what the
 * check must still refuse (objects neither in the pack nor stored, or stored with another type)
 * it refuses. Statements are observed through TypeORM's logger (support/statements).
 */
describe('git push: statements, one transaction, card data', () => {
  let t: TestApp;
  let u: TestUser;
  const dirs = scratchDirs('hangar-push-costs-');
  let seen: SeenStatement[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    u = await createUserWithToken(t);
    seen = observeStatements(t).seen;
  });

  afterAll(async () => {
    dirs.cleanup();
    await t.close();
  });

  const card = async (name: string) =>
    (
      await t.db.query(
        `SELECT r.card_data AS "cardData", r.tags, r.head_oid AS "headOid" FROM repositories r JOIN namespaces n ON n.id = r.namespace_id WHERE n.name = $1 AND r.name = $2`,
        [u.username, name],
      )
    ).rows[0] as { cardData: Record<string, unknown> | null; tags: string[]; headOid: string };

  async function cloneOf(name: string): Promise<string> {
    const dir = dirs.make();
    await git(dir, 'clone', '-q', gitUrl(t.baseUrl, `${u.username}/${name}`, { user: u.username, token: u.token }), 'w');
    return path.join(dir, 'w');
  }

  async function commitAll(work: string, files: Record<string, string>, message: string): Promise<string> {
    for (const [name, content] of Object.entries(files)) writeFileSync(path.join(work, name), content);
    await git(work, 'add', '-A');
    await git(work, 'commit', '-q', '-m', message);
    return (await git(work, 'rev-parse', 'HEAD')).trim();
  }

  /** A raw receive-pack request: one command and a pack (or a pack of exactly `objects`, made by git pack-objects). */
  async function receivePack(name: string, work: string, command: string, objects: string[] | Buffer): Promise<string> {
    const pack = Buffer.isBuffer(objects) ? objects : await packOf(work, objects);
    const r = await t
      .http()
      .post(`/${u.username}/${name}/git-receive-pack`)
      .set('Authorization', `Basic ${Buffer.from(`${u.username}:${u.token}`).toString('base64')}`)
      .set('Content-Type', 'application/x-git-receive-pack-request')
      .send(Buffer.concat([pktLine(`${command}\0report-status side-band-64k`), FLUSH, pack]))
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    return demuxSideband(r.body as Buffer).data.toString();
  }

  /** `git pack-objects` of exactly these objects, or with `args` what they say (its output is binary: runGit reads text). */
  function packOf(cwd: string, objects: string[], args: string[] = []): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const child = spawn('git', ['pack-objects', '--stdout', '-q', ...args], { cwd, stdio: ['pipe', 'pipe', 'inherit'] });
      const out: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`git pack-objects exited ${code}`))));
      child.stdin.end(`${objects.join('\n')}\n`);
    });
  }

  const storedCount = async (oids: string[]) =>
    (await t.db.query(`SELECT count(*)::int AS n FROM git_objects g JOIN repositories r ON r.id = g.repo_id JOIN namespaces n ON n.id = r.namespace_id WHERE n.name = $1 AND g.oid = ANY($2)`, [u.username, oids])).rows[0].n as number;

  it('checks connectivity with one statement and writes the objects in the transaction that moves the ref', async () => {
    await createRepo(t, u.token, 'one').expect(200);
    await commit(t, u.token, `${u.username}/one`, [header('init'), ...Array.from({ length: 20 }, (_, i) => file(`f${i}.txt`, `file ${i}\n`))]).expect(200);
    const work = await cloneOf('one');
    await commitAll(work, { 'a.txt': 'a\n' }, 'warm up');
    await git(work, 'push', '-q', 'origin', 'main');

    await commitAll(work, { 'b.txt': 'b\n' }, 'one file');
    seen.splice(0);
    await git(work, 'push', '-q', 'origin', 'main');

    // The new tree names 20 stored blobs and the new commit a stored parent: one lookup for all.
    const sql = seen.map((s) => s.sql);
    expect(sql.filter((s) => /FROM unnest\(.*git_objects/.test(s))).toHaveLength(1);
    expect(sql.filter((s) => /^SELECT oid FROM git_commits WHERE repo_id = \$1 AND oid = ANY/.test(s))).toEqual([]);
    const inserts = seen.filter((s) => s.sql.startsWith('INSERT INTO git_objects'));
    const move = seen.find((s) => s.sql.startsWith('UPDATE git_refs SET oid'));
    expect(inserts.length).toBeGreaterThan(0);
    expect(move).toBeDefined();
    const own = seen.filter((s) => s.runner === move!.runner).map((s) => s.sql);
    const transaction = own.slice(own.lastIndexOf('START TRANSACTION'), own.lastIndexOf('COMMIT') + 1);
    expect(transaction.filter((s) => s.startsWith('INSERT INTO git_objects'))).toHaveLength(inserts.length);
    expect(own.filter((s) => s === 'START TRANSACTION')).toHaveLength(1);
    // After it, README.md unchanged and the new root tree known to the node: the head moves, nothing is read.
    const committed = seen.findIndex((s) => s.runner === move!.runner && s.sql === 'COMMIT' && seen.indexOf(move!) < seen.indexOf(s));
    expect(sql.slice(committed + 1)).toEqual([expect.stringMatching(/^UPDATE repositories SET head_oid = \$3, last_modified = now\(\)/)]);
  });

  it('reads the token once per request and writes its last use at most once a minute', async () => {
    const fresh = await createUserWithToken(t);
    const lastUsed = async () => (await t.db.query(`SELECT t.last_used_at AS "lastUsed" FROM api_tokens t JOIN namespaces n ON n.id = t.user_id WHERE n.name = $1`, [fresh.username])).rows.map((r) => r.lastUsed);
    await t.db.query(`UPDATE api_tokens t SET last_used_at = NULL FROM namespaces n WHERE n.id = t.user_id AND n.name = $1`, [fresh.username]);
    const whoami = async () => {
      seen.splice(0);
      await t.http().get('/api/whoami-v2').set('Authorization', `Bearer ${fresh.token}`).expect(200);
      return seen.map((s) => s.sql);
    };
    const first = await whoami();
    expect(first.filter((s) => /FROM api_tokens WHERE token_hash/.test(s))).toHaveLength(1);
    // The first use is recorded (after the answer: wait for it).
    for (const deadline = Date.now() + 10_000; (await lastUsed())[0] === null; ) {
      if (Date.now() > deadline) throw new Error('last_used_at was never written');
      await new Promise((r) => setTimeout(r, 20));
    }
    const second = await whoami();
    expect(second.filter((s) => /FROM api_tokens WHERE token_hash/.test(s))).toHaveLength(1);
    expect(second.filter((s) => s.startsWith('UPDATE api_tokens'))).toEqual([]);
  });

  it('a push refused as stale stores none of its objects', async () => {
    await createRepo(t, u.token, 'stale').expect(200);
    const work = await cloneOf('stale');
    const base = (await git(work, 'rev-parse', 'HEAD')).trim();
    const tip = await commitAll(work, { 'new.txt': `only in this push ${Date.now()}\n` }, 'refused');
    const objects = (await git(work, 'rev-list', '--objects', tip, `^${base}`)).trim().split('\n').map((l) => l.slice(0, 40));
    expect(objects.length).toBe(3); // commit, tree, blob

    // The client believes the branch is at some other commit: "stale info", nothing recorded.
    const report = await receivePack('stale', work, `${'1'.repeat(40)} ${tip} refs/heads/main`, objects);
    expect(report).toContain('ng refs/heads/main stale info');
    expect(await storedCount(objects)).toBe(0);

    const accepted = await receivePack('stale', work, `${base} ${tip} refs/heads/main`, objects);
    expect(accepted).toContain('ok refs/heads/main');
    expect(await storedCount(objects)).toBe(3);
  });

  it('still refuses a pushed tree that names a blob neither in the pack nor stored, or a stored object of another type', async () => {
    await createRepo(t, u.token, 'holes').expect(200);
    await commit(t, u.token, `${u.username}/holes`, [header('init'), file('kept.txt', 'kept\n')]).expect(200);
    const work = await cloneOf('holes');
    const base = (await git(work, 'rev-parse', 'HEAD')).trim();
    const tip = await commitAll(work, { 'kept.txt': 'kept\n', 'missing.txt': `never sent ${Date.now()}\n` }, 'with a hole');
    const tree = (await git(work, 'rev-parse', `${tip}^{tree}`)).trim();
    const missing = (await git(work, 'rev-parse', `${tip}:missing.txt`)).trim();
    // The pack has the commit and its tree, not the new blob.
    const holed = await receivePack('holes', work, `${base} ${tip} refs/heads/main`, [tip, tree]);
    expect(holed).toContain('ng refs/heads/main missing necessary objects');
    expect(await storedCount([tip, tree, missing])).toBe(0);

    // A tree whose directory entry is a stored blob (kept.txt): the type is wrong, so refused.
    const keptBlob = (await git(work, 'rev-parse', `${base}:kept.txt`)).trim();
    const entry = (mode: string, name: string, oid: string) => Buffer.concat([Buffer.from(`${mode} ${name}\0`), Buffer.from(oid, 'hex')]);
    const treeBody = Buffer.concat([entry('40000', 'dir', keptBlob), entry('100644', 'kept.txt', keptBlob)]);
    const wrongTree = (await runGit(['hash-object', '-t', 'tree', '-w', '--stdin'], { cwd: work, input: treeBody })).stdout.trim();
    const wrongCommit = (await git(work, 'commit-tree', wrongTree, '-p', base, '-m', 'wrong type')).trim();
    const typed = await receivePack('holes', work, `${base} ${wrongCommit} refs/heads/main`, [wrongCommit, wrongTree]);
    expect(typed).toContain('ng refs/heads/main missing necessary objects');
    expect(await storedCount([wrongCommit, wrongTree])).toBe(0);
  });

  it('refuses a thin pack whose tree, a delta on a stored tree, names a blob neither sent nor stored', async () => {
    await createRepo(t, u.token, 'thin').expect(200);
    await commit(t, u.token, `${u.username}/thin`, [header('init'), ...Array.from({ length: 60 }, (_, i) => file(`f${i}.txt`, `file ${i}\n`))]).expect(200);
    const work = await cloneOf('thin');
    const base = (await git(work, 'rev-parse', 'HEAD')).trim();
    const tip = await commitAll(work, { 'f1.txt': 'changed\n', 'new.txt': `never sent ${Date.now()}\n` }, 'thin');
    const tree = (await git(work, 'rev-parse', `${tip}^{tree}`)).trim();
    // What git push sends (the new tree as a delta on the stored one), less the blobs.
    const pack = await packOf(work, [tip, `^${base}`], ['--revs', '--thin', '--filter=blob:none']);
    const report = await receivePack('thin', work, `${base} ${tip} refs/heads/main`, pack);
    expect(report).toContain('ng refs/heads/main missing necessary objects');
    expect(await storedCount([tip, tree])).toBe(0);
    // The stored base tree was read (or found cached) to resolve the delta: the refusal is not for a missing base.
    expect(report).toMatch(/^[0-9a-f]{4}unpack ok/);
  });

  it('reads README.md again only when a push or a commit changes it; the head always moves', async () => {
    await createRepo(t, u.token, 'carded').expect(200);
    await commit(t, u.token, `${u.username}/carded`, [header('card'), file('README.md', '---\nlicense: mit\ntags:\n- first\n---\n# carded\n')]).expect(200);
    expect(await card('carded')).toMatchObject({ cardData: { license: 'mit', tags: ['first'] }, tags: expect.arrayContaining(['first']) });
    const work = await cloneOf('carded');

    // What the card was read from is not read again: a marker written over the stored card stays.
    await t.db.query(`UPDATE repositories r SET card_data = '{"marker": true}', tags = '{marker}' FROM namespaces n WHERE n.id = r.namespace_id AND n.name = $1 AND r.name = 'carded'`, [u.username]);
    const other = await commitAll(work, { 'other.txt': 'not the readme\n' }, 'other file');
    await git(work, 'push', '-q', 'origin', 'main');
    expect(await card('carded')).toEqual({ cardData: { marker: true }, tags: ['marker'], headOid: other });
    await commit(t, u.token, `${u.username}/carded`, [header('api, other file'), file('api.txt', 'x\n')]).expect(200);
    expect(await card('carded')).toMatchObject({ cardData: { marker: true }, tags: ['marker'] });

    // A push that changes README.md: the card follows it.
    await git(work, 'pull', '-q', '--no-rebase', 'origin', 'main');
    const changed = await commitAll(work, { 'README.md': '---\nlicense: apache-2.0\ntags:\n- pushed\n---\n# carded\n' }, 'new card');
    await git(work, 'push', '-q', 'origin', 'main');
    expect(await card('carded')).toEqual({ cardData: { license: 'apache-2.0', tags: ['pushed'] }, tags: expect.arrayContaining(['pushed', 'license:apache-2.0']), headOid: changed });

    // A commit through the API that changes it, then one that removes it.
    await commit(t, u.token, `${u.username}/carded`, [header('api card'), file('README.md', '---\ntags:\n- api\n---\n')]).expect(200);
    expect(await card('carded')).toMatchObject({ cardData: { tags: ['api'] }, tags: ['api'] });
    await commit(t, u.token, `${u.username}/carded`, [header('no readme'), { key: 'deletedFile', value: { path: 'README.md' } }]).expect(200);
    expect(await card('carded')).toMatchObject({ cardData: null, tags: [] });
  });
});
