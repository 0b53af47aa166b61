import { rmSync } from 'node:fs';
import { OBJECT_STORE, type ObjectStore } from '../../src/core/storage/object-store';
import { startTestApp, TestApp } from '../support/test-app';
import { createUserWithToken, TestUser } from '../support/accounts';
import { exportToBareRepo, git } from '../support/git-export';
import { commit, createRepo, file, header } from '../support/repos';

/** What the engine writes is real git: same ids, and `git fsck` accepts the whole repository. */
describe('git accepts every object the engine wrote', () => {
  let t: TestApp;
  let u: TestUser;
  beforeAll(async () => {
    t = await startTestApp();
    u = await createUserWithToken(t);
  });
  afterAll(() => t.close());

  it('commits, branches, tags and a large blob export to a bare repo that fsck accepts, with the HF commit ids', async () => {
    await createRepo(t, u.token, 'exported').expect(200);
    const id = `${u.username}/exported`;
    const oids: string[] = [];
    const big = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4) big.writeUInt32LE((i * 2654435761) >>> 0, i);
    oids.push((await commit(t, u.token, id, [header('first'), file('README.md', '# hi\n'), file('dir/sub/é x.txt', 'unicode name'), file('big.dat', big)]).expect(200)).body.commitOid);
    oids.push((await commit(t, u.token, id, [header('second', { description: 'with a body' }), file('dir/a.txt', 'a'), { key: 'deletedFile', value: { path: 'README.md' } }]).expect(200)).body.commitOid);
    await t.http().post(`/api/models/${id}/branch/dev`).set('Authorization', `Bearer ${u.token}`).send({});
    await t.http().post(`/api/models/${id}/tag/main`).set('Authorization', `Bearer ${u.token}`).send({ tag: 'v1', message: 'release v1' });

    const { rows } = await t.db.query(`SELECT r.id FROM repositories r WHERE r.name = 'exported'`);
    const dir = await exportToBareRepo(t.db, t.app.get<ObjectStore>(OBJECT_STORE), Number(rows[0].id));
    try {
      git(dir, 'fsck', '--full', '--strict', '--no-dangling');
      const log = git(dir, 'log', '--format=%H', 'refs/heads/main').trim().split('\n');
      expect(log.slice(0, 2)).toEqual([oids[1], oids[0]]);
      expect(git(dir, 'show', `${oids[0]}:dir/sub/é x.txt`)).toBe('unicode name');
      expect(git(dir, 'cat-file', '-s', `${oids[0]}:big.dat`).trim()).toBe(String(big.length));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
