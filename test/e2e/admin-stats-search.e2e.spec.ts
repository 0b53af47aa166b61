import { randomBytes } from 'node:crypto';
import { ADMIN_TOKEN, startTestApp, TestApp } from '../support/test-app';
import { createUserWithToken, TestUser, uniqueName } from '../support/accounts';
import { expectHfError } from '../support/hf-error';
import { commit, createRepo, file, header } from '../support/repos';
import { lfsFile, uploadLfs } from '../support/lfs-upload';

const admin = { 'X-Admin-Token': ADMIN_TOKEN };

describe('admin API: stats and search', () => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  const tag = uniqueName('zq');
  const blob = randomBytes(3000);
  beforeAll(async () => {
    t = await startTestApp();
    alice = await createUserWithToken(t, `${tag}-alice`);
    bob = await createUserWithToken(t);
    await t.http().post(`/admin/api/users/${bob.username}/deactivate`).set(admin).expect(200);
    await t.http().post('/api/organizations/create').set('Authorization', `Bearer ${alice.token}`).send({ name: `${tag}-org` });
    await createRepo(t, alice.token, `${tag}-model`).expect(200);
    await createRepo(t, alice.token, `${tag}-secret`, { private: true }).expect(200);
    await createRepo(t, alice.token, `${tag}-data`, { type: 'dataset' }).expect(200);
    const id = `${alice.username}/${tag}-model`;
    await uploadLfs(t, alice.token, id, blob);
    await commit(t, alice.token, id, [header(`needle ${tag} one`), file('a.txt', 'a'), lfsFile('w.bin', blob)]).expect(200);
    await commit(t, alice.token, id, [header('two'), file('b.txt', 'b')]).expect(200);
  });
  afterAll(() => t.close());

  it('basic and detailed stats count what the database holds', async () => {
    const [db] = (
      await t.db.query(`SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM organizations)::int AS orgs,
                               (SELECT count(*) FROM repositories)::int AS repos, (SELECT count(*) FROM git_commits)::int AS commits`)
    ).rows;
    const basic = await t.http().get('/admin/api/stats').set(admin).expect(200);
    expect(basic.body).toEqual({ users: db.users, organizations: db.orgs, repositories: { total: 3, private: 1, public: 2 } });
    const d = await t.http().get('/admin/api/stats/detailed').set(admin).expect(200);
    expect(d.body.users).toEqual({ total: db.users, active: db.users - 1, verified: db.users, inactive: 1 });
    expect(d.body.repositories).toEqual({ total: 3, private: 1, public: 2, by_type: { model: 2, dataset: 1, space: 0 } });
    expect(d.body.commits.total).toBe(db.commits);
    expect(d.body.commits.top_contributors[0]).toEqual({ username: alice.username, commit_count: db.commits });
    expect(d.body.lfs).toEqual({ total_objects: 1, total_size: blob.length });
    const [{ used }] = (await t.db.query(`SELECT coalesce(sum(private_used_bytes + public_used_bytes), 0)::bigint AS used FROM users`)).rows;
    expect(d.body.storage.total_used).toBe(Number(used));
    expect(d.body.storage.total_used).toBe(d.body.storage.private_used + d.body.storage.public_used);
  });

  it('time series: every day of the window, today holding what was made', async () => {
    const ts = await t.http().get('/admin/api/stats/timeseries?days=7').set(admin).expect(200);
    const days = Object.keys(ts.body.commits_by_day);
    expect(days).toHaveLength(7);
    const today = new Date().toISOString().slice(0, 10);
    expect(days[6]).toBe(today);
    expect(ts.body.repositories_by_day[today]).toEqual({ model: 2, dataset: 1, space: 0 });
    expect(ts.body.commits_by_day[today]).toBeGreaterThanOrEqual(5); // three initial commits and two
    expect(ts.body.users_by_day[today]).toBe(2);
    expect(Object.keys((await t.http().get('/admin/api/stats/timeseries').set(admin).expect(200)).body.users_by_day)).toHaveLength(30);
    expectHfError(await t.http().get('/admin/api/stats/timeseries?days=366').set(admin), 400, 'ValidationError');
    expectHfError(await t.http().get('/admin/api/stats/timeseries?days=0').set(admin), 400, 'ValidationError');
  });

  it('top repositories by commits and by size', async () => {
    const byCommits = await t.http().get('/admin/api/stats/top-repos?by=commits&limit=1').set(admin).expect(200);
    expect(byCommits.body).toEqual({
      sorted_by: 'commits',
      top_repositories: [{ repo_full_id: `${alice.username}/${tag}-model`, repo_type: 'model', commit_count: 3, used_bytes: expect.any(Number), private: false }],
    });
    const bySize = await t.http().get('/admin/api/stats/top-repos?by=size').set(admin).expect(200);
    expect(bySize.body.sorted_by).toBe('size');
    expect(bySize.body.top_repositories[0].repo_full_id).toBe(`${alice.username}/${tag}-model`);
    const sizes = bySize.body.top_repositories.map((r: { used_bytes: number }) => r.used_bytes);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    expectHfError(await t.http().get('/admin/api/stats/top-repos?by=likes').set(admin), 400, 'ValidationError');
    expectHfError(await t.http().get('/admin/api/stats/top-repos?limit=101').set(admin), 400, 'ValidationError');
  });

  it('searches users, repositories (private ones too) and commits', async () => {
    const all = await t.http().get(`/admin/api/search?q=${tag}`).set(admin).expect(200);
    expect(all.body.query).toBe(tag);
    expect(all.body.results.users).toEqual([{ id: expect.any(Number), username: alice.username, email: `${alice.username}@example.com`, email_verified: true, is_active: true }]);
    expect(all.body.results.repositories.map((r: { full_id: string }) => r.full_id).sort()).toEqual(
      [`${alice.username}/${tag}-data`, `${alice.username}/${tag}-model`, `${alice.username}/${tag}-secret`].sort(),
    );
    expect(all.body.results.commits).toEqual([
      {
        id: expect.any(Number),
        commit_id: expect.stringMatching(/^[0-9a-f]{40}$/),
        message: `needle ${tag} one`,
        username: alice.username,
        repo_full_id: `${alice.username}/${tag}-model`,
        repo_type: 'model',
        branch: null,
        created_at: expect.any(String),
      },
    ]);
    // The repositories whose names hold the tag are the user's too, but their commit messages do not.
    expect(all.body.result_counts).toEqual({ users: 1, repositories: 3, commits: 1 });

    const some = await t.http().get(`/admin/api/search?q=${tag}&types=users,repos&limit=1`).set(admin).expect(200);
    expect(Object.keys(some.body.results).sort()).toEqual(['repositories', 'users']);
    expect(some.body.result_counts).toEqual({ users: 1, repositories: 1 });
    const byOid = await t.http().get(`/admin/api/search?q=${all.body.results.commits[0].commit_id.slice(0, 8)}&types=commits`).set(admin).expect(200);
    expect(byOid.body.results.commits.map((c: { commit_id: string }) => c.commit_id)).toEqual([all.body.results.commits[0].commit_id]);
    expectHfError(await t.http().get('/admin/api/search?q=x&types=users,orgs').set(admin), 400, 'ValidationError');
    expectHfError(await t.http().get('/admin/api/search').set(admin), 400, 'ValidationError');
  });
});
