import { DownloadRecorder } from '../../src/stats/downloads/download-recorder';
import { StatsClock } from '../../src/stats/clock';
import { StatsRollupJob } from '../../src/stats/rollup/stats-rollup.job';
import { createUserWithToken, TestUser, uniqueName } from '../support/accounts';
import { expectHfError } from '../support/hf-error';
import { commit, createRepo, file, header } from '../support/repos';
import { ADMIN_TOKEN, startTestApp, TestApp } from '../support/test-app';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;

/** Midnight UTC of the day `t` falls in. */
const midnight = (t: number) => Math.floor(t / DAY) * DAY;

describe('stats: likes, download sessions, daily rollup, trending', () => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let clock: jest.SpyInstance<Date, []>;
  const as = (u: TestUser) => ({ Authorization: `Bearer ${u.token}` });
  const setNow = (ms: number) => clock.mockReturnValue(new Date(ms));
  const flush = () => t.app.get(DownloadRecorder).flush();
  const info = async (id: string, u: TestUser = alice) => (await t.http().get(`/api/models/${id}`).set(as(u)).expect(200)).body;

  async function repoWithFiles(n: number, extra: Record<string, unknown> = {}): Promise<string> {
    const name = uniqueName('m');
    await createRepo(t, alice.token, name, extra).expect(200);
    const id = `${alice.username}/${name}`;
    await commit(t, alice.token, id, [header('files'), ...Array.from({ length: n }, (_, i) => file(`f${i}.txt`, `file ${i} of ${id}`))]).expect(200);
    return id;
  }

  /** What snapshot_download does per file: HEAD, then GET. */
  async function fetchAll(id: string, n: number, headers: Record<string, string>): Promise<void> {
    for (let i = 0; i < n; i++) {
      await t.http().head(`/${id}/resolve/main/f${i}.txt`).set(headers).expect(200);
      await t.http().get(`/${id}/resolve/main/f${i}.txt`).set(headers).expect(200);
    }
  }

  beforeAll(async () => {
    t = await startTestApp();
    alice = await createUserWithToken(t);
    bob = await createUserWithToken(t);
    clock = jest.spyOn(t.app.get(StatsClock), 'now');
    // Wait for the boot catch-up, so that no run of it overlaps the tests' runs.
    await t.app.get(StatsRollupJob).run();
  });
  afterAll(async () => {
    clock.mockRestore();
    await t.close();
  });

  describe('likes', () => {
    it('likes once however often asked, reports status and likers, lists a user\'s likes, unlikes', async () => {
      const id = await repoWithFiles(1);
      const first = await t.http().post(`/api/models/${id}/like`).set(as(bob)).expect(200);
      expect(first.body).toEqual({ success: true, message: 'Repository liked successfully', likes_count: 1 });
      await t.http().post(`/api/models/${id}/like`).set(as(bob)).expect(200);
      const second = await t.http().post(`/api/models/${id}/like`).set(as(alice)).expect(200);
      expect(second.body.likes_count).toBe(2);
      expect((await info(id)).likes).toBe(2);
      expect((await t.http().get(`/api/models/${id}/like`).set(as(bob)).expect(200)).body).toEqual({ liked: true });
      expect((await t.http().get(`/api/models/${id}/like`).expect(200)).body).toEqual({ liked: false });
      const likers = await t.http().get(`/api/models/${id}/likers`).expect(200);
      expect(likers.body.map((l: { user: string }) => l.user).sort()).toEqual([alice.username, bob.username].sort());
      expect(likers.body[0].avatarUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/users\/[^/]+\/avatar$/);
      const paged = await t.http().get(`/api/models/${id}/likers?limit=1`).expect(200);
      expect(paged.body).toHaveLength(1);
      expect(paged.headers.link).toMatch(/rel="next"/);
      const mine = await t.http().get(`/api/users/${bob.username}/likes`).expect(200);
      expect(mine.body).toEqual([{ createdAt: expect.any(String), repo: { name: id, type: 'model' } }]);
      const un = await t.http().delete(`/api/models/${id}/like`).set(as(bob)).expect(200);
      expect(un.body.likes_count).toBe(1);
      await t.http().delete(`/api/models/${id}/like`).set(as(bob)).expect(200);
      expect((await info(id)).likes).toBe(1);
      expect((await t.http().get(`/api/users/${bob.username}/likes`).expect(200)).body).toEqual([]);
    });

    it("takes a deleted user's likes off the counts of the repositories they liked", async () => {
      const id = await repoWithFiles(1);
      const carol = await createUserWithToken(t);
      await t.http().post(`/api/models/${id}/like`).set(as(carol)).expect(200);
      await t.http().post(`/api/models/${id}/like`).set(as(bob)).expect(200);
      expect((await info(id)).likes).toBe(2);
      await t.http().delete(`/admin/api/users/${carol.username}`).set('X-Admin-Token', ADMIN_TOKEN).expect(200);
      expect((await info(id)).likes).toBe(1);
      expect((await t.http().get(`/api/models/${id}/likers`).expect(200)).body.map((l: { user: string }) => l.user)).toEqual([bob.username]);
    });

    it('refuses anonymous and read-only callers, hides private repositories, and 404s unknown users', async () => {
      const id = await repoWithFiles(1, { private: true });
      const reader = await createUserWithToken(t, uniqueName('ro'), 'read');
      expectHfError(await t.http().post(`/api/models/${id}/like`), 401, 'Unauthorized');
      expectHfError(await t.http().post(`/api/models/${id}/like`).set(as(reader)), 403, 'ReadOnlyToken');
      expectHfError(await t.http().post(`/api/models/${id}/like`).set(as(bob)), 404, 'RepoNotFound');
      expectHfError(await t.http().get(`/api/models/${id}/likers`).set(as(bob)), 404, 'RepoNotFound');
      await t.http().post(`/api/models/${id}/like`).set(as(alice)).expect(200);
      // Alice's like of her private repository is hers to see, nobody else's.
      expect((await t.http().get(`/api/users/${alice.username}/likes`).set(as(alice)).expect(200)).body.map((l: { repo: { name: string } }) => l.repo.name)).toContain(id);
      expect((await t.http().get(`/api/users/${alice.username}/likes`).set(as(bob)).expect(200)).body.map((l: { repo: { name: string } }) => l.repo.name)).not.toContain(id);
      expectHfError(await t.http().get(`/api/users/${uniqueName('ghost')}/likes`), 404, 'UserNotFound');
      expectHfError(await t.http().get(`/api/models/${id}/likers?cursor=%%%`).set(as(alice)), 400, 'InvalidCursor');
    });
  });

  describe('download sessions', () => {
    it('counts a 20-file download as one, the same user an hour later as two, and anonymous clients apart', async () => {
      const base = midnight(Date.now()) + 2 * HOUR;
      setNow(base);
      const id = await repoWithFiles(20);
      await fetchAll(id, 20, as(bob));
      await flush();
      expect(await info(id)).toMatchObject({ downloads: 1, downloadsAllTime: 1 });

      setNow(base + 5 * 60 * 1000); // the same 15-minute bucket
      await t.http().get(`/${id}/resolve/main/f3.txt`).set(as(bob)).expect(200);
      await flush();
      expect((await info(id)).downloads).toBe(1);

      setNow(base + HOUR);
      await t.http().get(`/${id}/resolve/main/f0.txt`).set(as(bob)).expect(200);
      await flush();
      expect((await info(id)).downloads).toBe(2);

      await t.http().get(`/${id}/resolve/main/f0.txt`).set('User-Agent', 'anon-client/1').expect(200);
      await t.http().get(`/${id}/resolve/main/f1.txt`).set('User-Agent', 'anon-client/1').expect(200);
      await t.http().get(`/${id}/resolve/main/f1.txt`).set('User-Agent', 'anon-client/2').expect(200);
      await flush();
      expect((await info(id)).downloads).toBe(4);
      const { rows } = await t.db.query(
        `SELECT authenticated, files FROM download_sessions s JOIN repositories r ON r.id = s.repo_id JOIN namespaces n ON n.id = r.namespace_id
          WHERE n.name || '/' || r.name = $1 ORDER BY bucket, authenticated DESC, files DESC`,
        [id],
      );
      expect(rows).toEqual([
        { authenticated: true, files: 21 },
        { authenticated: true, files: 1 },
        { authenticated: false, files: 2 },
        { authenticated: false, files: 1 },
      ]);
    });

    it('does not count HEADs or range continuations', async () => {
      setNow(midnight(Date.now()) + 3 * HOUR);
      const id = await repoWithFiles(2);
      await t.http().head(`/${id}/resolve/main/f0.txt`).set(as(bob)).expect(200);
      await t.http().get(`/${id}/resolve/main/f0.txt`).set(as(bob)).set('Range', 'bytes=3-').expect(206);
      await flush();
      expect(await info(id)).toMatchObject({ downloads: 0, downloadsAllTime: 0 });
      await t.http().get(`/${id}/resolve/main/f0.txt`).set(as(bob)).set('Range', 'bytes=0-3').expect(206);
      await flush();
      expect((await info(id)).downloads).toBe(1);
    });

    it('orders listings by downloads and by likes, with the counts in each entry', async () => {
      setNow(midnight(Date.now()) + 4 * HOUR);
      const author = await createUserWithToken(t);
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const name = `r${i}`;
        await createRepo(t, author.token, name).expect(200);
        await commit(t, author.token, `${author.username}/${name}`, [header('f'), file('f0.txt', 'x')]).expect(200);
        ids.push(`${author.username}/${name}`);
      }
      // r1: three distinct clients; r2: two; r0: none. Likes the other way round.
      for (const [id, n] of [[ids[1], 3], [ids[2], 2]] as const) {
        for (let c = 0; c < n; c++) await t.http().get(`/${id}/resolve/main/f0.txt`).set('User-Agent', `client-${c}`).expect(200);
      }
      await flush();
      await t.http().post(`/api/models/${ids[0]}/like`).set(as(alice)).expect(200);
      await t.http().post(`/api/models/${ids[0]}/like`).set(as(bob)).expect(200);
      await t.http().post(`/api/models/${ids[2]}/like`).set(as(bob)).expect(200);
      const byDownloads = await t.http().get(`/api/models?author=${author.username}&sort=downloads&expand[]=downloads&expand[]=likes`).expect(200);
      expect(byDownloads.body.map((r: { id: string; downloads: number }) => [r.id, r.downloads])).toEqual([[ids[1], 3], [ids[2], 2], [ids[0], 0]]);
      const byLikes = await t.http().get(`/api/models?author=${author.username}&sort=likes`).expect(200);
      expect(byLikes.body.map((r: { id: string; likes: number }) => [r.id, r.likes])).toEqual([[ids[0], 2], [ids[2], 1], [ids[1], 0]]);
    });
  });

  describe('daily rollup', () => {
    it('catches up missed days, gives the same totals when run twice, prunes raw sessions, and serves stats and trending', async () => {
      const today = midnight(Date.now());
      const id = await repoWithFiles(2);
      // Three and two days ago (no rollup ran since): one user, two anonymous clients, then one user.
      setNow(today - 3 * DAY + 10 * HOUR);
      await fetchAll(id, 2, as(bob));
      await t.http().get(`/${id}/resolve/main/f0.txt`).set('User-Agent', 'a1').expect(200);
      await t.http().get(`/${id}/resolve/main/f0.txt`).set('User-Agent', 'a2').expect(200);
      setNow(today - 2 * DAY + 10 * HOUR);
      await t.http().get(`/${id}/resolve/main/f1.txt`).set(as(alice)).expect(200);
      await flush();

      setNow(today + HOUR);
      const job = t.app.get(StatsRollupJob);
      const first = await job.run();
      expect(first.ran).toBe(true);
      const day3 = new Date(today - 3 * DAY).toISOString().slice(0, 10);
      const day2 = new Date(today - 2 * DAY).toISOString().slice(0, 10);
      expect(first.days).toEqual(expect.arrayContaining([day3, day2]));
      const recent = await t.http().get(`/api/models/${id}/stats/recent?days=7`).set(as(alice)).expect(200);
      const expected = [
        { date: day3, downloads: 3, authenticated: 1, anonymous: 2, files: 4 },
        { date: day2, downloads: 1, authenticated: 1, anonymous: 0, files: 1 },
      ];
      expect(recent.body.stats).toEqual(expected);
      expect(recent.body.period).toEqual({ start: new Date(today - 6 * DAY).toISOString().slice(0, 10), end: new Date(today).toISOString().slice(0, 10), days: 7 });

      // The same day again: the same totals; a second run finds nothing left to do.
      expect(await job.rollUpDay(day3)).toBe(true);
      expect((await job.run()).days).toEqual([]);
      expect((await t.http().get(`/api/models/${id}/stats/recent?days=7`).set(as(alice)).expect(200)).body.stats).toEqual(expected);

      const stats = await t.http().get(`/api/models/${id}/stats`).set(as(alice)).expect(200);
      expect(stats.body).toMatchObject({ downloads: 4, downloads_all_time: 4, likes: 0 });
      expect(stats.body.trending_score).toBeGreaterThan(0);
      const trending = await t.http().get(`/api/trending?repo_type=model&days=7&limit=100`).expect(200);
      expect(trending.body.trending.find((r: { id: string }) => r.id === id)).toMatchObject({ type: 'model', downloads: 4, recent_downloads: 4, private: false });
      const sorted = await t.http().get(`/api/models?sort=trending_score&limit=1000&expand[]=trendingScore`).expect(200);
      const scores = sorted.body.map((r: { trendingScore: number }) => r.trendingScore);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));

      // Days later: raw sessions of rolled-up days are gone, their totals stay.
      setNow(today + 10 * DAY);
      const later = await job.run();
      expect(later.pruned).toBeGreaterThanOrEqual(4);
      expect(await job.rollUpDay(day3)).toBe(false);
      const { rows } = await t.db.query(`SELECT count(*)::int AS n FROM download_sessions WHERE bucket < $1`, [new Date(today - DAY)]);
      expect(rows[0].n).toBe(0);
      expect((await t.http().get(`/api/models/${id}/stats/recent?days=30`).set(as(alice)).expect(200)).body.stats).toEqual(expected);
      expect((await info(id)).downloadsAllTime).toBe(4);
    });

    it('runs once per cluster: a node that finds the lock taken skips, two nodes at once give one set of totals', async () => {
      const today = midnight(Date.now());
      const id = await repoWithFiles(1);
      setNow(today - DAY + HOUR);
      await t.http().get(`/${id}/resolve/main/f0.txt`).set(as(bob)).expect(200);
      await flush();
      setNow(today + 2 * HOUR);

      // Another node holds the job's lock: this one does nothing.
      await t.db.query('SELECT pg_advisory_lock(7012301)');
      try {
        expect(await t.app.get(StatsRollupJob).run()).toEqual({ ran: false, days: [], pruned: 0 });
      } finally {
        await t.db.query('SELECT pg_advisory_unlock(7012301)');
      }
      const peer = await t.startPeer();
      try {
        jest.spyOn(peer.app.get(StatsClock), 'now').mockReturnValue(new Date(today + 2 * HOUR));
        const results = await Promise.all([t.app.get(StatsRollupJob).run(), peer.app.get(StatsRollupJob).run()]);
        // Whichever got the lock rolled the day up; a node that ran after it found nothing to do.
        const day = new Date(today - DAY).toISOString().slice(0, 10);
        expect(results.flatMap((r) => r.days).filter((d) => d === day)).toEqual([day]);
      } finally {
        await peer.close();
      }
      const { rows } = await t.db.query(
        `SELECT authenticated, anonymous, files FROM repo_daily_stats d JOIN repositories r ON r.id = d.repo_id JOIN namespaces n ON n.id = r.namespace_id WHERE n.name || '/' || r.name = $1`,
        [id],
      );
      expect(rows).toEqual([{ authenticated: 1, anonymous: 0, files: 1 }]);
    });

    it('refuses bad stats and trending parameters', async () => {
      const id = await repoWithFiles(1);
      expectHfError(await t.http().get(`/api/models/${id}/stats/recent?days=0`).set(as(alice)), 400, 'ValidationError');
      expectHfError(await t.http().get(`/api/models/${id}/stats/recent?days=abc`).set(as(alice)), 400, 'ValidationError');
      expectHfError(await t.http().get(`/api/trending?repo_type=kernel`), 400, 'ValidationError');
      expectHfError(await t.http().get(`/api/trending?limit=100000`), 400, 'ValidationError');
    });
  });
  describe('name check', () => {
    const check = (body: Record<string, unknown>, u?: TestUser) => (u ? t.http().post('/api/validate/check-name').set(as(u)) : t.http().post('/api/validate/check-name')).send(body);

    it('finds user, organization and repository names taken in any case; reserved and invalid names are not available', async () => {
      expect((await check({ name: alice.username.toUpperCase() }).expect(200)).body).toMatchObject({ available: false, conflict_with: alice.username });
      const free = uniqueName('Free-Name.x');
      expect((await check({ name: free }).expect(200)).body).toEqual({ available: true, normalized_name: free.toLowerCase().replace(/[-.]/g, '_'), conflict_with: null, message: 'Name is available' });
      expect((await check({ name: 'Settings' }).expect(200)).body).toMatchObject({ available: false, conflict_with: null, message: expect.stringMatching(/reserved/) });
      expect((await check({ name: 'bad name' }).expect(200)).body).toMatchObject({ available: false, conflict_with: null });

      const id = await repoWithFiles(1);
      const [ns, name] = id.split('/');
      const taken = await check({ namespace: ns.toUpperCase(), name: name.toUpperCase(), type: 'model' }).expect(200);
      expect(taken.body).toMatchObject({ available: false, conflict_with: id, normalized_name: name.toLowerCase().replace(/[-.]/g, '_') });
      expect((await check({ namespace: ns, name, type: 'dataset' }).expect(200)).body.available).toBe(true);
      expect((await check({ namespace: ns, name: 'x--y' }).expect(200)).body).toMatchObject({ available: false, conflict_with: null });
    });

    it('does not reveal private repositories to those who may not read them; refuses malformed bodies', async () => {
      const id = await repoWithFiles(1, { private: true });
      const [namespace, name] = id.split('/');
      expect((await check({ namespace, name }, alice).expect(200)).body).toMatchObject({ available: false, conflict_with: id });
      expect((await check({ namespace, name }, bob).expect(200)).body).toMatchObject({ available: true, conflict_with: null });
      expect((await check({ namespace, name }).expect(200)).body.available).toBe(true);
      expectHfError(await check({}), 400, 'ValidationError');
      expectHfError(await check({ name: ['a'] }), 400, 'ValidationError');
      expectHfError(await check({ name: 'a', type: 'kernel' }), 400, 'ValidationError');
    });
  });

  describe('profiles', () => {
    it('answers user and organization overviews and members; unknown names are 404', async () => {
      const id = await repoWithFiles(1);
      await repoWithFiles(1, { private: true });
      const overview = await t.http().get(`/api/users/${alice.username.toUpperCase()}/overview`).expect(200);
      expect(overview.body).toMatchObject({ user: alice.username, type: 'user', orgs: [] });
      const { rows } = await t.db.query(`SELECT count(*)::int AS n FROM repositories r JOIN namespaces n ON n.id = r.namespace_id WHERE n.name = $1 AND r.type = 'model' AND NOT r.private`, [alice.username]);
      expect(overview.body.numModels).toBe(rows[0].n);
      expect(id.startsWith(`${alice.username}/`)).toBe(true);
      const org = uniqueName('org');
      await t.http().post('/org/create').set(as(alice)).send({ name: org, description: 'research' }).expect(200);
      await t.http().post(`/org/${org}/members`).set(as(alice)).send({ username: bob.username, role: 'member' }).expect(200);
      expect((await t.http().get(`/api/organizations/${org}/overview`).expect(200)).body).toMatchObject({ name: org, type: 'org', details: 'research', numUsers: 2, numModels: 0 });
      const members = await t.http().get(`/api/organizations/${org}/members?limit=1`).expect(200);
      expect(members.body).toHaveLength(1);
      expect(members.headers.link).toMatch(/rel="next"/);
      const all = await t.http().get(`/api/organizations/${org}/members`).expect(200);
      expect(all.body.map((m: { user: string; role: string }) => [m.user, m.role]).sort()).toEqual([[alice.username, 'admin'], [bob.username, 'write']].sort());
      expect((await t.http().get(`/api/users/${alice.username}/overview`).expect(200)).body.orgs).toEqual([{ name: org, fullname: org, avatarUrl: `${t.baseUrl}/api/organizations/${org}/avatar` }]);
      expectHfError(await t.http().get(`/api/users/${uniqueName('ghost')}/overview`), 404, 'UserNotFound');
      expectHfError(await t.http().get(`/api/organizations/${uniqueName('ghost')}/overview`), 404, 'OrgNotFound');
      expectHfError(await t.http().get(`/api/organizations/${uniqueName('ghost')}/members`), 404, 'OrgNotFound');
    });
  });
});

describe('stats: HANGAR_DOWNLOAD_COUNTING=false', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ HANGAR_DOWNLOAD_COUNTING: 'false' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves downloads without recording a session or moving a counter', async () => {
    const alice = await createUserWithToken(t);
    const name = uniqueName('m');
    await createRepo(t, alice.token, name).expect(200);
    const id = `${alice.username}/${name}`;
    await commit(t, alice.token, id, [header('one file'), file('a.txt', 'hello')]).expect(200);
    await t.http().get(`/${id}/resolve/main/a.txt`).set('Authorization', `Bearer ${alice.token}`).expect(200, 'hello');
    await t.http().get(`/${id}/resolve/main/a.txt`).expect(200, 'hello');
    await t.app.get(DownloadRecorder).flush();
    const { rows } = await t.db.query(`SELECT count(*)::int AS n FROM download_sessions`);
    expect(rows[0].n).toBe(0);
    expect((await t.http().get(`/api/models/${id}`).expect(200)).body).toMatchObject({ downloads: 0, downloadsAllTime: 0 });
  });
});
