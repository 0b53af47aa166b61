import * as path from 'node:path';
import { createUserWithToken, TestUser } from '../support/accounts';
import { git, gitUrl, runGit, scratchDirs } from '../support/git-cli';
import { expectHfError } from '../support/hf-error';
import { commit, createRepo, file, header } from '../support/repos';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Hostile names and objects (issue 22 items 2 and 3): `git push` gets git's own fsck refusal
 * (receive.fsckObjects=true) and moves no ref; the HF API refuses the same names (and NFC/NFD
 * twins, paths that are not well-formed Unicode); afterwards the repository still passes
 * `git fsck --full --strict` and clones with `transfer.fsckObjects=true`.
 */

const entry = (mode: string, name: string | Buffer, oid: string) =>
  Buffer.concat([Buffer.from(`${mode} `), typeof name === 'string' ? Buffer.from(name, 'utf8') : name, Buffer.from([0]), Buffer.from(oid, 'hex')]);

describe('integrity of what a repository receives', () => {
  let t: TestApp;
  let u: TestUser;
  let id: string;
  let work: string;
  let base: string;
  const dirs = scratchDirs();

  beforeAll(async () => {
    t = await startTestApp();
    u = await createUserWithToken(t);
    await createRepo(t, u.token, 'hostile').expect(200);
    id = `${u.username}/hostile`;
    await commit(t, u.token, id, [header('base'), file('README.md', '# base\n'), file('dir/a.txt', 'a\n')]).expect(200);
    work = path.join(dirs.make(), 'work');
    await git(dirs.make(), 'clone', '-q', gitUrl(t.baseUrl, id, { user: u.username, token: u.token }), work);
    base = (await git(work, 'rev-parse', 'HEAD')).trim();
  });

  afterAll(async () => {
    dirs.cleanup();
    await t.close();
  });

  async function writeObject(type: string, body: Buffer): Promise<string> {
    const r = await runGit(['hash-object', '-t', type, '--literally', '-w', '--stdin'], { cwd: work, input: body });
    if (r.code !== 0) throw new Error(r.stderr);
    return r.stdout.trim();
  }

  /** A commit on `base` whose root tree is `base`'s entries plus `extra` (sorted unless told not to). */
  async function hostileCommit(extra: Buffer[], opts: { keepOrder?: boolean } = {}): Promise<string> {
    const baseTree = (await git(work, 'rev-parse', `${base}^{tree}`)).trim();
    const lines = (await git(work, 'ls-tree', baseTree)).trim().split('\n');
    const own = lines.map((l) => {
      const [meta, name] = l.split('\t');
      const [mode, , oid] = meta.split(' ');
      return entry(mode === '040000' ? '40000' : mode, name, oid);
    });
    const nameOf = (e: Buffer) => e.subarray(e.indexOf(0x20) + 1, e.indexOf(0));
    const all = opts.keepOrder ? [...own, ...extra] : [...own, ...extra].sort((a, b) => Buffer.compare(nameOf(a), nameOf(b)));
    const tree = await writeObject('tree', Buffer.concat(all));
    return (await git(work, 'commit-tree', tree, '-p', base, '-m', 'hostile')).trim();
  }

  async function mainRef(): Promise<string> {
    const { rows } = await t.db.query(
      `SELECT g.oid FROM git_refs g JOIN repositories r ON r.id = g.repo_id JOIN namespaces n ON n.id = r.namespace_id WHERE n.name = $1 AND r.name = 'hostile' AND g.name = 'refs/heads/main'`,
      [u.username],
    );
    return rows[0].oid;
  }

  describe('git push is checked as receive.fsckObjects=true does', () => {
    let blob: string;
    let subtree: string;
    beforeAll(async () => {
      blob = await writeObject('blob', Buffer.from('[core]\n\tbare = false\n'));
      subtree = await writeObject('tree', entry('100644', 'config', blob));
    });

    const hostile: [string, (b: string, s: string) => Buffer[], string, { keepOrder?: boolean }][] = [
      ['.git folder', (b, s) => [entry('40000', '.git', s)], 'hasDotgit', {}],
      ['.GIT (any case)', (b, s) => [entry('40000', '.GIT', s)], 'hasDotgit', {}],
      ['.git with an HFS-ignored code point', (b) => [entry('100644', '.g\u200cit', b)], 'hasDotgit', {}],
      ['NTFS short name git~1', (b, s) => [entry('40000', 'GIT~1', s)], 'hasDotgit', {}],
      ['NTFS trailing dot and space', (b, s) => [entry('40000', '.git. ', s)], 'hasDotgit', {}],
      ['..', (b, s) => [entry('40000', '..', s)], 'hasDotdot', {}],
      ['.', (b) => [entry('100644', '.', b)], 'hasDot', {}],
      ['a name with a slash', (b) => [entry('100644', 'x/../../y', b)], 'fullPathname', {}],
      ['duplicate entries', (b) => [entry('100644', 'twice', b), entry('100644', 'twice', b)], 'duplicateEntries', {}],
      ['an unsorted tree', (b) => [entry('100644', 'zz', b), entry('100644', 'aa', b)], 'treeNotSorted', { keepOrder: true }],
      ['a zero-padded mode', (b, s) => [entry('040000', 'sub', s)], 'zeroPaddedFilemode', {}],
      ['mode 100664', (b) => [entry('100664', 'g.txt', b)], 'badFilemode', {}],
      ['a .gitmodules symlink', (b) => [entry('120000', '.gitmodules', b)], 'gitmodulesSymlink', {}],
    ];

    it.each(hostile)('refuses %s, names the rule, moves no ref', async (_label, make, rule, opts) => {
      const c = await hostileCommit(make(blob, subtree), opts);
      const r = await runGit(['push', 'origin', `${c}:refs/heads/main`], { cwd: work });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(rule);
      expect(r.stderr).toMatch(/unpacker error|unpack failed/);
      expect(await mainRef()).toBe(base);
    });

    it.each([
      ['an option-like url', '[submodule "x"]\n\tpath = x\n\turl = --upload-pack=touch /tmp/pwned\n', 'gitmodulesUrl'],
      ['an option-like path', '[submodule "x"]\n\tpath = -x\n\turl = https://example.com/x\n', 'gitmodulesPath'],
      ['a name that climbs out', '[submodule "../../hooks"]\n\tpath = x\n\turl = https://example.com/x\n', 'gitmodulesName'],
    ])('refuses a .gitmodules with %s', async (_label, content, rule) => {
      const modules = await writeObject('blob', Buffer.from(content));
      const c = await hostileCommit([entry('100644', '.gitmodules', modules)]);
      const r = await runGit(['push', 'origin', `${c}:refs/heads/main`], { cwd: work });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(rule);
      expect(await mainRef()).toBe(base);
    });

    it('still takes a clean push, names that are not UTF-8 included', async () => {
      const c = await hostileCommit([entry('100644', Buffer.from([0x6c, 0x61, 0x74, 0x69, 0x6e, 0xe9]), blob), entry('100644', 'fine.txt', blob)]);
      const r = await runGit(['push', 'origin', `${c}:refs/heads/main`], { cwd: work });
      expect(r.stderr).not.toMatch(/error/);
      expect(r.code).toBe(0);
      expect(await mainRef()).toBe(c);
      base = c;
    });
  });

  describe('the HF API builds trees by the same rules', () => {
    it.each(['.GIT/config', '.git\u200c/config', 'GIT~1/config', '.git. /config', 'sub/.Git', 'sub/git~1'])('refuses the path %j', async (p) => {
      const before = await mainRef();
      expectHfError(await commit(t, u.token, id, [header('hostile'), file(p, 'x')]), 400, 'InvalidPath');
      expect(await mainRef()).toBe(before);
    });

    it('refuses a name that differs from an existing one only by Unicode normalization', async () => {
      await commit(t, u.token, id, [header('nfc'), file('caf\u00e9.txt', 'nfc')]).expect(200);
      const before = await mainRef();
      expectHfError(await commit(t, u.token, id, [header('nfd'), file('cafe\u0301.txt', 'nfd')]), 409, 'PathConflict');
      expectHfError(await commit(t, u.token, id, [header('nfd in one commit'), file('x\u00e9/a', '1'), file('xe\u0301/a', '2')]), 409, 'PathConflict');
      expect(await mainRef()).toBe(before);
      // The same bytes again are an update, not a twin.
      await commit(t, u.token, id, [header('nfc again'), file('caf\u00e9.txt', 'nfc 2')]).expect(200);
    });

    it('refuses paths with lone surrogates and lines that are not UTF-8 (400 InvalidCommitPayload), changing nothing', async () => {
      const before = await mainRef();
      const head = JSON.stringify(header('surrogates'));
      for (const lone of ['\\ud800.txt', '\\udc00.txt', 'a\\ud800b/c.txt']) {
        const line = `{"key":"file","value":{"path":"${lone}","content":"eA==","encoding":"base64"}}`;
        expectHfError(await commit(t, u.token, id, `${head}\n${line}\n`), 400, 'InvalidCommitPayload');
      }
      // A well-formed pair is fine.
      await commit(t, u.token, id, [header('pair'), file('\ud83d\ude00.txt', 'smile')]).expect(200);
      const afterPair = await mainRef();
      expect(afterPair).not.toBe(before);
      const raw = Buffer.concat([Buffer.from(`${head}\n{"key":"file","value":{"path":"bad`), Buffer.from([0xff, 0xfe]), Buffer.from(`.txt","content":"eA==","encoding":"base64"}}\n`)]);
      const r = await t.http().post(`/api/models/${id}/commit/main`).set('Authorization', `Bearer ${u.token}`).set('Content-Type', 'application/x-ndjson').send(raw);
      expectHfError(r, 400, 'InvalidCommitPayload');
      expect(await mainRef()).toBe(afterPair);
    });

    it('refuses a .gitmodules that git would refuse', async () => {
      const before = await mainRef();
      const bad = '[submodule "x"]\n\tpath = x\n\turl = --upload-pack=touch /tmp/pwned\n';
      expectHfError(await commit(t, u.token, id, [header('modules'), file('.gitmodules', bad)]), 400, 'InvalidGitmodules');
      // Nor by copying a file with that content to .gitmodules.
      await commit(t, u.token, id, [header('innocent'), file('notes.txt', bad)]).expect(200);
      const mid = await mainRef();
      expectHfError(await commit(t, u.token, id, [header('copy'), { key: 'copyFile', value: { srcPath: 'notes.txt', path: '.gitmodules' } }]), 400, 'InvalidGitmodules');
      expect(await mainRef()).toBe(mid);
      expect(mid).not.toBe(before);
    });
  });

  it('the repository passes git fsck --full --strict and clones with transfer.fsckObjects=true', async () => {
    const dir = path.join(dirs.make(), 'strict');
    const r = await runGit(['-c', 'transfer.fsckObjects=true', 'clone', gitUrl(t.baseUrl, id, { user: u.username, token: u.token }), dir]);
    expect(r.stderr).not.toMatch(/error|fatal/);
    expect(r.code).toBe(0);
    const fsck = await runGit(['fsck', '--full', '--strict'], { cwd: dir });
    expect(fsck.stderr + fsck.stdout).not.toMatch(/error|warning/);
    expect(fsck.code).toBe(0);
    // Every hostile push was refused and every HF commit above landed (fetched with its objects).
    expect((await git(dir, 'log', '--format=%s')).split('\n')).toEqual(expect.arrayContaining(['innocent', 'pair', 'nfc again', 'hostile']));
    const tree = await t.http().get(`/api/models/${id}/tree/main?recursive=true`).set('Authorization', `Bearer ${u.token}`).expect(200);
    const paths = (tree.body as { path: string }[]).map((e) => e.path);
    expect(paths.filter((p) => /(^|\/)(\.\.|\.git)(\/|$)/i.test(p))).toEqual([]);
  });
});
