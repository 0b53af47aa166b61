import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createUserWithToken, TestUser, uniqueName } from '../support/accounts';
import { git, gitUrl, scratchDirs } from '../support/git-cli';
import { expectHfError } from '../support/hf-error';
import { commit, createRepo, file, header } from '../support/repos';
import { startTestApp, TestApp } from '../support/test-app';
import { Receiver, startReceiver } from '../support/webhook-receiver';
import { WebhookActivityRetentionJob } from '../../src/webhooks/delivery/activity-retention.job';

/**
 * Webhooks (issue 20) against a real HTTP receiver on loopback (so these apps allow private
 * targets): one payload per commit, push, pull request merge and comment, with the secret
 * header; retries with backoff; replay; two nodes sending each delivery once; the payloads of
 * repository lifecycle events; webhooks hear only of repositories their owner may read.
 */
describe('webhooks', () => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let rx: Receiver;
  const dirs = scratchDirs('hangar-webhooks-');

  beforeAll(async () => {
    // A long safety poll: deliveries arrive because the commit's NOTIFY wakes the senders (of both nodes).
    t = await startTestApp({ HANGAR_WEBHOOK_ALLOW_PRIVATE: 'true', HANGAR_WEBHOOK_RETRY_BASE_MS: '20', HANGAR_WEBHOOK_POLL_MS: '600000', HANGAR_WEBHOOK_TIMEOUT_MS: '5000' });
    alice = await createUserWithToken(t);
    bob = await createUserWithToken(t);
    rx = await startReceiver();
  });
  afterEach(() => rx.answerWith(() => ({ status: 200 })));
  afterAll(async () => {
    dirs.cleanup();
    await rx.close();
    await t.close();
  });

  const bearer = (u: TestUser) => ({ Authorization: `Bearer ${u.token}` });

  async function newRepo(owner = alice, extra: Record<string, unknown> = {}): Promise<string> {
    const name = uniqueName('wr');
    await createRepo(t, owner.token, name, extra).expect(200);
    return `${owner.username}/${name}`;
  }

  async function newHook(as: TestUser, watched: { type: string; name: string }[], extra: Record<string, unknown> = {}): Promise<string> {
    const res = await t.http().post('/api/settings/webhooks').set(bearer(as)).send({ url: rx.url, watched, secret: 'sekret', ...extra }).expect(200);
    return res.body.webhook.id;
  }

  /** Waits until every delivery of the webhook is finished; returns the activity log (oldest first). */
  async function settled(hook: string, as = alice, expected?: number) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const log = (await t.http().get(`/api/settings/webhooks/${hook}/deliveries`).set(bearer(as)).expect(200)).body.reverse();
      if (log.every((d: { status: string }) => d.status !== 'pending') && (expected === undefined || log.length >= expected)) return log;
      if (Date.now() > deadline) throw new Error(`deliveries still pending: ${JSON.stringify(log)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const bodiesFor = (hook: string) => rx.received.filter((r) => r.body.webhook?.id === hook);

  it('a commit delivers one repo.content payload with the secret header, its ref change and absolute links', async () => {
    const id = await newRepo();
    const hook = await newHook(alice, [{ type: 'model', name: id }]);
    const before = (await t.http().get(`/api/models/${id}/revision/main`).expect(200)).body.sha;
    const res = await commit(t, alice.token, id, [header('add a'), file('a.txt', 'a\n')]).expect(200);
    const log = await settled(hook, alice, 1);
    expect(log.map((d: any) => [d.event.scope, d.status])).toEqual([['repo.content', 'delivered']]);
    const [got] = bodiesFor(hook);
    expect(got.headers['x-webhook-secret']).toBe('sekret');
    expect(got.body).toMatchObject({
      event: { action: 'update', scope: 'repo.content' },
      repo: { type: 'model', name: id, private: false, headSha: res.body.commitOid, url: { web: `${t.baseUrl}/${id}`, api: `${t.baseUrl}/api/models/${id}` } },
      updatedRefs: [{ ref: 'refs/heads/main', oldSha: before, newSha: res.body.commitOid }],
      webhook: { id: hook, version: 3 },
    });
    expect(bodiesFor(hook)).toHaveLength(1);
  });

  it('a git push delivers one payload; an atomic push of two refs folds both into its updatedRefs', async () => {
    const id = await newRepo();
    const hook = await newHook(alice, [{ type: 'user', name: alice.username }], { domains: ['repo'] });
    const work = dirs.make();
    const remote = gitUrl(t.baseUrl, id, { user: alice.username, token: alice.token });
    await git(work, 'clone', '-q', remote, 'c');
    const c = path.join(work, 'c');
    writeFileSync(path.join(c, 'pushed.txt'), 'pushed\n');
    await git(c, 'add', '.');
    await git(c, 'commit', '-qm', 'pushed');
    await git(c, 'push', '-q', 'origin', 'main');
    const head = (await git(c, 'rev-parse', 'HEAD')).trim();
    let log = await settled(hook, alice, 1);
    expect(log).toHaveLength(1);
    expect(bodiesFor(hook)[0].body.updatedRefs).toEqual([{ ref: 'refs/heads/main', oldSha: expect.stringMatching(/^[0-9a-f]{40}$/), newSha: head }]);

    await git(c, 'tag', 'v1');
    await git(c, 'branch', 'dev');
    // Atomic: both refs move in one transaction (a plain push moves each in its own: one payload per ref).
    await git(c, 'push', '-q', '--atomic', 'origin', 'v1', 'dev');
    log = await settled(hook, alice, 2);
    expect(log).toHaveLength(2);
    const refs = bodiesFor(hook)[1].body.updatedRefs.map((r: any) => [r.ref, r.oldSha, r.newSha]).sort();
    expect(refs).toEqual([
      ['refs/heads/dev', null, head],
      ['refs/tags/v1', null, head],
    ]);
  });

  it('a pull request: opening, a comment and the merge each deliver one discussion payload', async () => {
    const id = await newRepo();
    const hook = await newHook(alice, [{ type: 'model', name: id }], { domains: ['discussion'] });
    const opened = await commit(t, bob.token, id, [header('Add b', { description: 'please merge' }), file('b.txt', 'b\n')], { query: '?create_pr=1' }).expect(200);
    const num = Number(opened.body.pullRequestUrl.split('/').pop());
    await settled(hook, alice, 1);
    const comment = await t.http().post(`/api/models/${id}/discussions/${num}/comment`).set(bearer(alice)).send({ comment: 'looks good' }).expect(200);
    await settled(hook, alice, 2);
    await t.http().post(`/api/models/${id}/discussions/${num}/merge`).set(bearer(alice)).send({}).expect(200);
    const log = await settled(hook, alice, 3);
    expect(log.map((d: any) => `${d.event.action} ${d.event.scope}`)).toEqual(['create discussion', 'create discussion.comment', 'update discussion']);
    const [open, commented, merged] = bodiesFor(hook).map((r) => r.body);
    expect(open.discussion).toMatchObject({ num, isPullRequest: true, status: 'open', title: 'Add b', changes: { base: 'refs/heads/main' }, url: { web: `${t.baseUrl}/${id}/discussions/${num}` } });
    expect(open.comment).toMatchObject({ content: 'please merge', hidden: false });
    expect(commented.comment).toMatchObject({ id: comment.body.newMessage.id, content: 'looks good', url: { web: `${t.baseUrl}/${id}/discussions/${num}#${comment.body.newMessage.id}` } });
    const main = (await t.http().get(`/api/models/${id}/revision/main`).expect(200)).body.sha;
    expect(merged.discussion).toMatchObject({ status: 'merged', changes: { base: 'refs/heads/main', mergeCommitId: main } });
    expect(bodiesFor(hook).every((r) => r.headers['x-webhook-secret'] === 'sekret')).toBe(true);
  });

  it('a receiver failing 3 times gets the delivery on the 4th try; the activity log shows each attempt', async () => {
    const id = await newRepo();
    const hook = await newHook(alice, [{ type: 'model', name: id }]);
    let calls = 0;
    rx.answerWith((_n, body) => (body.webhook?.id === hook && ++calls <= 3 ? { status: 503 } : { status: 200 }));
    await commit(t, alice.token, id, [header('retry me'), file('r.txt', 'r\n')]).expect(200);
    const [d] = await settled(hook, alice, 1);
    expect({ status: d.status, attempts: d.attempts }).toEqual({ status: 'delivered', attempts: 4 });
    const details = (await t.http().get(`/api/settings/webhooks/${hook}/deliveries/${d.id}`).set(bearer(alice)).expect(200)).body;
    expect(details.attemptLog.map((a: any) => a.statusCode)).toEqual([503, 503, 503, 200]);
    expect(details.attemptLog[0].responseExcerpt).toBe('nope 503');
    expect(details.attemptLog.every((a: any) => typeof a.latencyMs === 'number')).toBe(true);
    const got = bodiesFor(hook);
    expect(got.map((r) => r.answered)).toEqual([503, 503, 503, 200]);
    expect(new Set(got.map((r) => r.headers['x-hangar-delivery'])).size).toBe(1);
  });

  it('replay sends a past delivery again, as a new delivery', async () => {
    const id = await newRepo();
    const hook = await newHook(alice, [{ type: 'model', name: id }]);
    await commit(t, alice.token, id, [header('once'), file('o.txt', 'o\n')]).expect(200);
    const [first] = await settled(hook, alice, 1);
    const replay = await t.http().post(`/api/settings/webhooks/${hook}/deliveries/${first.id}/replay`).set(bearer(alice)).send({}).expect(200);
    expect(replay.body).toMatchObject({ replayOf: first.id, status: 'pending' });
    await settled(hook, alice, 2);
    const [a, b] = bodiesFor(hook);
    expect(b.body).toEqual(a.body);
    expect(b.headers['x-hangar-delivery']).toBe(replay.body.id);
    expectHfError(await t.http().post(`/api/settings/webhooks/${hook}/deliveries/${first.id}/replay`).set(bearer(bob)).send({}), 404, 'WebhookNotFound');
  });

  it('the daily retention forgets deliveries finished more than 30 days ago, and only those', async () => {
    const id = await newRepo();
    const hook = await newHook(alice, [{ type: 'model', name: id }]);
    await commit(t, alice.token, id, [header('old'), file('old.txt', 'o\n')]).expect(200);
    await commit(t, alice.token, id, [header('new'), file('new.txt', 'n\n')]).expect(200);
    const [old, recent] = await settled(hook, alice, 2);
    await t.db.query(`UPDATE webhook_deliveries SET finished_at = now() - interval '31 days' WHERE public_id = $1`, [old.id]);
    await t.app.get(WebhookActivityRetentionJob).run();
    const left = (await t.http().get(`/api/settings/webhooks/${hook}/deliveries`).set(bearer(alice)).expect(200)).body;
    expect(left.map((d: any) => d.id)).toEqual([recent.id]);
  });

  it('repository create, settings, move and delete each deliver their payload to a namespace watcher', async () => {
    const hook = await newHook(alice, [{ type: 'user', name: alice.username }], { domains: ['repo'] });
    const id = await newRepo();
    await t.http().put(`/api/models/${id}/settings`).set(bearer(alice)).send({ private: true }).expect(200);
    const moved = `${alice.username}/${uniqueName('moved')}`;
    await t.http().post('/api/repos/move').set(bearer(alice)).send({ fromRepo: id, toRepo: moved, type: 'model' }).expect(200);
    await t.http().delete('/api/repos/delete').set(bearer(alice)).send({ name: moved, type: 'model' }).expect(200);
    const log = await settled(hook, alice, 4);
    expect(log.map((d: any) => `${d.event.action} ${d.event.scope}`)).toEqual(['create repo', 'update repo.config', 'move repo', 'delete repo']);
    const [created, config, move, deleted] = bodiesFor(hook).map((r) => r.body);
    expect(created.repo).toMatchObject({ name: id, headSha: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect(config).toMatchObject({ repo: { name: id, private: true }, updatedConfig: { private: true } });
    expect(move).toMatchObject({ repo: { name: id }, movedTo: { name: moved } });
    expect(deleted.repo).toMatchObject({ name: moved, private: true });
  });

  it("a webhook hears only of repositories its owner may read; nobody else sees or changes it", async () => {
    const org = uniqueName('worg');
    await t.http().post('/org/create').set(bearer(alice)).send({ name: org }).expect(200);
    const hook = await newHook(bob, [{ type: 'org', name: org }]);
    const secret = uniqueName('sec');
    await createRepo(t, alice.token, secret, { organization: org, private: true }).expect(200);
    expectHfError(await t.http().post('/api/settings/webhooks').set(bearer(bob)).send({ url: rx.url, watched: [{ type: 'model', name: `${org}/${secret}` }] }), 400, 'WatchedItemNotFound');
    const open = uniqueName('pub');
    await createRepo(t, alice.token, open, { organization: org }).expect(200);
    await commit(t, alice.token, `${org}/${secret}`, [header('hidden'), file('h.txt', 'h\n')]).expect(200);
    await commit(t, alice.token, `${org}/${open}`, [header('seen'), file('s.txt', 's\n')]).expect(200);
    const log = await settled(hook, bob, 2);
    expect(log).toHaveLength(2);
    expect(bodiesFor(hook).map((r) => r.body.repo.name)).toEqual([`${org}/${open}`, `${org}/${open}`]);
    expectHfError(await t.http().get(`/api/settings/webhooks/${hook}`).set(bearer(alice)), 404, 'WebhookNotFound');
    expectHfError(await t.http().delete(`/api/settings/webhooks/${hook}`).set(bearer(alice)), 404, 'WebhookNotFound');
    expect((await t.http().get('/api/settings/webhooks').set(bearer(alice)).expect(200)).body.map((w: any) => w.id)).not.toContain(hook);
  });

  it('an organization admin manages the webhooks of the organization', async () => {
    const org = uniqueName('worg');
    await t.http().post('/org/create').set(bearer(alice)).send({ name: org }).expect(200);
    await t.http().post(`/org/${org}/members`).set(bearer(alice)).send({ username: bob.username, role: 'member' }).expect(200);
    expectHfError(await t.http().post('/api/settings/webhooks').set(bearer(bob)).send({ url: rx.url, watched: [{ type: 'org', name: org }], namespace: org }), 400, 'WebhookOwnerRefused');
    const created = await t.http().post('/api/settings/webhooks').set(bearer(alice)).send({ url: rx.url, watched: [{ type: 'org', name: org }], namespace: org }).expect(200);
    expect(created.body.webhook).toMatchObject({ owner: org, domains: ['repo', 'discussion'], secret: null, disabled: false, job: null });
    const hook = created.body.webhook.id;
    expectHfError(await t.http().get(`/api/settings/webhooks/${hook}`).set(bearer(bob)), 404, 'WebhookNotFound');
    await t.http().put(`/org/${org}/members/${bob.username}`).set(bearer(alice)).send({ role: 'admin' }).expect(200);
    expect((await t.http().get(`/api/settings/webhooks/${hook}`).set(bearer(bob)).expect(200)).body.webhook.owner).toBe(org);
    expect((await t.http().get('/api/settings/webhooks').set(bearer(bob)).expect(200)).body.map((w: any) => w.id)).toContain(hook);
    await t.http().post(`/api/settings/webhooks/${hook}/disable`).set(bearer(bob)).expect(200);
  });

  it('disabled webhooks queue nothing; update keeps what it is not given', async () => {
    const id = await newRepo();
    const hook = await newHook(alice, [{ type: 'model', name: id }]);
    const disabled = await t.http().post(`/api/settings/webhooks/${hook}/disable`).set(bearer(alice)).expect(200);
    expect(disabled.body.webhook.disabled).toBe(true);
    await commit(t, alice.token, id, [header('unheard'), file('u.txt', 'u\n')]).expect(200);
    expect(await settled(hook)).toEqual([]);
    await t.http().post(`/api/settings/webhooks/${hook}/enable`).set(bearer(alice)).expect(200);
    const updated = await t.http().post(`/api/settings/webhooks/${hook}`).set(bearer(alice)).send({ watched: [], url: null, domains: ['discussions'], secret: null }).expect(200);
    expect(updated.body.webhook).toMatchObject({ url: rx.url, watched: [{ type: 'model', name: id }], domains: ['discussion'], secret: 'sekret', disabled: false });
    await t.http().delete(`/api/settings/webhooks/${hook}`).set(bearer(alice)).expect(200);
    expectHfError(await t.http().get(`/api/settings/webhooks/${hook}`).set(bearer(alice)), 404, 'WebhookNotFound');
  });

  it('two nodes never deliver the same event twice', async () => {
    const peer = await t.startPeer();
    try {
      const id = await newRepo();
      const hook = await newHook(alice, [{ type: 'model', name: id }]);
      const N = 24;
      // In waves of concurrent commits on both nodes, so several deliveries are due at once and the four senders compete.
      for (let wave = 0; wave < N; wave += 6) {
        await Promise.all(
          [0, 1, 2, 3, 4, 5].map((k) => {
            const i = wave + k;
            const node = i % 2 ? peer : t;
            return commit({ ...t, http: node.http }, alice.token, id, [header(`c${i}`), file(`f${i}.txt`, `${i}\n`)]).expect(200);
          }),
        );
      }
      const log = await settled(hook, alice, N);
      expect(log).toHaveLength(N);
      const got = bodiesFor(hook);
      const perDelivery = new Map<string, number>();
      for (const r of got) perDelivery.set(String(r.headers['x-hangar-delivery']), (perDelivery.get(String(r.headers['x-hangar-delivery'])) ?? 0) + 1);
      expect({ deliveries: perDelivery.size, posts: got.length, maxPerDelivery: Math.max(...perDelivery.values()) }).toEqual({ deliveries: N, posts: N, maxPerDelivery: 1 });
    } finally {
      await peer.close();
    }
  });

  it('a redirect is not followed: the attempt fails with the Location named, and its target gets nothing', async () => {
    const other = await startReceiver();
    try {
      const id = await newRepo();
      const hook = await newHook(alice, [{ type: 'model', name: id }]);
      rx.answerWith((_n, body) => (body.webhook?.id === hook ? { status: 302, headers: { Location: other.url } } : { status: 200 }));
      await t.http().post(`/api/settings/webhooks/${hook}`).set(bearer(alice)).send({ domains: ['repo'] }).expect(200);
      await commit(t, alice.token, id, [header('redirected'), file('x.txt', 'x\n')]).expect(200);
      await rx.waitFor((r) => r.filter((x) => x.body.webhook?.id === hook).length >= 2);
      const [d] = (await t.http().get(`/api/settings/webhooks/${hook}/deliveries`).set(bearer(alice)).expect(200)).body;
      expect(d.lastAttempt).toMatchObject({ statusCode: 302, error: expect.stringContaining(`redirect to ${other.url} not followed`) });
      expect(other.received).toHaveLength(0);
      await t.http().post(`/api/settings/webhooks/${hook}/disable`).set(bearer(alice)).expect(200);
    } finally {
      await other.close();
    }
  });
});

describe('webhooks without HANGAR_WEBHOOK_ALLOW_PRIVATE (SSRF)', () => {
  let t: TestApp;
  let alice: TestUser;
  let rx: Receiver;

  beforeAll(async () => {
    t = await startTestApp({ HANGAR_WEBHOOK_RETRY_BASE_MS: '20', HANGAR_WEBHOOK_MAX_ATTEMPTS: '2', HANGAR_WEBHOOK_POLL_MS: '200' });
    alice = await createUserWithToken(t);
    rx = await startReceiver();
  });
  afterAll(async () => {
    await rx.close();
    await t.close();
  });

  it.each(['http://127.0.0.1:9/hook', 'http://localhost/hook', 'http://[::1]/hook', 'http://10.1.2.3/', 'http://169.254.169.254/latest/meta-data', 'http://[fd00::1]/', 'http://[::ffff:127.0.0.1]/', 'http://0.0.0.0/'])(
    'refuses a webhook to %s',
    async (url) => {
      const res = await t.http().post('/api/settings/webhooks').set('Authorization', `Bearer ${alice.token}`).send({ url, watched: [{ type: 'user', name: alice.username }] });
      expectHfError(res, 400, 'WebhookTargetRefused');
    },
  );

  it.each([
    ['an address', (u: string) => u, 'target refused: 127.0.0.1 is a private address'],
    ['a name', (u: string) => u.replace('127.0.0.1', 'localhost'), 'target refused: localhost resolves to'],
  ])('checks again when sending: a target that became private (%s, DNS changed) is refused, and nothing reaches it', async (_what, target, error) => {
    const name = uniqueName('ssrf');
    await createRepo(t, alice.token, name).expect(200);
    const ok = await t.http().post('/api/settings/webhooks').set('Authorization', `Bearer ${alice.token}`).send({ url: 'http://hooks.example.invalid/x', watched: [{ type: 'model', name: `${alice.username}/${name}` }] }).expect(200);
    // What a DNS change would do: the saved target now points at loopback.
    await t.db.query(`UPDATE webhooks SET url = $1 WHERE public_id = $2`, [target(rx.url), ok.body.webhook.id]);
    await commit(t, alice.token, `${alice.username}/${name}`, [header('c'), file('c.txt', 'c\n')]).expect(200);
    const deadline = Date.now() + 30_000;
    let d: any;
    for (;;) {
      [d] = (await t.http().get(`/api/settings/webhooks/${ok.body.webhook.id}/deliveries`).set('Authorization', `Bearer ${alice.token}`).expect(200)).body;
      if (d?.status === 'failed') break;
      if (Date.now() > deadline) throw new Error(JSON.stringify(d));
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(d).toMatchObject({ attempts: 2, lastAttempt: { statusCode: null, error: expect.stringContaining(error) } });
    expect(rx.received).toHaveLength(0);
  });
});
