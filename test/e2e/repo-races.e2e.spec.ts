import { createUserWithToken, type TestUser } from '../support/accounts';
import { commit, createRepo, file, header } from '../support/repos';
import { startTestApp, type TestApp } from '../support/test-app';

/** Issue 22 items 6 and 7: a repository deleted or moved while other requests race on it. */
describe('races on one repository', () => {
  let t: TestApp;
  let user: TestUser;

  beforeAll(async () => {
    // A pool as large as production's default, so that the racing transactions really overlap.
    t = await startTestApp({ HANGAR_DATABASE_POOL_SIZE: '10' });
    user = await createUserWithToken(t);
  });
  afterAll(() => t.close());

  const auth = () => ({ Authorization: `Bearer ${user.token}` });

  it('a delete racing 30 commits succeeds once; the commits answer 200 or 404, never 500', async () => {
    const unexpected: string[] = [];
    for (let round = 0; round < 6; round++) {
      const name = `race-delete-${round}`;
      await createRepo(t, user.token, name).expect(200);
      const id = `${user.username}/${name}`;
      await commit(t, user.token, id, [header('seed'), file('seed.txt', 'seed')]).expect(200);
      const commits = Array.from({ length: 30 }, (_, i) =>
        commit(t, user.token, id, [header(`c${i}`), file(`f${i % 5}/x${i}.txt`, `content ${round} ${i}`), file('shared.txt', `v${i}`)]),
      );
      const del = t.http().delete('/api/repos/delete').set(auth()).send({ name });
      const [deleted, ...answers] = await Promise.all([del, ...commits]);
      if (deleted.status !== 200) unexpected.push(`round ${round}: delete ${deleted.status} ${deleted.headers['x-error-message']}`);
      for (const a of answers) {
        if (a.status !== 200 && !(a.status === 404 && a.headers['x-error-code'] === 'RepoNotFound')) {
          unexpected.push(`round ${round}: commit ${a.status} ${a.headers['x-error-code']} ${a.headers['x-error-message']}`);
        }
      }
      const after = await t.http().get(`/api/models/${id}`).set(auth());
      if (after.status !== 404) unexpected.push(`round ${round}: repository still there (${after.status})`);
      const rows = await t.db.query(`SELECT count(*)::int AS n FROM repositories r JOIN namespaces n ON n.id = r.namespace_id WHERE n.name = $1 AND r.name = $2`, [
        user.username,
        name,
      ]);
      if (rows.rows[0].n !== 0) unexpected.push(`round ${round}: row left behind`);
    }
    expect(unexpected).toEqual([]);
  });

  it('concurrent moves of one repository: exactly one wins, the others answer 404 or 409, the winner redirects', async () => {
    for (let round = 0; round < 4; round++) {
      const name = `race-move-${round}`;
      await createRepo(t, user.token, name).expect(200);
      const from = `${user.username}/${name}`;
      await commit(t, user.token, from, [header('seed'), file('a.txt', 'a')]).expect(200);
      const targets = Array.from({ length: 8 }, (_, i) => `${user.username}/${name}-to-${i}`);
      const answers = await Promise.all(targets.map((toRepo) => t.http().post('/api/repos/move').set(auth()).send({ fromRepo: from, toRepo })));
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s !== 200).every((s) => s === 404 || s === 409)).toBe(true);
      const winner = targets[statuses.indexOf(200)];
      // The repository lives under the winner's name only; the old name redirects there.
      expect((await t.http().get(`/api/models/${winner}`).set(auth())).status).toBe(200);
      for (const other of targets.filter((x) => x !== winner)) expect((await t.http().get(`/api/models/${other}`).set(auth()).redirects(0)).status).toBe(404);
      const old = await t.http().get(`/api/models/${from}`).set(auth()).redirects(0);
      expect([old.status, old.headers.location]).toEqual([307, `/api/models/${winner}`]);
      const file0 = await t.http().get(`/${from}/resolve/main/a.txt`).set(auth()).redirects(1);
      expect([file0.status, file0.text]).toEqual([200, 'a']);
    }
  });
});
