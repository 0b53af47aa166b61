import { existsSync, rmSync } from 'node:fs';
import request from 'supertest';
import { EventPruneJob } from '../../src/admin/events/event-prune.job';
import { createUserWithToken, type TestUser } from '../support/accounts';
import { freePort, freshDataDir, MAIN, startHangarProcess, waitFor, type HangarProcess } from '../support/hangar-process';
import { commit, createRepo, file, header } from '../support/repos';
import { eventData, openSse, type SseConnection } from '../support/sse';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../support/test-app';

/**
 * Issue 16, events: `GET /admin/api/events` is one cluster-wide stream. Node A runs in this
 * process, node B is a second Hangar process (`node dist/src/main.js`) on the same database and
 * object store: nothing but PostgreSQL's LISTEN/NOTIFY and the event log connects them.
 */
describe('admin event stream, on two processes', () => {
  let t: TestApp;
  let nodeB: HangarProcess;
  let bUrl: string;
  let bDataDir: string;
  let user: TestUser;
  const streams: SseConnection[] = [];

  const adminStream = async (base: string, query = '', headers: Record<string, string> = {}) => {
    const s = await openSse(`${base}/admin/api/events${query}`, { 'X-Admin-Token': ADMIN_TOKEN, ...headers });
    streams.push(s);
    return s;
  };
  /** node B as a TestApp for the request helpers. */
  const onB = () => ({ http: () => request(bUrl) }) as unknown as TestApp;
  const isCommitTo = (repo: string, oid: string) => (e: { event: string | null; data: string }) =>
    e.event === 'ref.updated' && eventData(e as never).data.repo === repo && eventData(e as never).data.new === oid;

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error('dist/src/main.js is missing: run `npx nest build` first (npm test does)');
    t = await startTestApp({ HANGAR_EVENTS_HEARTBEAT_SECONDS: '1' });
    if (t.config.storage.driver !== 'fs') throw new Error('this test shares the fs store between the nodes');
    const port = await freePort();
    bUrl = `http://127.0.0.1:${port}`;
    bDataDir = freshDataDir('hangar-events-b-');
    nodeB = startHangarProcess({
      HANGAR_HOST: '127.0.0.1',
      HANGAR_PORT: String(port),
      HANGAR_DATA_DIR: bDataDir,
      HANGAR_DATABASE_URL: t.databaseUrl,
      HANGAR_STORAGE_ROOT: t.config.storage.root,
      HANGAR_SECRET: t.config.secret!,
      HANGAR_ADMIN_TOKEN: ADMIN_TOKEN,
      HANGAR_DATABASE_POOL_SIZE: '3',
      HANGAR_LOG_LEVEL: 'warn',
    });
    await waitFor(`${bUrl}/health/ready`, Date.now() + 60_000);
    user = await createUserWithToken(t);
  }, 90_000);

  afterAll(async () => {
    for (const s of streams) s.close();
    nodeB?.child.kill('SIGTERM');
    await nodeB?.exited;
    rmSync(bDataDir, { recursive: true, force: true });
    await t?.close();
  });

  it('delivers a commit made on node B to a client of node A within 2 s', async () => {
    const stream = await adminStream(t.baseUrl);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await createRepo(onB(), user.token, 'on-b').expect(200);
    const res = await commit(onB(), user.token, `${user.username}/on-b`, [header('from node B'), file('b.txt', 'hello from B')]).expect(200);
    const oid: string = res.body.commitOid;
    const e = await stream.waitFor(isCommitTo(`${user.username}/on-b`, oid), 2000);
    expect(eventData(e)).toMatchObject({
      type: 'ref.updated',
      actor: `user:${user.username}`,
      target: `model:${user.username}/on-b`,
      data: { ref: 'refs/heads/main', change: 'updated', new: oid },
    });
    expect(e.id).toBe(String(eventData(e).id));
    // The repository's creation came through too, before its first ref moved.
    const created = stream.events.find((x) => x.event === 'repo.created' && eventData(x).target === `model:${user.username}/on-b`);
    expect(created).toBeDefined();
    expect(Number(created!.id)).toBeLessThan(Number(e.id));
  });

  it('replays what a client missed when it reconnects with Last-Event-ID (header or query), and only that', async () => {
    const first = await adminStream(bUrl);
    const before = await commit(t, user.token, `${user.username}/on-b`, [header('seen'), file('seen.txt', 'seen')]).expect(200);
    const seen = await first.waitFor(isCommitTo(`${user.username}/on-b`, before.body.commitOid), 2000);
    first.close();

    // Made while nobody listens, one on each node.
    const missedA = await commit(t, user.token, `${user.username}/on-b`, [header('missed on A'), file('m1.txt', '1')]).expect(200);
    const missedB = await commit(onB(), user.token, `${user.username}/on-b`, [header('missed on B'), file('m2.txt', '2')]).expect(200);

    const resumes: { headers: Record<string, string>; query: string }[] = [
      { headers: { 'Last-Event-ID': seen.id! }, query: '' },
      { headers: {}, query: `?last_event_id=${seen.id}` },
    ];
    for (const resume of resumes) {
      const again = await adminStream(t.baseUrl, resume.query, resume.headers);
      const a = await again.waitFor(isCommitTo(`${user.username}/on-b`, missedA.body.commitOid), 2000);
      const b = await again.waitFor(isCommitTo(`${user.username}/on-b`, missedB.body.commitOid), 2000);
      expect(Number(a.id)).toBeLessThan(Number(b.id));
      expect(again.events.every((x) => Number(x.id) > Number(seen.id))).toBe(true);
      // Still live after the replay.
      const live = await commit(onB(), user.token, `${user.username}/on-b`, [header('live'), file(`live-${resume.query ? 'q' : 'h'}.txt`, 'x')]).expect(200);
      await again.waitFor(isCommitTo(`${user.username}/on-b`, live.body.commitOid), 2000);
      again.close();
    }
  });

  it('sends heartbeat comment lines while nothing happens', async () => {
    const stream = await adminStream(t.baseUrl, '?types=no.such.type');
    const comment = await stream.waitForComment(3000);
    expect(comment).toMatch(/^heartbeat/);
  });

  it('reports admin actions, accounts, repository deletes, quota refusals and failed sign-ins', async () => {
    const stream = await adminStream(bUrl);
    const name = `ev-${process.pid}`;
    await t.http().post('/admin/api/users').set('X-Admin-Token', ADMIN_TOKEN).send({ username: name, email: `${name}@example.com`, password: 'a-long-enough-password' }).expect(200);
    await t.http().post('/api/auth/login').send({ username: name, password: 'wrong-password' }).expect(401);
    await t.http().put(`/admin/api/users/${user.username}/quota`).set('X-Admin-Token', ADMIN_TOKEN).send({ private_quota_bytes: 10, public_quota_bytes: 10 }).expect(200);
    const refused = await commit(t, user.token, `${user.username}/on-b`, [header('too big'), file('big.txt', 'x'.repeat(4096))]);
    expect(refused.status).toBe(413);
    await t.http().delete('/api/repos/delete').set('Authorization', `Bearer ${user.token}`).send({ name: 'on-b', type: 'model' }).expect(200);
    await t.http().delete(`/admin/api/users/${name}`).set('X-Admin-Token', ADMIN_TOKEN).expect(200);

    const byType = (type: string, target: string) => stream.waitFor((e) => e.event === type && eventData(e).target === target, 2000);
    expect(eventData(await byType('user.created', `user:${name}`)).actor).toBeNull();
    const action = eventData(await byType('admin.action', `user:${name}`));
    expect(action).toMatchObject({ actor: expect.stringMatching(/^admin:/), data: { action: 'user.create', result: 'success', status: 200 } });
    expect(JSON.stringify(action)).not.toContain('a-long-enough-password');
    expect(eventData(await byType('auth.login_failed', `login:${name}`)).data).toHaveProperty('address');
    expect(eventData(await byType('quota.refused', `namespace:${user.username}`))).toMatchObject({ actor: `user:${user.username}`, data: { method: 'POST' } });
    expect(eventData(await byType('repo.deleted', `model:${user.username}/on-b`)).actor).toBe(`user:${user.username}`);
    await byType('user.deleted', `user:${name}`);
  });

  it('ends after the stored events with follow=false, filtered by type', async () => {
    const s = await adminStream(t.baseUrl, '?last_event_id=0&follow=false&types=user.');
    await s.ended;
    expect(s.events.length).toBeGreaterThan(0);
    expect(s.events.every((e) => e.event!.startsWith('user.'))).toBe(true);
  });

  it('is for admins only, and refuses a malformed Last-Event-ID', async () => {
    const anonymous = await fetch(`${t.baseUrl}/admin/api/events`);
    expect(anonymous.status).toBe(401);
    const asUser = await fetch(`${t.baseUrl}/admin/api/events`, { headers: { Authorization: `Bearer ${user.token}` } });
    expect(asUser.status).toBe(403);
    expect(asUser.headers.get('x-error-code')).toBeTruthy();
    const bad = await fetch(`${t.baseUrl}/admin/api/events`, { headers: { 'X-Admin-Token': ADMIN_TOKEN, 'Last-Event-ID': 'abc' } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('x-error-code')).toBe('ValidationError');
  });

  it('ends open streams when a node shuts down, so the shutdown is not held up', async () => {
    const peer = await t.startPeer();
    const stream = await adminStream(peer.baseUrl);
    expect(stream.status).toBe(200);
    await peer.close();
    await stream.ended;
  });

  it('prunes events past the retention period, once per run', async () => {
    const [{ id }] = (await t.db.query(`INSERT INTO event_log (type, created_at) VALUES ('admin.action', now() - interval '30 days') RETURNING id`)).rows;
    const kept = (await t.db.query(`SELECT count(*)::int AS n FROM event_log WHERE created_at > now() - interval '1 day'`)).rows[0].n;
    expect(await t.app.get(EventPruneJob).run()).toBeGreaterThanOrEqual(1);
    expect((await t.db.query(`SELECT 1 FROM event_log WHERE id = $1`, [id])).rowCount).toBe(0);
    expect((await t.db.query(`SELECT count(*)::int AS n FROM event_log WHERE created_at > now() - interval '1 day'`)).rows[0].n).toBe(kept);
  });
});
