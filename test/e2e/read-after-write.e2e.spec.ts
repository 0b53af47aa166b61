import * as path from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { createUserWithToken, TestUser } from '../support/accounts';
import { git, gitUrl, runGit, scratchDirs } from '../support/git-cli';
import { commit, createRepo, file, header } from '../support/repos';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Clients read right after they write, and a load balancer may send the read to another node:
 * whatever a node caches, a commit (HF API or git push) made on one node is seen by the very next
 * resolve, listing, repo info and clone on every node.
 */
describe('read after write, on two nodes', () => {
  let t: TestApp;
  let peer: Awaited<ReturnType<TestApp['startPeer']>>;
  let u: TestUser;
  let id: string;
  const dirs = scratchDirs();

  beforeAll(async () => {
    t = await startTestApp();
    peer = await t.startPeer();
    u = await createUserWithToken(t);
    await createRepo(t, u.token, 'fresh').expect(200);
    id = `${u.username}/fresh`;
  });

  afterAll(async () => {
    dirs.cleanup();
    await peer.close();
    await t.close();
  });

  const nodes = () => [
    { name: 'writer', http: t.http, baseUrl: t.baseUrl },
    { name: 'peer', http: peer.http, baseUrl: peer.baseUrl },
  ];

  /** Every read path on every node answers for `sha`, with `path` holding `content`. */
  async function expectSeenEverywhere(sha: string, filePath: string, content: string) {
    const auth = `Bearer ${u.token}`;
    for (const n of nodes()) {
      const where = `${n.name} node`;
      const head = await n.http().head(`/${id}/resolve/main/${filePath}`).set('Authorization', auth);
      expect([where, head.status, head.headers['x-repo-commit']]).toEqual([where, 200, sha]);
      const get = await n.http().get(`/${id}/resolve/main/${filePath}`).set('Authorization', auth).buffer(true).parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
      expect([where, get.status, (get.body as Buffer).toString('utf8')]).toEqual([where, 200, content]);

      const info = await n.http().get(`/api/models/${id}`).set('Authorization', auth).expect(200);
      expect([where, info.body.sha]).toEqual([where, sha]);
      expect(info.body.siblings.map((s: { rfilename: string }) => s.rfilename)).toContain(filePath);

      const folder = filePath.includes('/') ? filePath.slice(0, filePath.lastIndexOf('/')) : '';
      const tree = await n.http().get(`/api/models/${id}/tree/main/${folder}`).set('Authorization', auth).expect(200);
      expect(tree.body.map((e: { path: string }) => e.path)).toContain(filePath);
      const recursive = await n.http().get(`/api/models/${id}/tree/main?recursive=true`).set('Authorization', auth).expect(200);
      expect(recursive.body.map((e: { path: string }) => e.path)).toContain(filePath);
      const commits = await n.http().get(`/api/models/${id}/commits/main`).set('Authorization', auth).expect(200);
      expect([where, commits.body[0].id]).toEqual([where, sha]);

      const dir = path.join(dirs.make(), 'clone');
      const r = await runGit(['clone', '-q', '--depth', '1', gitUrl(n.baseUrl, id, { user: u.username, token: u.token }), dir]);
      expect([where, r.code, r.stderr]).toEqual([where, 0, '']);
      expect([where, (await git(dir, 'rev-parse', 'HEAD')).trim()]).toEqual([where, sha]);
      expect(readFileSync(path.join(dir, filePath), 'utf8')).toBe(content);
    }
  }

  it('sees each HF API commit on both nodes at once, after the nodes have cached the previous state', async () => {
    for (let i = 1; i <= 3; i++) {
      const content = `version ${i}\n`;
      const c = await commit(t, u.token, id, [header(`v${i}`), file('data/v.txt', content), file(`data/new-${i}.txt`, `${i}\n`)]).expect(200);
      await expectSeenEverywhere(c.body.commitOid, 'data/v.txt', content);
      await expectSeenEverywhere(c.body.commitOid, `data/new-${i}.txt`, `${i}\n`);
    }
  });

  it('sees a git push to the peer on both nodes at once, card data included', async () => {
    const dir = path.join(dirs.make(), 'work');
    await git(path.dirname(dir), 'clone', '-q', gitUrl(peer.baseUrl, id, { user: u.username, token: u.token }), dir);
    writeFileSync(path.join(dir, 'README.md'), '---\nlicense: apache-2.0\ntags: [pushed]\n---\n# pushed\n');
    await git(dir, 'add', 'README.md');
    await git(dir, '-c', 'user.name=T', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'readme by push');
    await git(dir, 'push', '-q', 'origin', 'main');
    const sha = (await git(dir, 'rev-parse', 'HEAD')).trim();
    await expectSeenEverywhere(sha, 'README.md', '---\nlicense: apache-2.0\ntags: [pushed]\n---\n# pushed\n');
    for (const n of nodes()) {
      const info = await n.http().get(`/api/models/${id}`).set('Authorization', `Bearer ${u.token}`).expect(200);
      expect([n.name, info.body.cardData]).toEqual([n.name, { license: 'apache-2.0', tags: ['pushed'] }]);
      const listed = await n.http().get(`/api/models?author=${u.username}&filter=pushed`).expect(200);
      expect(listed.body.map((r: { id: string }) => r.id)).toEqual([id]);
    }
  });
});
