import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import request from 'supertest';
import { deflateSync, gzipSync } from 'node:zlib';
import { DELIM, FLUSH, pktLine } from '../../src/git/codec/pktline';
import { demuxSideband } from '../../src/git/codec/sideband';
import { encodePackEntryHeader, encodePackHeader } from '../../src/git/codec/pack-writer';
import { createUserWithToken, TestUser } from '../support/accounts';
import { git, gitUrl, runGit, scratchDirs } from '../support/git-cli';
import { commit, createRepo, file, header } from '../support/repos';
import { startTestApp, TestApp } from '../support/test-app';
import { noise } from '../support/noise';

/**
 * git over smart HTTP, driven by the real git 2.39 command line: clone (v0, v2, shallow), fetch,
 * pull and push against commits made through the HF API, and the refusals (auth, size limit,
 * stale refs, malformed requests).
 */

const ZERO = '0'.repeat(40);
const THRESHOLD = 1024 * 1024;


/** An empty pack: `PACK`, version 2, 0 objects, SHA-1 trailer. */
function emptyPack(): Buffer {
  const head = encodePackHeader(0);
  return Buffer.concat([head, createHash('sha1').update(head).digest()]);
}

describe('git over smart HTTP', () => {
  let t: TestApp;
  let u: TestUser;
  let other: TestUser;
  let readToken: string;
  const dirs = scratchDirs();
  let cred: { user: string; token: string };

  /** Commit ids of a branch as the HF API lists them, newest first. */
  async function apiCommits(id: string, rev = 'main', type = 'models'): Promise<string[]> {
    const r = await t.http().get(`/api/${type}/${id}/commits/${encodeURIComponent(rev)}`).set('Authorization', `Bearer ${u.token}`).expect(200);
    return (r.body as { id: string }[]).map((c) => c.id);
  }

  async function apiRefs(id: string): Promise<{ branches: Record<string, string>; tags: Record<string, string> }> {
    const r = await t.http().get(`/api/models/${id}/refs`).set('Authorization', `Bearer ${u.token}`).expect(200);
    const map = (list: { name: string; targetCommit: string }[]) => Object.fromEntries(list.map((b) => [b.name, b.targetCommit]));
    return { branches: map(r.body.branches), tags: map(r.body.tags) };
  }

  async function dbRefs(id: string): Promise<Record<string, string>> {
    const [ns, name] = id.split('/');
    const { rows } = await t.db.query(
      `SELECT g.name, g.oid FROM git_refs g JOIN repositories r ON r.id = g.repo_id JOIN namespaces n ON n.id = r.namespace_id WHERE n.name = $1 AND r.name = $2`,
      [ns, name],
    );
    return Object.fromEntries(rows.map((r: { name: string; oid: string }) => [r.name, r.oid]));
  }

  async function clone(repoPath: string, opts: { version?: '0' | '2'; args?: string[]; cred?: { user: string; token: string } | null } = {}): Promise<string> {
    const dir = path.join(dirs.make(), 'clone');
    const r = await runGit(['-c', `protocol.version=${opts.version ?? '2'}`, 'clone', ...(opts.args ?? []), gitUrl(t.baseUrl, repoPath, opts.cred === undefined ? cred : opts.cred), dir]);
    if (r.code !== 0) throw new Error(`clone of ${repoPath} failed:\n${r.stderr}`);
    return dir;
  }

  async function commitFile(dir: string, name: string, content: string | Buffer, message: string): Promise<string> {
    writeFileSync(path.join(dir, name), content);
    await git(dir, 'add', name);
    await git(dir, 'commit', '-q', '-m', message);
    return (await git(dir, 'rev-parse', 'HEAD')).trim();
  }

  /** Raw POST of a git RPC body. */
  function rpc(repoPath: string, service: 'git-upload-pack' | 'git-receive-pack', body: Buffer, headers: Record<string, string> = {}) {
    let req = t
      .http()
      .post(`/${repoPath}/${service}`)
      .set('Authorization', `Basic ${Buffer.from(`${u.username}:${u.token}`).toString('base64')}`)
      .set('Content-Type', `application/x-${service}-request`);
    for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
    return req.buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    }).send(body);
  }

  beforeAll(async () => {
    t = await startTestApp({ HANGAR_LFS_THRESHOLD_BYTES: String(THRESHOLD) });
    u = await createUserWithToken(t);
    other = await createUserWithToken(t);
    cred = { user: u.username, token: u.token };
    const login = await t.http().post('/api/auth/login').send({ username: u.username, password: u.password }).expect(200);
    readToken = (await t.http().post('/api/auth/tokens/create').set('Cookie', login.headers['set-cookie']).send({ name: 'read', role: 'read' }).expect(200)).body.token;
  });

  afterAll(async () => {
    dirs.cleanup();
    await t.close();
  });

  describe('clone and fetch', () => {
    let id: string;
    beforeAll(async () => {
      await createRepo(t, u.token, 'history').expect(200);
      id = `${u.username}/history`;
      await commit(t, u.token, id, [header('first'), file('README.md', '# history\n'), file('dir/sub/a.txt', 'a\n'), file('weights.bin', noise(400 * 1024, 'w1'))]).expect(200);
      await commit(t, u.token, id, [header('second', { description: 'with a body' }), file('dir/b.txt', 'b\n'), { key: 'deletedFile', value: { path: 'dir/sub/a.txt' } }]).expect(200);
      await t.http().post(`/api/models/${id}/branch/dev`).set('Authorization', `Bearer ${u.token}`).send({}).expect(200);
      await commit(t, u.token, id, [header('third'), file('c.txt', 'c\n')]).expect(200);
      await t.http().post(`/api/models/${id}/tag/main`).set('Authorization', `Bearer ${u.token}`).send({ tag: 'v1', message: 'release v1' }).expect(200);
      await t.http().post(`/api/models/${id}/tag/dev`).set('Authorization', `Bearer ${u.token}`).send({ tag: 'light' }).expect(200);
    });

    it('clones with protocol v0 and v2, with and without .git: the HF history, branches and tags; fsck clean', async () => {
      const expected = await apiCommits(id);
      expect(expected).toHaveLength(4);
      for (const [version, suffix] of [['0', ''], ['2', '.git'], ['0', '.git'], ['2', '']] as const) {
        const dir = await clone(`${id}${suffix}`, { version });
        await git(dir, 'fsck', '--full', '--strict', '--no-dangling');
        expect((await git(dir, 'log', '--format=%H')).trim().split('\n')).toEqual(expected);
        expect((await git(dir, 'rev-parse', 'origin/dev')).trim()).toBe((await apiCommits(id, 'dev'))[0]);
        expect((await git(dir, 'tag', '-l')).trim().split('\n')).toEqual(['light', 'v1']);
        expect((await git(dir, 'cat-file', '-t', 'v1')).trim()).toBe('tag');
        expect((await git(dir, 'rev-parse', 'v1^{commit}')).trim()).toBe(expected[0]);
        expect((await git(dir, 'symbolic-ref', 'HEAD')).trim()).toBe('refs/heads/main');
        expect(await git(dir, 'show', 'HEAD:dir/b.txt')).toBe('b\n');
        expect(createHash('sha256').update(readFileSync(path.join(dir, 'weights.bin'))).digest('hex')).toBe(
          createHash('sha256').update(noise(400 * 1024, 'w1')).digest('hex'),
        );
      }
    });

    it('speaks only the smart protocol (packet trace: v2 capabilities, v0 service header)', async () => {
      const d = dirs.make();
      const v2 = await runGit(['-c', 'protocol.version=2', 'clone', '--no-checkout', gitUrl(t.baseUrl, id, cred), 'a'], { cwd: d, env: { GIT_TRACE_PACKET: '1' } });
      expect(v2.code).toBe(0);
      expect(v2.stderr).toContain('git< version 2');
      expect(v2.stderr).toContain('git< ls-refs=unborn');
      expect(v2.stderr).toMatch(/clone< packfile/);
      const v0 = await runGit(['-c', 'protocol.version=0', 'ls-remote', gitUrl(t.baseUrl, id, cred)], { cwd: d, env: { GIT_TRACE_PACKET: '1' } });
      expect(v0.code).toBe(0);
      expect(v0.stderr).toContain('git< # service=git-upload-pack');
      expect(v0.stdout).toContain('refs/tags/v1^{}');
      expect(v0.stderr).not.toMatch(/dumb|info\/packs|objects\/info/);
      // The advertisement as sent: content type, no caching, HEAD with its symref first.
      const adv = await t.http().get(`/${id}.git/info/refs?service=git-upload-pack`).set('Authorization', `Bearer ${u.token}`).buffer(true).parse(binary).expect(200);
      expect(adv.headers['content-type']).toBe('application/x-git-upload-pack-advertisement');
      expect(adv.headers['cache-control']).toBe('no-cache');
      const text = (adv.body as Buffer).toString('latin1');
      expect(text.startsWith('001e# service=git-upload-pack\n0000')).toBe(true);
      expect(text).toMatch(/^001e# service=git-upload-pack\n0000[0-9a-f]{4}[0-9a-f]{40} HEAD\0[^\n]*symref=HEAD:refs\/heads\/main/);
    });

    it('datasets and spaces clone from their own URLs', async () => {
      await createRepo(t, u.token, 'data', { type: 'dataset' }).expect(200);
      await commit(t, u.token, `${u.username}/data`, [header('rows'), file('train.csv', 'a,b\n1,2\n')], { type: 'datasets' }).expect(200);
      await createRepo(t, u.token, 'app', { type: 'space', sdk: 'static' }).expect(200);
      await commit(t, u.token, `${u.username}/app`, [header('page'), file('index.html', '<p>hi</p>\n')], { type: 'spaces' }).expect(200);
      const d1 = await clone(`datasets/${u.username}/data`, { version: '0' });
      expect(await git(d1, 'show', 'HEAD:train.csv')).toBe('a,b\n1,2\n');
      expect((await git(d1, 'log', '--format=%H')).trim().split('\n')).toEqual(await apiCommits(`${u.username}/data`, 'main', 'datasets'));
      const d2 = await clone(`spaces/${u.username}/app.git`, { version: '2' });
      expect(await git(d2, 'show', 'HEAD:index.html')).toBe('<p>hi</p>\n');
      await git(d2, 'fsck', '--full');
      // A model URL does not reach the dataset of the same name.
      const miss = await runGit(['clone', gitUrl(t.baseUrl, `${u.username}/data`, cred), path.join(dirs.make(), 'x')]);
      expect(miss.code).not.toBe(0);
      expect(miss.stderr).toMatch(/not found/);
    });

    it('clone --depth 1 (v0 and v2), then deepens and unshallows', async () => {
      const expected = await apiCommits(id);
      for (const version of ['0', '2'] as const) {
        const dir = await clone(id, { version, args: ['--depth', '1', '--no-single-branch'] });
        expect((await git(dir, 'log', '--format=%H')).trim().split('\n')).toEqual([expected[0]]);
        expect((await git(dir, 'rev-parse', '--is-shallow-repository')).trim()).toBe('true');
        await git(dir, 'fsck', '--full');
        await git(dir, '-c', `protocol.version=${version}`, 'fetch', '-q', '--depth', '2', 'origin', 'main');
        expect((await git(dir, 'log', '--format=%H', 'origin/main')).trim().split('\n')).toEqual(expected.slice(0, 2));
        // deepen-relative: one more commit below the current boundary.
        await git(dir, '-c', `protocol.version=${version}`, 'fetch', '-q', '--deepen', '1', 'origin', 'main');
        expect((await git(dir, 'log', '--format=%H', 'origin/main')).trim().split('\n')).toEqual(expected.slice(0, 3));
        await git(dir, '-c', `protocol.version=${version}`, 'fetch', '-q', '--unshallow', 'origin');
        expect((await git(dir, 'rev-parse', '--is-shallow-repository')).trim()).toBe('false');
        expect((await git(dir, 'log', '--format=%H', 'origin/main')).trim().split('\n')).toEqual(expected);
        await git(dir, 'fsck', '--full');
      }
    });

    it('fetch and pull pick up new HF API commits; negotiation with local-only commits', async () => {
      const v0 = await clone(id, { version: '0' });
      const v2 = await clone(id, { version: '2' });
      // Local history the server does not have: the client sends many haves (several gzip'ed rounds).
      for (const dir of [v0, v2]) {
        await git(dir, 'checkout', '-q', '-b', 'local');
        // Newer than anything on the server, so they are the first haves the client sends.
        for (let i = 0; i < 40; i++) {
          const date = `${4000000000 + i} +0000`;
          const r = await runGit(['commit', '-q', '--allow-empty', '-m', `local ${i}`], { cwd: dir, env: { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } });
          expect(r.code).toBe(0);
        }
        await git(dir, 'checkout', '-q', 'main');
      }
      await commit(t, u.token, id, [header('fourth'), file('dir/d.txt', 'd\n')]).expect(200);
      await commit(t, u.token, id, [header('fifth'), file('c.txt', 'c2\n')]).expect(200);
      const expected = await apiCommits(id);
      for (const [dir, version] of [[v0, '0'], [v2, '2']] as const) {
        const r = await runGit(['-c', `protocol.version=${version}`, 'pull', '-q', '--ff-only', 'origin', 'main'], { cwd: dir, env: { GIT_TRACE_PACKET: '1', GIT_TRACE_CURL: '1', GIT_TRACE_CURL_NO_DATA: '1' } });
        expect(r.code).toBe(0);
        expect((await git(dir, 'log', '--format=%H')).trim().split('\n')).toEqual(expected);
        expect(await git(dir, 'show', 'HEAD:c.txt')).toBe('c2\n');
        await git(dir, 'fsck', '--full', '--no-dangling');
        // Several stateless rounds: NAKs while the haves are unknown, then common commits and the pack.
        expect((r.stderr.match(/=> Send header: POST .*git-upload-pack/g) ?? []).length).toBeGreaterThanOrEqual(3);
        expect(r.stderr).toMatch(/fetch(-pack)?< NAK/);
        if (version === '0') expect(r.stderr).toMatch(/fetch-pack< ACK [0-9a-f]{40} common/);
        else {
          expect(r.stderr).toMatch(/fetch< ACK [0-9a-f]{40}\n.*fetch< ready/);
          expect(r.stderr).toContain('Content-Encoding: gzip');
        }
      }
      // The pack of an incremental fetch holds only what changed: commit, root tree, one blob.
      const body = Buffer.concat([pktLine('command=fetch'), DELIM, pktLine(`want ${expected[0]}`), pktLine(`have ${expected[1]}`), pktLine('done'), FLUSH]);
      const r = await rpc(id, 'git-upload-pack', body, { 'Git-Protocol': 'version=2' }).expect(200);
      const pack = demuxSideband(r.body as Buffer).data;
      expect(pack.subarray(0, 4).toString()).toBe('PACK');
      expect(pack.readUInt32BE(8)).toBe(3);
    });
  });

  describe('push', () => {
    let id: string;
    let work: string;
    beforeAll(async () => {
      await createRepo(t, u.token, 'pushed').expect(200);
      id = `${u.username}/pushed`;
      await commit(t, u.token, id, [header('base'), file('README.md', '# pushed\n')]).expect(200);
      work = await clone(id);
    });

    it('pushes a fast-forward to main: the HF API lists the commit and serves its files', async () => {
      const sha = await commitFile(work, 'new.txt', 'pushed with git\n', 'add new.txt\n\nbody of the commit');
      const r = await runGit(['push', 'origin', 'main'], { cwd: work });
      expect(r.code).toBe(0);
      const commits = await t.http().get(`/api/models/${id}/commits/main`).set('Authorization', `Bearer ${u.token}`).expect(200);
      expect(commits.body[0]).toMatchObject({ id: sha, title: 'add new.txt', message: 'body of the commit' });
      const dl = await t.http().get(`/${id}/resolve/main/new.txt`).set('Authorization', `Bearer ${u.token}`).expect(200);
      expect(dl.text ?? dl.body.toString()).toBe('pushed with git\n');
      const info = await t.http().get(`/api/models/${id}`).set('Authorization', `Bearer ${u.token}`).expect(200);
      expect(info.body.sha).toBe(sha);
      // An HF API commit on top of the pushed one, then fetched back: one history.
      const next = (await commit(t, u.token, id, [header('api on top'), file('api.txt', 'x\n')]).expect(200)).body.commitOid;
      await git(work, 'pull', '-q', '--ff-only');
      expect((await git(work, 'rev-parse', 'HEAD')).trim()).toBe(next);
      expect((await git(work, 'rev-parse', 'HEAD^')).trim()).toBe(sha);
    });

    it('pushes a new branch, tags (lightweight and annotated), then deletes them', async () => {
      await git(work, 'checkout', '-q', '-b', 'feature');
      const sha = await commitFile(work, 'feature.txt', 'feature\n', 'feature work');
      await git(work, 'tag', 'light-1');
      await git(work, 'tag', '-a', 'ann-1', '-m', 'annotated tag');
      const r = await runGit(['push', 'origin', 'feature', 'light-1', 'ann-1'], { cwd: work });
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('* [new branch]      feature -> feature');
      const refs = await apiRefs(id);
      expect(refs.branches.feature).toBe(sha);
      expect(refs.tags['light-1']).toBe(sha);
      expect(refs.tags['ann-1']).toBe(sha);
      expect((await dbRefs(id))['refs/tags/ann-1']).toBe((await git(work, 'rev-parse', 'ann-1')).trim());
      const dl = await t.http().get(`/${id}/resolve/feature/feature.txt`).set('Authorization', `Bearer ${u.token}`).expect(200);
      expect(dl.text).toBe('feature\n');
      const ls = await runGit(['ls-remote', gitUrl(t.baseUrl, id, cred)]);
      expect(ls.stdout).toContain(`${sha}\trefs/tags/ann-1^{}`);

      const del = await runGit(['push', 'origin', ':feature', ':refs/tags/light-1'], { cwd: work });
      expect(del.code).toBe(0);
      const after = await apiRefs(id);
      expect(after.branches.feature).toBeUndefined();
      expect(after.tags['light-1']).toBeUndefined();
      // The default branch cannot be deleted.
      const main = await runGit(['push', 'origin', ':main'], { cwd: work });
      expect(main.code).not.toBe(0);
      expect(main.stderr).toMatch(/deletion of the default branch is prohibited/);
      expect((await apiRefs(id)).branches.main).toBeDefined();
      await git(work, 'checkout', '-q', 'main');
    });

    it('refuses a non-fast-forward (client side), accepts a forced push', async () => {
      const stale = await clone(id);
      await commitFile(work, 'ff.txt', 'one\n', 'moves main');
      expect((await runGit(['push', 'origin', 'main'], { cwd: work })).code).toBe(0);
      await commitFile(stale, 'diverged.txt', 'two\n', 'diverges');
      const rejected = await runGit(['push', 'origin', 'main'], { cwd: stale });
      expect(rejected.code).not.toBe(0);
      expect(rejected.stderr).toMatch(/\[rejected\]|fetch first|non-fast-forward/);
      const forcedSha = (await git(stale, 'rev-parse', 'HEAD')).trim();
      const forced = await runGit(['push', '--force', 'origin', 'main'], { cwd: stale });
      expect(forced.code).toBe(0);
      expect((await apiCommits(id))[0]).toBe(forcedSha);
      expect((await t.http().get(`/${id}/resolve/main/diverged.txt`).set('Authorization', `Bearer ${u.token}`).expect(200)).text).toBe('two\n');
      await t.http().get(`/${id}/resolve/main/ff.txt`).set('Authorization', `Bearer ${u.token}`).expect(404);
      await git(work, 'fetch', '-q');
      await git(work, 'reset', '-q', '--hard', 'origin/main');
    });

    it('refuses a stale old value server-side (raw request), changing nothing', async () => {
      const before = await dbRefs(id);
      const head = before['refs/heads/main'];
      const wrongOld = 'f'.repeat(40);
      const body = Buffer.concat([pktLine(`${wrongOld} ${head} refs/heads/main\0report-status side-band-64k agent=test`), FLUSH, emptyPack()]);
      const r = await rpc(id, 'git-receive-pack', body).expect(200);
      expect(r.headers['content-type']).toBe('application/x-git-receive-pack-result');
      const report = demuxSideband(r.body as Buffer).data.toString();
      expect(report).toContain('unpack ok');
      expect(report).toContain('ng refs/heads/main stale info');
      // Creating a ref that exists, at the same commit: also stale.
      const create = Buffer.concat([pktLine(`${ZERO} ${head} refs/heads/main\0report-status`), FLUSH, emptyPack()]);
      const r2 = await rpc(id, 'git-receive-pack', create).expect(200);
      expect((r2.body as Buffer).toString()).toContain('ng refs/heads/main stale info');
      // A new branch at an existing commit with an empty pack: fine.
      const branch = Buffer.concat([pktLine(`${ZERO} ${head} refs/heads/raw\0report-status`), FLUSH, emptyPack()]);
      const r3 = await rpc(id, 'git-receive-pack', branch).expect(200);
      expect((r3.body as Buffer).toString()).toContain('ok refs/heads/raw');
      expect(await dbRefs(id)).toEqual({ ...before, 'refs/heads/raw': head });
    });

    it('two concurrent pushes to different branches both land', async () => {
      const a = await clone(id);
      const b = await clone(id);
      await git(a, 'checkout', '-q', '-b', 'left');
      await git(b, 'checkout', '-q', '-b', 'right');
      const shaA = await commitFile(a, 'same.txt', 'shared content\n', 'left');
      const shaB = await commitFile(b, 'same.txt', 'shared content\n', 'right');
      const [ra, rb] = await Promise.all([runGit(['push', 'origin', 'left'], { cwd: a }), runGit(['push', 'origin', 'right'], { cwd: b })]);
      expect([ra.code, rb.code]).toEqual([0, 0]);
      const refs = await apiRefs(id);
      expect(refs.branches.left).toBe(shaA);
      expect(refs.branches.right).toBe(shaB);
      const check = await clone(id, { args: ['--no-checkout'] });
      await git(check, 'fsck', '--full', '--no-dangling');
    });

    it('concurrent pushes of the same new commits to several branches all land (no deadlock recording them)', async () => {
      const dir = await clone(id);
      for (let round = 0; round < 5; round++) {
        for (let i = 0; i < 6; i++) await commitFile(dir, `race-${round}-${i}.txt`, `round ${round}, commit ${i}\n`, `race ${round}.${i}`);
        const head = (await git(dir, 'rev-parse', 'HEAD')).trim();
        const pushes = await Promise.all(['x', 'y', 'z'].map((b) => runGit(['push', '-q', 'origin', `HEAD:refs/heads/race-${b}${round}`], { cwd: dir })));
        expect(pushes.map((p) => [p.code, p.stderr])).toEqual([[0, ''], [0, ''], [0, '']]);
        const refs = await apiRefs(id);
        for (const b of ['x', 'y', 'z']) expect(refs.branches[`race-${b}${round}`]).toBe(head);
      }
    });

    it('refuses a plain git file over the LFS threshold with a message, and keeps the ref', async () => {
      const before = await dbRefs(id);
      await commitFile(work, 'big.bin', noise(2 * THRESHOLD, 'big'), 'too big for git');
      const r = await runGit(['push', 'origin', 'main'], { cwd: work });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('remote: Your push was rejected because it contains files larger than 1 MiB.');
      expect(r.stderr).toContain('big.bin');
      expect(r.stderr).toMatch(/\[remote rejected\] main -> main \(files larger than 1 MiB must be stored with git-lfs\)/);
      expect(await dbRefs(id)).toEqual(before);
      await git(work, 'reset', '-q', '--hard', 'HEAD^');
    });

    it('refuses LFS pointers to objects never uploaded', async () => {
      const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${'a'.repeat(64)}\nsize 123\n`;
      await commitFile(work, 'model.safetensors', pointer, 'pointer without its object');
      const r = await runGit(['push', 'origin', 'main'], { cwd: work });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/LFS object of model.safetensors is missing/);
      await git(work, 'reset', '-q', '--hard', 'HEAD^');
    });

    it('pushes into an empty repository (receive-pack capabilities^{} advertisement)', async () => {
      await createRepo(t, u.token, 'blank').expect(200);
      const blankId = `${u.username}/blank`;
      // Hangar repositories start with a commit: emulate an empty one by deleting its refs.
      await t.db.query(`DELETE FROM git_refs WHERE repo_id = (SELECT id FROM repositories WHERE name = 'blank')`);
      const adv = await t.http().get(`/${blankId}/info/refs?service=git-receive-pack`).set('Authorization', `Bearer ${u.token}`).buffer(true).parse(binary).expect(200);
      expect((adv.body as Buffer).toString('latin1')).toContain(`${ZERO} capabilities^{}\0report-status delete-refs side-band-64k quiet atomic ofs-delta object-format=sha1 agent=hangar/`);
      const v0 = await t.http().get(`/${blankId}/info/refs?service=git-upload-pack`).set('Authorization', `Bearer ${u.token}`).buffer(true).parse(binary).expect(200);
      expect((v0.body as Buffer).toString('latin1')).toBe('001e# service=git-upload-pack\n00000000');
      await clone(blankId, { version: '0' });
      const empty = await clone(blankId);
      expect((await runGit(['log'], { cwd: empty })).code).not.toBe(0);
      await commitFile(empty, 'first.txt', 'first\n', 'first pushed commit');
      const r = await runGit(['push', 'origin', 'HEAD:refs/heads/main'], { cwd: empty });
      expect(r.code).toBe(0);
      expect(await apiCommits(blankId)).toEqual([(await git(empty, 'rev-parse', 'HEAD')).trim()]);
    });
  });

  describe('git-lfs', () => {
    it('pushes an LFS file through the batch API and the pointer through receive-pack; pulls it back', async () => {
      await createRepo(t, u.token, 'lfs-repo').expect(200);
      const id = `${u.username}/lfs-repo`;
      const dir = await clone(id);
      await git(dir, 'lfs', 'install', '--local');
      await git(dir, 'lfs', 'track', '*.bin');
      const content = noise(2 * THRESHOLD, 'lfs');
      writeFileSync(path.join(dir, 'weights.bin'), content);
      await git(dir, 'add', '.gitattributes', 'weights.bin');
      await git(dir, 'commit', '-q', '-m', 'add weights with git-lfs');
      const r = await runGit(['push', 'origin', 'main'], { cwd: dir });
      expect({ code: r.code, stderr: r.code === 0 ? '' : r.stderr }).toEqual({ code: 0, stderr: '' });
      const sha = (await git(dir, 'rev-parse', 'HEAD')).trim();
      expect((await apiCommits(id))[0]).toBe(sha);
      const dl = await t.http().get(`/${id}/resolve/main/weights.bin`).set('Authorization', `Bearer ${u.token}`).buffer(true).parse(binary).redirects(1).expect(200);
      expect(createHash('sha256').update(dl.body as Buffer).digest('hex')).toBe(createHash('sha256').update(content).digest('hex'));
      // A fresh clone gets the pointer through git, the bytes through git-lfs.
      const again = await clone(id, { args: ['--no-checkout'] });
      await git(again, 'lfs', 'install', '--local');
      await git(again, 'checkout', '-q', 'main');
      await git(again, 'lfs', 'pull');
      expect(readFileSync(path.join(again, 'weights.bin')).equals(content)).toBe(true);
    });
  });

  describe('auth', () => {
    let priv: string;
    beforeAll(async () => {
      await createRepo(t, u.token, 'secret', { private: true }).expect(200);
      priv = `${u.username}/secret`;
    });

    it('anonymous on a private or missing repo: 401 with a Basic challenge (git cannot prompt)', async () => {
      for (const p of [priv, `${u.username}/does-not-exist`]) {
        const r = await t.http().get(`/${p}/info/refs?service=git-upload-pack`).expect(401);
        expect(r.headers['www-authenticate']).toBe('Basic realm="Hangar"');
      }
      const r = await runGit(['clone', gitUrl(t.baseUrl, priv), path.join(dirs.make(), 'x')]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/could not read Username|Authentication failed/);
    });

    it('bad token: Authentication failed; another user: not found; the owner: clone works', async () => {
      const bad = await runGit(['clone', gitUrl(t.baseUrl, priv, { user: u.username, token: 'hf_wrong' }), path.join(dirs.make(), 'x')]);
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toMatch(/Authentication failed/);
      const stranger = await runGit(['clone', gitUrl(t.baseUrl, priv, { user: other.username, token: other.token }), path.join(dirs.make(), 'x')]);
      expect(stranger.code).not.toBe(0);
      expect(stranger.stderr).toMatch(/not found/);
      await clone(priv);
      await clone(priv, { cred: { user: u.username, token: readToken } });
    });

    it('push needs a write credential: anonymous is challenged, a read token gets 403; another user is refused per ref', async () => {
      const pub = `${u.username}/history`;
      const anon = await t.http().get(`/${pub}/info/refs?service=git-receive-pack`).expect(401);
      expect(anon.headers['www-authenticate']).toBe('Basic realm="Hangar"');
      await t.http().get(`/${pub}/info/refs?service=git-upload-pack`).expect(200);
      await t.http().get(`/${pub}/info/refs?service=git-receive-pack`).set('Authorization', `Bearer ${readToken}`).expect(403);
      // Anyone who may read may push to the refs/pr/N of a pull request they opened, so another
      // user gets the advertisement and then a refusal per ref (see discussions.e2e.spec.ts).
      await t.http().get(`/${pub}/info/refs?service=git-receive-pack`).set('Authorization', `Bearer ${other.token}`).expect(200);
      await t.http().post(`/${pub}/git-receive-pack`).set('Content-Type', 'application/x-git-receive-pack-request').send(Buffer.from('0000')).expect(401);
      const dir = await clone(pub, { cred: { user: u.username, token: readToken } });
      await commitFile(dir, 'x.txt', 'x\n', 'read token tries to push');
      const r = await runGit(['push', 'origin', 'main'], { cwd: dir });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/403/);
      const before = await git(dir, 'ls-remote', 'origin');
      const byOther = await runGit(['push', gitUrl(t.baseUrl, pub, { user: other.username, token: other.token }), 'HEAD:refs/heads/main'], { cwd: dir });
      expect(byOther.code).not.toBe(0);
      expect(byOther.stderr).toContain('[remote rejected] HEAD -> main (you cannot write to');
      expect(await git(dir, 'ls-remote', 'origin')).toBe(before);
    });
  });

  describe('malformed requests change nothing', () => {
    let id: string;
    let before: Record<string, string>;
    beforeAll(async () => {
      id = `${u.username}/history`;
      before = await dbRefs(id);
    });
    afterAll(async () => {
      expect(await dbRefs(id)).toEqual(before);
    });

    it('no dumb protocol, wrong content types, bad pkt-lines', async () => {
      await t.http().get(`/${id}/info/refs`).set('Authorization', `Bearer ${u.token}`).expect(403);
      await t.http().get(`/${id}/info/refs?service=git-annex`).set('Authorization', `Bearer ${u.token}`).expect(403);
      await t.http().post(`/${id}/git-upload-pack`).set('Authorization', `Bearer ${u.token}`).set('Content-Type', 'application/json').send('{}').expect(415);
      await rpc(id, 'git-upload-pack', Buffer.from('zzzzwant nothing')).expect(400);
      await rpc(id, 'git-upload-pack', Buffer.from('ffff0000')).expect(400);
      await rpc(id, 'git-upload-pack', Buffer.concat([pktLine('want nope'), FLUSH])).expect(400);
      await rpc(id, 'git-upload-pack', Buffer.from('not gzip at all'), { 'Content-Encoding': 'gzip' }).expect(400);
      await rpc(id, 'git-receive-pack', Buffer.from('0003')).expect(400);
      await rpc(id, 'git-receive-pack', Buffer.concat([pktLine('garbage command'), FLUSH])).expect(400);
      await rpc(id, 'git-receive-pack', Buffer.from('00ff0000')).expect(400);
      // An unknown want: an ERR packet, not a crash.
      const unknown = await rpc(id, 'git-upload-pack', Buffer.concat([pktLine(`want ${'1'.repeat(40)} side-band-64k`), FLUSH, pktLine('done')])).expect(200);
      expect((unknown.body as Buffer).toString()).toContain(`ERR upload-pack: not our ref ${'1'.repeat(40)}`);
    });

    it('the push probe gets an empty 200; a corrupt or truncated pack is "unpack error"', async () => {
      const probe = await rpc(id, 'git-receive-pack', Buffer.from('0000')).expect(200);
      expect(probe.headers['content-type']).toBe('application/x-git-receive-pack-result');
      expect((probe.body as Buffer).length).toBe(0);
      const head = before['refs/heads/main'];
      const target = before['refs/heads/dev'];
      const command = pktLine(`${head} ${target} refs/heads/main\0report-status side-band-64k quiet`);
      const bodies = [
        Buffer.concat([command, FLUSH, Buffer.from('PACK\0\0\0\x02\0\0\0\x01garbage that is not zlib at all, trailing')]),
        Buffer.concat([command, FLUSH, emptyPack().subarray(0, 20)]),
        Buffer.concat([command, FLUSH, randomBytes(300)]),
        Buffer.concat([command, FLUSH]),
      ];
      for (const body of bodies) {
        const r = await rpc(id, 'git-receive-pack', body).expect(200);
        const report = demuxSideband(r.body as Buffer).data.toString();
        expect(report).toMatch(/^[0-9a-f]{4}unpack error /);
        expect(report).toContain('ng refs/heads/main unpacker error');
      }
      // A pack whose commit points at a tree nobody has: refused before any ref moves.
      const tree = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
      const body = `tree ${tree}\nparent ${head}\nauthor A <a@x> 1 +0000\ncommitter A <a@x> 1 +0000\n\nx\n`;
      const entry = Buffer.concat([encodePackEntryHeader(1, Buffer.byteLength(body)), deflateSync(Buffer.from(body))]);
      const packNoSha = Buffer.concat([encodePackHeader(1), entry]);
      const pack = Buffer.concat([packNoSha, createHash('sha1').update(packNoSha).digest()]);
      const oid = createHash('sha1').update(`commit ${Buffer.byteLength(body)}\0${body}`).digest('hex');
      const r = await rpc(id, 'git-receive-pack', Buffer.concat([pktLine(`${head} ${oid} refs/heads/main\0report-status`), FLUSH, pack])).expect(200);
      expect((r.body as Buffer).toString()).toContain('ng refs/heads/main missing necessary objects');
    });

    it('refuses hostile packs with "unpack error": bad trailer, bad deltas, missing bases, a base from another repository, lying sizes; then serves the next request', async () => {
      const head = before['refs/heads/main'];
      const command = pktLine(`${head} ${before['refs/heads/dev']} refs/heads/main\0report-status side-band-64k quiet`);
      const packOf = (...entries: Buffer[]) => {
        const body = Buffer.concat([encodePackHeader(entries.length), ...entries]);
        return Buffer.concat([body, createHash('sha1').update(body).digest()]);
      };
      const whole = (type: number, body: Buffer, declared = body.length) => Buffer.concat([encodePackEntryHeader(type, declared), deflateSync(body)]);
      const refDelta = (base: string, delta: Buffer, declared = delta.length) => Buffer.concat([encodePackEntryHeader(7, declared), Buffer.from(base, 'hex'), deflateSync(delta)]);
      const ofsDelta = (distance: number, delta: Buffer) => Buffer.concat([encodePackEntryHeader(6, delta.length), Buffer.from([distance]), deflateSync(delta)]);
      const blob = Buffer.from('a blob to build on\n');
      const blobOid = createHash('sha1').update(`blob ${blob.length}\0`).update(blob).digest('hex');
      // Delta instructions: source size, target size, then "copy 5 bytes at 0".
      const copy5 = (sourceSize: number) => Buffer.from([sourceSize, 5, 0x90, 5]);

      // An object only another user's repository has: a thin-pack base must come from this repository.
      const foreign = Buffer.from(`only in another repository ${randomBytes(8).toString('hex')}\n`);
      await createRepo(t, other.token, 'elsewhere').expect(200);
      await commit(t, other.token, `${other.username}/elsewhere`, [header('foreign'), file('foreign.txt', foreign)]).expect(200);
      const foreignOid = createHash('sha1').update(`blob ${foreign.length}\0`).update(foreign).digest('hex');

      const goodPack = packOf(whole(3, blob));
      const badTrailer = Buffer.from(goodPack);
      badTrailer[badTrailer.length - 1] ^= 0xff;
      const wholeEntry = whole(3, blob);
      const cases: [string, Buffer, string][] = [
        ['bad trailer', badTrailer, 'checksum mismatch'],
        ['delta copying outside its base', packOf(wholeEntry, ofsDelta(wholeEntry.length, Buffer.from([blob.length, 5, 0x91, 200, 5]))), 'copies 5 bytes at 200'],
        ['delta with the reserved opcode 0', packOf(wholeEntry, ofsDelta(wholeEntry.length, Buffer.from([blob.length, 1, 0]))), 'opcode 0 is reserved'],
        ['delta whose source size is not its base', packOf(wholeEntry, ofsDelta(wholeEntry.length, copy5(blob.length + 1))), 'does not match base size'],
        ['OFS_DELTA pointing before the pack', packOf(ofsDelta(100, copy5(blob.length))), 'outside the pack'],
        ['REF_DELTA on a base nobody has', packOf(refDelta('e'.repeat(40), copy5(blob.length))), 'neither in the pack nor known'],
        ['REF_DELTA on a base of another repository', packOf(refDelta(foreignOid, copy5(foreign.length))), `base ${foreignOid} is neither in the pack nor known`],
        ['whole object larger than declared', packOf(whole(3, blob, blob.length - 1)), `declares ${blob.length - 1} bytes`],
        ['whole object smaller than declared', packOf(whole(3, blob, blob.length + 1)), `declares ${blob.length + 1} bytes but inflates to ${blob.length}`],
        ['delta smaller than declared', packOf(wholeEntry, refDelta(blobOid, copy5(blob.length), 9)), 'declares 9 bytes but inflates to 4'],
        ['object count larger than the entries', Buffer.concat([encodePackHeader(2), wholeEntry]), 'truncated'],
      ];
      for (const [what, pack, why] of cases) {
        const r = await rpc(id, 'git-receive-pack', Buffer.concat([command, FLUSH, pack])).expect(200);
        const report = demuxSideband(r.body as Buffer).data.toString();
        const unpack = report.split('\n')[0];
        expect({ what, unpack: /^[0-9a-f]{4}unpack error /.test(unpack), why: unpack.includes(why) ? true : unpack }).toEqual({ what, unpack: true, why: true });
        expect(report).toContain('ng refs/heads/main unpacker error');
      }
      // The pack-line layer: non-hex and oversized lengths, and an unknown v2 command, are 400s.
      await rpc(id, 'git-receive-pack', Buffer.from('zzzz0000')).expect(400);
      await rpc(id, 'git-receive-pack', Buffer.concat([Buffer.from('fff5'), Buffer.alloc(65521, 0x61), FLUSH])).expect(400);
      await rpc(id, 'git-upload-pack', Buffer.concat([pktLine('command=frobnicate'), FLUSH]), { 'Git-Protocol': 'version=2' }).expect(400);
      // And the next request is served as usual.
      const ls = await runGit(['ls-remote', gitUrl(t.baseUrl, id, cred)]);
      expect(ls.code).toBe(0);
      expect(ls.stdout).toContain(`${head}\trefs/heads/main`);
    });

    it('gzip request bodies are inflated (v2 ls-refs)', async () => {
      const body = Buffer.concat([pktLine('command=ls-refs'), pktLine('object-format=sha1'), DELIM, pktLine('peel'), pktLine('symrefs'), pktLine('ref-prefix HEAD'), pktLine('ref-prefix refs/tags/'), FLUSH]);
      const r = await rpc(id, 'git-upload-pack', gzipSync(body), { 'Content-Encoding': 'gzip', 'Git-Protocol': 'version=2' }).expect(200);
      const text = (r.body as Buffer).toString();
      expect(text).toMatch(/[0-9a-f]{40} refs\/tags\/v1 peeled:[0-9a-f]{40}\n/);
      expect(text).toMatch(/[0-9a-f]{40} HEAD symref-target:refs\/heads\/main\n/);
      expect(text.endsWith('0000')).toBe(true);
    });
  });
});

function binary(res: request.Response, cb: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}
