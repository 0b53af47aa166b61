import { createHash, randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { binaryBody } from '../support/binary-body';
import { DataSource } from 'typeorm';
import type { PathOperation } from '../../src/git/engine/engine.types';
import { VersionEngine } from '../../src/git/engine/version-engine.service';
import { createUserWithToken, TestUser, uniqueName } from '../support/accounts';
import { expectHfError } from '../support/hf-error';
import { startTestApp, TestApp } from '../support/test-app';

/** git's blob id of some content (what tree entries, paths-info and ETag carry). */
const blobOid = (content: Buffer | string) => {
  const body = Buffer.isBuffer(content) ? content : Buffer.from(content);
  return createHash('sha1').update(`blob ${body.length}\0`).update(body).digest('hex');
};

/** Reads any answer as raw bytes (supertest would otherwise parse JSON / drop octet-streams). */
const binary = binaryBody;

/** The path and query of a `Link: <url>; rel="next"` header (its base is the configured URL). */
const nextLink = (res: Response): string | null => {
  const m = /^<([^>]+)>; rel="next"$/.exec(res.headers.link ?? '');
  if (!m) return null;
  const url = new URL(m[1]);
  return url.pathname + url.search;
};

describe('browsing and downloading repositories: tree, paths-info, refs, commits, branches, tags, resolve', () => {
  let t: TestApp;
  let engine: VersionEngine;
  let alice: TestUser;
  let bob: TestUser;
  let aliceRead: string;
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  const MODEL = uniqueName('model');
  let m: string; // `alice/<model>`
  let repoId: number;
  const commits: string[] = []; // oldest first
  let prCommit: string;
  const README_V1 = '# hello\n';
  const README_V2 = '# hello v2\n';
  const CONFIG = '{"hidden_size": 8}\n';
  const WEIGHTS = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
  // Incompressible and over the inline limit: its body lives in the object store.
  const BIG = randomBytes(400 * 1024);

  async function seedRepo(type: 'model' | 'dataset' | 'space', owner: string, name: string, isPrivate: boolean, files: Record<string, string | Buffer>): Promise<{ id: number; commit: string }> {
    const ns = (await t.db.query(`SELECT id FROM namespaces WHERE name = $1`, [owner])).rows[0].id;
    const { rows } = await t.db.query(
      `INSERT INTO repositories (type, namespace_id, name, private, created_by) VALUES ($1, $2, $3, $4, $2) RETURNING id`,
      [type, ns, name, isPrivate],
    );
    const id = Number(rows[0].id);
    const commit = await t.app.get(DataSource).transaction((tx) =>
      engine.initRepository(tx, id, 'main', { name: owner, email: `${owner}@example.com` }, 'initial commit\n', Object.entries(files).map(([path, c]) => ({ path, content: Buffer.isBuffer(c) ? c : Buffer.from(c) }))),
    );
    return { id, commit };
  }

  async function commit(id: number, operations: PathOperation[], summary: string, extra: { description?: string; createPr?: boolean; revision?: string } = {}) {
    return engine.commit({ repoId: id, revision: extra.revision ?? 'main', operations, summary, description: extra.description, author: { name: alice.username, email: 'alice@example.com' }, createPr: extra.createPr });
  }

  const put = (path: string, content: string | Buffer): PathOperation => ({ kind: 'put', path, content: Buffer.isBuffer(content) ? content : Buffer.from(content) });

  beforeAll(async () => {
    t = await startTestApp();
    engine = t.app.get(VersionEngine);
    alice = await createUserWithToken(t);
    bob = await createUserWithToken(t);
    const login = await t.http().post('/api/auth/login').send({ username: alice.username, password: alice.password }).expect(200);
    aliceRead = (await t.http().post('/api/auth/tokens/create').set('Cookie', login.headers['set-cookie']).send({ name: 'read', role: 'read' }).expect(200)).body.token;

    m = `${alice.username}/${MODEL}`;
    const seeded = await seedRepo('model', alice.username, MODEL, false, { 'README.md': README_V1, 'config.json': CONFIG });
    repoId = seeded.id;
    commits.push(seeded.commit);
    commits.push((await commit(repoId, [put('weights/model.bin', WEIGHTS), put('weights/sub/deep.txt', 'deep\n'), put('big.bin', BIG)], 'Add weights')).commitOid);
    commits.push((await commit(repoId, Array.from({ length: 25 }, (_, i) => put(`many/f${String(i).padStart(2, '0')}.txt`, `file ${i}\n`)), 'Add many files')).commitOid);
    commits.push((await commit(repoId, [put('README.md', README_V2)], 'Update README', { description: 'More details\n\nsecond paragraph' })).commitOid);
    const pr = await commit(repoId, [put('pr.txt', 'from a pr\n')], 'Proposal', { createPr: true });
    expect(pr.ref).toBe('refs/pr/1');
    prCommit = pr.commitOid;
  });
  afterAll(() => t.close());

  describe('tree', () => {
    it('lists the root folder of a revision with git ids and sizes', async () => {
      const res = await t.http().get(`/api/models/${m}/tree/main`).expect(200);
      expect(res.headers.link).toBeUndefined();
      const byPath = Object.fromEntries(res.body.map((e: { path: string }) => [e.path, e]));
      expect(Object.keys(byPath).sort()).toEqual(['README.md', 'big.bin', 'config.json', 'many', 'weights']);
      expect(byPath['README.md']).toEqual({ type: 'file', oid: blobOid(README_V2), size: Buffer.byteLength(README_V2), path: 'README.md' });
      expect(byPath['big.bin']).toEqual({ type: 'file', oid: blobOid(BIG), size: BIG.length, path: 'big.bin' });
      expect(byPath.weights).toEqual({ type: 'directory', oid: expect.stringMatching(/^[0-9a-f]{40}$/), size: 0, path: 'weights' });
      // Another revision, another answer.
      const old = await t.http().get(`/api/models/${m}/tree/${commits[0]}`).expect(200);
      expect(old.body.map((e: { path: string }) => e.path).sort()).toEqual(['README.md', 'config.json']);
      expect(old.body.find((e: { path: string }) => e.path === 'README.md').oid).toBe(blobOid(README_V1));
    });

    it('lists nested folders (slashes plain or encoded, as huggingface_hub sends them) and recursively', async () => {
      const weights = await t.http().get(`/api/models/${m}/tree/main/weights`).expect(200);
      expect(weights.body).toEqual([
        { type: 'file', oid: blobOid(WEIGHTS), size: 1000, path: 'weights/model.bin' },
        { type: 'directory', oid: expect.stringMatching(/^[0-9a-f]{40}$/), size: 0, path: 'weights/sub' },
      ]);
      for (const url of [`/api/models/${m}/tree/main/weights/sub`, `/api/models/${m}/tree/main/weights%2Fsub`]) {
        const sub = await t.http().get(url).expect(200);
        expect(sub.body).toEqual([{ type: 'file', oid: blobOid('deep\n'), size: 5, path: 'weights/sub/deep.txt' }]);
      }
      for (const flag of ['true', 'True', '1']) {
        const all = await t.http().get(`/api/models/${m}/tree/main?recursive=${flag}`).expect(200);
        const paths = all.body.map((e: { path: string }) => e.path);
        expect(paths).toHaveLength(5 + 25 + 3);
        expect(paths).toEqual(expect.arrayContaining(['weights/sub', 'weights/sub/deep.txt', 'many/f00.txt', 'many/f24.txt']));
      }
      const deep = await t.http().get(`/api/models/${m}/tree/main/weights?recursive=true`).expect(200);
      expect(deep.body.map((e: { path: string }) => e.path)).toEqual(['weights/model.bin', 'weights/sub', 'weights/sub/deep.txt']);
    });

    it('answers EntryNotFound for a file or a missing folder, RevisionNotFound for an unknown revision, ValidationError for bad queries', async () => {
      expectHfError(await t.http().get(`/api/models/${m}/tree/main/README.md`), 404, 'EntryNotFound');
      expectHfError(await t.http().get(`/api/models/${m}/tree/main/nope`), 404, 'EntryNotFound');
      expectHfError(await t.http().get(`/api/models/${m}/tree/main/weights/nope/deeper`), 404, 'EntryNotFound');
      expectHfError(await t.http().get(`/api/models/${m}/tree/no-such-branch`), 404, 'RevisionNotFound');
      expectHfError(await t.http().get(`/api/models/${m}/tree/${'0'.repeat(40)}`), 404, 'RevisionNotFound');
      expectHfError(await t.http().get(`/api/models/${alice.username}/no-such-repo/tree/main`).set(as(alice.token)), 404, 'RepoNotFound');
      expectHfError(await t.http().get(`/api/models/${alice.username}/no-such-repo/tree/main`), 401, 'RepoNotFound');
      expectHfError(await t.http().get(`/api/models/${m}/tree/main?recursive=maybe`), 400, 'ValidationError');
      expectHfError(await t.http().get(`/api/models/${m}/tree/main?limit=0`), 400, 'ValidationError');
      expectHfError(await t.http().get(`/api/models/${m}/tree/main?limit=10001`), 400, 'ValidationError');
      expectHfError(await t.http().get(`/api/models/${m}/tree/main?limit=ten`), 400, 'ValidationError');
      expectHfError(await t.http().get(`/api/models/${m}/tree/main?cursor=garbage`), 400, 'ValidationError');
      // Unknown query keys are ignored on HF routes (the clients add new ones over time).
      await t.http().get(`/api/models/${m}/tree/main?unknown=1`).expect(200);
    });

    it('expands entries with their last commit and scan status', async () => {
      const res = await t.http().get(`/api/models/${m}/tree/main?expand=true`).expect(200);
      const byPath = Object.fromEntries(res.body.map((e: { path: string }) => [e.path, e]));
      expect(byPath['README.md'].lastCommit).toEqual({ id: commits[3], title: 'Update README', date: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
      expect(byPath['README.md'].securityFileStatus).toEqual({ status: 'unscanned', avScan: null, pickleImportScan: null });
      expect(byPath['config.json'].lastCommit.id).toBe(commits[0]);
      expect(byPath['config.json'].lastCommit.title).toBe('initial commit');
      expect(byPath.weights.lastCommit.id).toBe(commits[1]);
      expect(byPath.weights.securityFileStatus).toBeUndefined();
      expect(byPath.many.lastCommit.id).toBe(commits[2]);
    });

    it('pages with an opaque cursor in the Link header, keeping the other parameters', async () => {
      const seen: string[] = [];
      let url: string | null = `/api/models/${m}/tree/main/many?limit=10`;
      let pages = 0;
      while (url) {
        const res = await t.http().get(url).expect(200);
        pages += 1;
        seen.push(...res.body.map((e: { path: string }) => e.path));
        url = nextLink(res);
        if (url) expect(url).toMatch(/limit=10/);
      }
      expect(pages).toBe(3);
      expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `many/f${String(i).padStart(2, '0')}.txt`));
      // With expand the default page is 50; a recursive listing of 33 entries fits one page.
      const expanded = await t.http().get(`/api/models/${m}/tree/main?recursive=true&expand=true&limit=20`).expect(200);
      expect(expanded.body).toHaveLength(20);
      const rest = await t.http().get(nextLink(expanded)!).expect(200);
      expect(rest.body).toHaveLength(13);
      expect(rest.body[0].lastCommit).toBeDefined();
      expect(nextLink(rest)).toBeNull();
    });

    it('pages through any listing at any page size to exactly the whole listing, in order', async () => {
      for (const [folder, recursive] of [['', true], ['', false], ['weights', true], ['many', false]] as const) {
        const base = `/api/models/${m}/tree/main${folder ? `/${folder}` : ''}?recursive=${recursive}`;
        const whole = (await t.http().get(base).expect(200)).body;
        expect(whole.length).toBeGreaterThan(2);
        for (const limit of [1, 2, 7, whole.length - 1, whole.length]) {
          const seen: unknown[] = [];
          let url: string | null = `${base}&limit=${limit}`;
          while (url) {
            const res = await t.http().get(url).expect(200);
            expect(res.body.length).toBeLessThanOrEqual(limit);
            seen.push(...res.body);
            url = nextLink(res);
          }
          expect([folder, recursive, limit, seen]).toEqual([folder, recursive, limit, whole]);
        }
      }
    });

    it('refuses a cursor that points outside the folder listed', async () => {
      const first = await t.http().get(`/api/models/${m}/tree/main?recursive=true&limit=1`).expect(200);
      const cursor = new URL(nextLink(first)!, 'http://x').searchParams.get('cursor');
      expectHfError(await t.http().get(`/api/models/${m}/tree/main/weights?cursor=${cursor}`), 400, 'ValidationError');
    });
  });

  describe('paths-info', () => {
    it('answers the paths that exist, from JSON', async () => {
      const res = await t
        .http()
        .post(`/api/models/${m}/paths-info/main`)
        .send({ paths: ['README.md', 'weights', 'nope.txt', 'weights/sub/deep.txt', '../etc/passwd'] })
        .expect(200);
      expect(res.body).toEqual([
        { type: 'file', oid: blobOid(README_V2), size: Buffer.byteLength(README_V2), path: 'README.md' },
        { type: 'directory', oid: expect.stringMatching(/^[0-9a-f]{40}$/), size: 0, path: 'weights' },
        { type: 'file', oid: blobOid('deep\n'), size: 5, path: 'weights/sub/deep.txt' },
      ]);
    });

    it('takes the form data huggingface_hub sends (one or many paths, expand as a string)', async () => {
      const many = await t.http().post(`/api/models/${m}/paths-info/main`).type('form').send('paths=README.md&paths=config.json&expand=true').expect(200);
      expect(many.body.map((e: { path: string }) => e.path)).toEqual(['README.md', 'config.json']);
      expect(many.body[0].lastCommit.id).toBe(commits[3]);
      expect(many.body[1].lastCommit.id).toBe(commits[0]);
      const one = await t.http().post(`/api/models/${m}/paths-info/${commits[0]}`).type('form').send('paths=README.md&expand=False').expect(200);
      expect(one.body).toEqual([{ type: 'file', oid: blobOid(README_V1), size: Buffer.byteLength(README_V1), path: 'README.md' }]);
    });

    it('refuses more than 1000 paths with 413, and bad bodies with 400', async () => {
      const paths = Array.from({ length: 1001 }, (_, i) => `f${i}`);
      expectHfError(await t.http().post(`/api/models/${m}/paths-info/main`).send({ paths }), 413, 'PayloadTooLarge');
      await t.http().post(`/api/models/${m}/paths-info/main`).send({ paths: paths.slice(0, 1000) }).expect(200);
      expectHfError(await t.http().post(`/api/models/${m}/paths-info/main`).send({}), 400, 'ValidationError');
      expectHfError(await t.http().post(`/api/models/${m}/paths-info/main`).send({ paths: [1, 2] }), 400, 'ValidationError');
      expectHfError(await t.http().post(`/api/models/${m}/paths-info/nope`).send({ paths: ['README.md'] }), 404, 'RevisionNotFound');
    });
  });

  describe('refs and commits', () => {
    it('lists branches and tags, and pull requests only when asked', async () => {
      const res = await t.http().get(`/api/models/${m}/refs`).expect(200);
      expect(res.body).toEqual({ branches: [{ name: 'main', ref: 'refs/heads/main', targetCommit: commits[3] }], tags: [], converts: [] });
      for (const flag of ['1', 'true']) {
        const prs = await t.http().get(`/api/models/${m}/refs?include_prs=${flag}`).expect(200);
        expect(prs.body.pullRequests).toEqual([{ name: '1', ref: 'refs/pr/1', targetCommit: prCommit }]);
      }
    });

    it('lists the history newest first, paged through Link with X-Total-Count', async () => {
      const all = await t.http().get(`/api/models/${m}/commits/main`).expect(200);
      expect(all.headers['x-total-count']).toBe('4');
      expect(all.headers.link).toBeUndefined();
      expect(all.body.map((c: { id: string }) => c.id)).toEqual([...commits].reverse());
      expect(all.body[0]).toEqual({ id: commits[3], title: 'Update README', message: 'More details\n\nsecond paragraph', date: expect.any(String), authors: [{ user: alice.username, avatar: `${t.baseUrl}/avatars/${alice.username}.svg` }] });
      expect(new Date(all.body[0].date).toISOString()).toBe(all.body[0].date);
      expect(all.body[3]).toMatchObject({ title: 'initial commit', message: '' });

      const first = await t.http().get(`/api/models/${m}/commits/main?limit=3`).expect(200);
      expect(first.body.map((c: { id: string }) => c.id)).toEqual([commits[3], commits[2], commits[1]]);
      const next = nextLink(first)!;
      expect(next).toMatch(/[?&]p=1(&|$)/);
      const second = await t.http().get(next).expect(200);
      expect(second.body.map((c: { id: string }) => c.id)).toEqual([commits[0]]);
      expect(nextLink(second)).toBeNull();

      const pr = await t.http().get(`/api/models/${m}/commits/refs%2Fpr%2F1`).expect(200);
      expect(pr.body.map((c: { id: string }) => c.id)).toEqual([prCommit, ...[...commits].reverse()]);
      const formatted = await t.http().get(`/api/models/${m}/commits/main?${encodeURIComponent('expand[]')}=formatted&limit=1`).expect(200);
      expect(formatted.body[0].formatted).toEqual({ title: 'Update README', message: 'More details\n\nsecond paragraph' });
      expect(nextLink(formatted)).toMatch(/expand%5B%5D=formatted/);
      expectHfError(await t.http().get(`/api/models/${m}/commits/main?limit=501`), 400, 'ValidationError');
      expectHfError(await t.http().get(`/api/models/${m}/commits/main?p=-1`), 400, 'ValidationError');
      expectHfError(await t.http().get(`/api/models/${m}/commits/nope`), 404, 'RevisionNotFound');
    });
  });

  describe('branches', () => {
    it('creates (from a starting point or the default head), refuses duplicates unless exist_ok, deletes', async () => {
      await t.http().post(`/api/models/${m}/branch/feature/x`).set(as(alice.token)).send({ startingPoint: commits[0] }).expect(200, {});
      await t.http().post(`/api/models/${m}/branch/feature%2Fy`).set(as(alice.token)).expect(200, {});
      const refs = await t.http().get(`/api/models/${m}/refs`).expect(200);
      expect(refs.body.branches).toEqual(
        expect.arrayContaining([
          { name: 'feature/x', ref: 'refs/heads/feature/x', targetCommit: commits[0] },
          { name: 'feature/y', ref: 'refs/heads/feature/y', targetCommit: commits[3] },
        ]),
      );
      // The new branch is a revision like any other.
      const tree = await t.http().get(`/api/models/${m}/tree/feature%2Fx`).expect(200);
      expect(tree.body.map((e: { path: string }) => e.path).sort()).toEqual(['README.md', 'config.json']);

      expectHfError(await t.http().post(`/api/models/${m}/branch/feature/x`).set(as(alice.token)).send({}), 409, 'BranchExists');
      await t.http().post(`/api/models/${m}/branch/feature/x`).set(as(alice.token)).send({ exist_ok: true }).expect(200, {});
      expectHfError(await t.http().post(`/api/models/${m}/branch/z`).set(as(alice.token)).send({ startingPoint: 'nope' }), 404, 'RevisionNotFound');
      expectHfError(await t.http().post(`/api/models/${m}/branch/bad..name`).set(as(alice.token)).send({}), 400, 'InvalidRevision');
      expectHfError(await t.http().post(`/api/models/${m}/branch/x`).set(as(alice.token)).send({ exist_ok: 'yes' }), 400, 'ValidationError');

      await t.http().delete(`/api/models/${m}/branch/feature/x`).set(as(alice.token)).expect(200, {});
      await t.http().delete(`/api/models/${m}/branch/feature%2Fy`).set(as(alice.token)).expect(200, {});
      expectHfError(await t.http().delete(`/api/models/${m}/branch/feature/x`).set(as(alice.token)), 404, 'RevisionNotFound');
      expectHfError(await t.http().delete(`/api/models/${m}/branch/main`).set(as(alice.token)), 400, 'DefaultBranch');
      const after = await t.http().get(`/api/models/${m}/refs`).expect(200);
      expect(after.body.branches.map((b: { name: string }) => b.name)).toEqual(['main']);
    });

    it('needs write access: read tokens, strangers and anonymous callers are refused', async () => {
      expectHfError(await t.http().post(`/api/models/${m}/branch/ro`).set(as(aliceRead)).send({}), 403, 'ReadOnlyToken');
      expectHfError(await t.http().post(`/api/models/${m}/branch/ro`).set(as(bob.token)).send({}), 403, 'Forbidden');
      expectHfError(await t.http().post(`/api/models/${m}/branch/ro`).send({}), 401, 'Unauthorized');
      expectHfError(await t.http().delete(`/api/models/${m}/branch/main`).set(as(aliceRead)), 403, 'ReadOnlyToken');
      expectHfError(await t.http().post(`/api/models/${m}/tag/main`).set(as(bob.token)).send({ tag: 'x' }), 403, 'Forbidden');
      const refs = await t.http().get(`/api/models/${m}/refs`).expect(200);
      expect(refs.body.branches.map((b: { name: string }) => b.name)).toEqual(['main']);
      expect(refs.body.tags).toEqual([]);
    });
  });

  describe('tags', () => {
    afterAll(async () => {
      for (const tag of ['v1', 'v0']) await t.http().delete(`/api/models/${m}/tag/${tag}`).set(as(alice.token));
    });

    it('creates lightweight and annotated tags that resolve like branches, and deletes them', async () => {
      await t.http().post(`/api/models/${m}/tag/main`).set(as(alice.token)).send({ tag: 'v1' }).expect(200, {});
      await t.http().post(`/api/models/${m}/tag/${commits[0]}`).set(as(alice.token)).send({ tag: 'v0', message: 'First release' }).expect(200, {});
      const refs = await t.http().get(`/api/models/${m}/refs`).expect(200);
      expect(refs.body.tags).toEqual([
        { name: 'v0', ref: 'refs/tags/v0', targetCommit: commits[0] },
        { name: 'v1', ref: 'refs/tags/v1', targetCommit: commits[3] },
      ]);
      // The annotated tag is a real tag object in the repository.
      const row = await t.db.query(`SELECT oid FROM git_refs WHERE repo_id = $1 AND name = 'refs/tags/v0'`, [repoId]);
      expect(row.rows[0].oid).not.toBe(commits[0]);

      const old = await t.http().get(`/${m}/resolve/v0/README.md`).buffer(true).parse(binary).expect(200);
      expect(old.headers['x-repo-commit']).toBe(commits[0]);
      expect(old.body.toString()).toBe(README_V1);
      const cur = await t.http().head(`/${m}/resolve/v1/README.md`).expect(200);
      expect(cur.headers['x-repo-commit']).toBe(commits[3]);

      expectHfError(await t.http().post(`/api/models/${m}/tag/main`).set(as(alice.token)).send({ tag: 'v1' }), 409, 'TagExists');
      await t.http().post(`/api/models/${m}/tag/main`).set(as(alice.token)).send({ tag: 'v1', exist_ok: true }).expect(200, {});
      expectHfError(await t.http().post(`/api/models/${m}/tag/nope`).set(as(alice.token)).send({ tag: 'v2' }), 404, 'RevisionNotFound');
      expectHfError(await t.http().post(`/api/models/${m}/tag/main`).set(as(alice.token)).send({}), 400, 'ValidationError');
      expectHfError(await t.http().post(`/api/models/${m}/tag/main`).set(as(aliceRead)).send({ tag: 'v2' }), 403, 'ReadOnlyToken');

      await t.http().delete(`/api/models/${m}/tag/v1`).set(as(alice.token)).expect(200, {});
      await t.http().delete(`/api/models/${m}/tag/v0`).set(as(alice.token)).expect(200, {});
      expectHfError(await t.http().delete(`/api/models/${m}/tag/v0`).set(as(alice.token)), 404, 'RevisionNotFound');
      expectHfError(await t.http().get(`/${m}/resolve/v0/README.md`), 404, 'RevisionNotFound');
      expect((await t.http().get(`/api/models/${m}/refs`).expect(200)).body.tags).toEqual([]);
    });
  });

  describe('resolve (downloads)', () => {
    it('answers HEAD with the headers hf_hub_download reads, and GET with the same headers and the bytes', async () => {
      const url = `/${m}/resolve/main/weights/model.bin`;
      const head = await t.http().head(url).expect(200);
      expect(head.headers['x-repo-commit']).toBe(commits[3]);
      expect(head.headers.etag).toBe(`"${blobOid(WEIGHTS)}"`);
      expect(head.headers['content-length']).toBe('1000');
      expect(head.headers['accept-ranges']).toBe('bytes');
      expect(head.headers['content-type']).toBe('application/octet-stream');
      expect(head.headers['content-disposition']).toBe(`inline; filename*=UTF-8''model.bin; filename="model.bin"`);
      expect(head.headers['access-control-expose-headers']).toEqual(expect.stringContaining('X-Repo-Commit'));
      expect(head.headers['access-control-expose-headers']).toEqual(expect.stringContaining('ETag'));
      expect(head.text ?? '').toBe('');

      const get = await t.http().get(url).buffer(true).parse(binary).expect(200);
      for (const h of ['x-repo-commit', 'etag', 'content-length', 'content-type', 'accept-ranges', 'content-disposition']) expect(get.headers[h]).toBe(head.headers[h]);
      expect(Buffer.compare(get.body, WEIGHTS)).toBe(0);

      const readme = await t.http().get(`/${m}/resolve/main/README.md?download=true`).buffer(true).parse(binary).expect(200);
      expect(readme.body.toString()).toBe(README_V2);
      expect(readme.headers['content-type']).toBe('text/markdown; charset=utf-8');
      expect(readme.headers['content-disposition']).toBe(`attachment; filename*=UTF-8''README.md; filename="README.md"`);
      const config = await t.http().get(`/${m}/raw/main/config.json`).buffer(true).parse(binary).expect(200);
      expect(config.body.toString()).toBe(CONFIG);
      expect(config.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(config.headers.etag).toBe(`"${blobOid(CONFIG)}"`);
    });

    it('resolves branches, full and short commit ids and encoded refs/pr/N', async () => {
      const cases: [string, string, string][] = [
        ['main', commits[3], README_V2],
        [commits[0], commits[0], README_V1],
        [commits[0].slice(0, 7), commits[0], README_V1],
        ['refs%2Fpr%2F1', prCommit, README_V2],
      ];
      for (const [rev, commit, readme] of cases) {
        const res = await t.http().get(`/${m}/resolve/${rev}/README.md`).buffer(true).parse(binary).expect(200);
        expect({ rev, commit: res.headers['x-repo-commit'], body: res.body.toString() }).toEqual({ rev, commit, body: readme });
      }
      const pr = await t.http().get(`/${m}/resolve/refs%2Fpr%2F1/pr.txt`).buffer(true).parse(binary).expect(200);
      expect(pr.body.toString()).toBe('from a pr\n');
      expectHfError(await t.http().get(`/${m}/resolve/main/pr.txt`), 404, 'EntryNotFound');
      expectHfError(await t.http().get(`/${m}/resolve/nope/README.md`), 404, 'RevisionNotFound');
      expectHfError(await t.http().head(`/${m}/resolve/nope/README.md`), 404, 'RevisionNotFound');
    });

    it('prefers a branch to a tag of the same name, and HEAD is the default branch', async () => {
      await t.http().post(`/api/models/${m}/branch/same`).set(as(alice.token)).send({ startingPoint: commits[0] }).expect(200);
      await t.http().post(`/api/models/${m}/tag/main`).set(as(alice.token)).send({ tag: 'same' }).expect(200);
      try {
        const same = await t.http().head(`/${m}/resolve/same/README.md`).expect(200);
        expect(same.headers['x-repo-commit']).toBe(commits[0]);
        const tagged = await t.http().head(`/${m}/resolve/refs%2Ftags%2Fsame/README.md`).expect(200);
        expect(tagged.headers['x-repo-commit']).toBe(commits[3]);
        const head = await t.http().head(`/${m}/resolve/HEAD/README.md`).expect(200);
        expect(head.headers['x-repo-commit']).toBe(commits[3]);
        const tree = await t.http().get(`/api/models/${m}/tree/same`).expect(200);
        expect(tree.body.map((e: { path: string }) => e.path)).not.toContain('weights');
      } finally {
        await t.http().delete(`/api/models/${m}/tag/same`).set(as(alice.token)).expect(200);
        await t.http().delete(`/api/models/${m}/branch/same`).set(as(alice.token)).expect(200);
      }
    });

    it('serves byte ranges (206), refuses unsatisfiable ones (416) and ignores multi-ranges', async () => {
      const url = `/${m}/resolve/main/weights/model.bin`;
      const cases: [string, number, number][] = [
        ['bytes=0-9', 0, 9],
        ['bytes=990-', 990, 999],
        ['bytes=-5', 995, 999],
        ['bytes=500-5000', 500, 999],
      ];
      for (const [range, start, end] of cases) {
        const res = await t.http().get(url).set('Range', range).buffer(true).parse(binary).expect(206);
        expect(res.headers['content-range']).toBe(`bytes ${start}-${end}/1000`);
        expect(res.headers['content-length']).toBe(String(end - start + 1));
        expect(Buffer.compare(res.body, WEIGHTS.subarray(start, end + 1))).toBe(0);
      }
      const unsatisfiable = await t.http().get(url).set('Range', 'bytes=2000-');
      expectHfError(unsatisfiable, 416, 'RangeNotSatisfiable');
      expect(unsatisfiable.headers['content-range']).toBe('bytes */1000');
      const multi = await t.http().get(url).set('Range', 'bytes=0-1,5-6').buffer(true).parse(binary).expect(200);
      expect(multi.body.length).toBe(1000);
      // If-Range naming another version: the whole (current) file.
      const stale = await t.http().get(url).set('Range', 'bytes=0-9').set('If-Range', '"0000"').buffer(true).parse(binary).expect(200);
      expect(stale.body.length).toBe(1000);
      const ranged = await t.http().head(url).set('Range', 'bytes=10-19').expect(206);
      expect(ranged.headers['content-length']).toBe('10');
    });

    it('streams large files kept in the object store, whole and by range', async () => {
      const url = `/${m}/resolve/main/big.bin`;
      const whole = await t.http().get(url).buffer(true).parse(binary).expect(200);
      expect(whole.headers['content-length']).toBe(String(BIG.length));
      expect(Buffer.compare(whole.body, BIG)).toBe(0);
      const start = 300 * 1024 + 7;
      const part = await t.http().get(url).set('Range', `bytes=${start}-${start + 99_999}`).buffer(true).parse(binary).expect(206);
      expect(Buffer.compare(part.body, BIG.subarray(start, start + 100_000))).toBe(0);
    });

    it('answers 304 when If-None-Match names the ETag', async () => {
      const url = `/${m}/resolve/main/config.json`;
      const etag = `"${blobOid(CONFIG)}"`;
      const res = await t.http().get(url).set('If-None-Match', etag).expect(304);
      expect(res.headers.etag).toBe(etag);
      expect(res.headers['x-repo-commit']).toBe(commits[3]);
      await t.http().get(url).set('If-None-Match', `W/${etag}, "other"`).expect(304);
      await t.http().get(url).set('If-None-Match', '"other"').expect(200);
    });

    it('answers EntryNotFound for missing paths and folders', async () => {
      expectHfError(await t.http().get(`/${m}/resolve/main/nope.txt`), 404, 'EntryNotFound');
      expectHfError(await t.http().head(`/${m}/resolve/main/nope.txt`), 404, 'EntryNotFound');
      expectHfError(await t.http().get(`/${m}/resolve/main/weights`), 404, 'EntryNotFound');
      expectHfError(await t.http().get(`/${m}/resolve/main/weights/sub`), 404, 'EntryNotFound');
      expectHfError(await t.http().get(`/${m}/raw/main/weights`), 404, 'EntryNotFound');
      expectHfError(await t.http().get(`/${alice.username}/no-such-repo/resolve/main/README.md`), 401, 'RepoNotFound');
      expectHfError(await t.http().get(`/${alice.username}/no-such-repo/resolve/main/README.md`).set(as(alice.token)), 404, 'RepoNotFound');
      expectHfError(await t.http().get(`/${m}/resolve/main/README.md?download=maybe`), 400, 'ValidationError');
    });

    it('serves datasets and spaces under their prefixes, each type in its own namespace of names', async () => {
      const ds = uniqueName('ds');
      await seedRepo('dataset', alice.username, ds, false, { 'data/train.csv': 'a,b\n1,2\n' });
      const res = await t.http().get(`/datasets/${alice.username}/${ds}/resolve/main/data/train.csv`).buffer(true).parse(binary).expect(200);
      expect(res.body.toString()).toBe('a,b\n1,2\n');
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      const tree = await t.http().get(`/api/datasets/${alice.username}/${ds}/tree/main?recursive=true`).expect(200);
      expect(tree.body.map((e: { path: string }) => e.path)).toEqual(['data', 'data/train.csv']);
      expectHfError(await t.http().get(`/${alice.username}/${ds}/resolve/main/data/train.csv`).set(as(alice.token)), 404, 'RepoNotFound');
      expectHfError(await t.http().get(`/api/models/${alice.username}/${ds}/tree/main`).set(as(alice.token)), 404, 'RepoNotFound');

      const sp = uniqueName('space');
      await seedRepo('space', alice.username, sp, false, { 'app.py': 'print(1)\n' });
      await t.http().head(`/spaces/${alice.username}/${sp}/resolve/main/app.py`).expect(200);
      expect((await t.http().get(`/api/spaces/${alice.username}/${sp}/refs`).expect(200)).body.branches[0].name).toBe('main');
    });
  });

  describe('private repositories', () => {
    let secret: string;
    beforeAll(async () => {
      const name = uniqueName('secret');
      await seedRepo('model', alice.username, name, true, { 'weights.bin': 'secret bytes' });
      secret = `${alice.username}/${name}`;
    });

    it('do not exist for anonymous callers (401 RepoNotFound) or other users (404 RepoNotFound)', async () => {
      for (const [who, status] of [[{}, 401], [as(bob.token), 404]] as const) {
        expectHfError(await t.http().get(`/${secret}/resolve/main/weights.bin`).set(who), status, 'RepoNotFound');
        expectHfError(await t.http().head(`/${secret}/resolve/main/weights.bin`).set(who), status, 'RepoNotFound');
        expectHfError(await t.http().get(`/${secret}/raw/main/weights.bin`).set(who), status, 'RepoNotFound');
        expectHfError(await t.http().get(`/api/models/${secret}/tree/main`).set(who), status, 'RepoNotFound');
        expectHfError(await t.http().post(`/api/models/${secret}/paths-info/main`).set(who).send({ paths: ['weights.bin'] }), status, 'RepoNotFound');
        expectHfError(await t.http().get(`/api/models/${secret}/refs`).set(who), status, 'RepoNotFound');
        expectHfError(await t.http().get(`/api/models/${secret}/commits/main`).set(who), status, 'RepoNotFound');
        expectHfError(await t.http().post(`/api/models/${secret}/branch/x`).set(who).send({}), status, 'RepoNotFound');
      }
    });

    it('are readable by their owner, even with a read token', async () => {
      for (const token of [alice.token, aliceRead]) {
        const res = await t.http().get(`/${secret}/resolve/main/weights.bin`).set(as(token)).buffer(true).parse(binary).expect(200);
        expect(res.body.toString()).toBe('secret bytes');
        await t.http().get(`/api/models/${secret}/tree/main`).set(as(token)).expect(200);
      }
    });
  });
});
