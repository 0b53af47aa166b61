import { createHash } from 'node:crypto';
import { downloadFile, uploadFile } from '@huggingface/hub';
import { OBJECT_STORE, type ObjectStore } from '../../src/core/storage/object-store';
import { GitGcJob } from '../../src/git/engine/git-gc.job';
import { LfsCleanupJob } from '../../src/lfs/lfs-cleanup.job';
import { QUOTA_METRICS_NAMESPACES } from '../../src/quota/quota-metrics';
import { XetGcJob } from '../../src/xet/storage/xet-gc.job';
import { xorbStorageKey } from '../../src/xet/storage/xet.repository';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createUserWithToken, TestUser } from '../support/accounts';
import { git, gitUrl, runGit, scratchDirs } from '../support/git-cli';
import { expectHfError } from '../support/hf-error';
import { commit, createRepo, file, header } from '../support/repos';
import { ADMIN_TOKEN, startTestApp, TestApp } from '../support/test-app';
import { noise } from '../support/noise';
import { binaryBody } from '../support/binary-body';

/**
 * Quotas: usage is exact after every kind of change (it equals a recount), growth past a quota is
 * refused with the numbers (HF commit 413, LFS batch 507 per object, git push `ng`, visibility
 * change, move), concurrent committers never push usage past a quota, and users cannot raise quotas.
 */

describe('quotas', () => {
  let t: TestApp;
  const dirs = scratchDirs('hangar-quota-');

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    dirs.cleanup();
    await t?.close();
  });

  const setQuota = (ns: string, privateBytes: number | null, publicBytes: number | null) =>
    t.http().put(`/admin/api/quota/${ns}`).set('X-Admin-Token', ADMIN_TOKEN).send({ private_quota_bytes: privateBytes, public_quota_bytes: publicBytes }).expect(200);
  const usage = async (u: TestUser, ns = u.username) => (await t.http().get(`/api/quota/${ns}`).set('Authorization', `Bearer ${u.token}`).expect(200)).body;
  /** What a recount finds (the definition of usage), straight from the rows. */
  const recount = async (ns: string) => {
    const { rows } = await t.db.query(
      `SELECT COALESCE(sum(g.size), 0)::bigint AS git,
              (SELECT COALESCE(sum(o.size), 0) FROM repo_lfs_objects ro JOIN lfs_objects o ON o.oid = ro.oid JOIN repositories r2 ON r2.id = ro.repo_id
                 JOIN namespaces n2 ON n2.id = r2.namespace_id WHERE ro.committed AND lower(n2.name) = lower($1))::bigint AS lfs
         FROM git_objects g JOIN repositories r ON r.id = g.repo_id JOIN namespaces n ON n.id = r.namespace_id WHERE lower(n.name) = lower($1)`,
      [ns],
    );
    return Number(rows[0].git) + Number(rows[0].lfs);
  };
  const adminRecalculate = async (ns: string) => (await t.http().post(`/admin/api/quota/${ns}/recalculate`).set('X-Admin-Token', ADMIN_TOKEN).expect(200)).body;

  it('charges commits exactly, and refuses a commit past the quota with the numbers, leaving nothing committed or charged', async () => {
    const u = await createUserWithToken(t);
    const id = `${u.username}/m`;
    await createRepo(t, u.token, 'm', { private: true }).expect(200);
    await commit(t, u.token, id, [header('one'), file('a.bin', noise(50_000, 'a'))]).expect(200);
    const before = await usage(u);
    expect(before.private_used_bytes).toBe(await recount(u.username));
    expect(before.private_used_bytes).toBeGreaterThan(50_000);
    expect(before.public_used_bytes).toBe(0);

    await setQuota(u.username, before.private_used_bytes + 30_000, null);
    const head = (await t.http().get(`/api/models/${id}`).set('Authorization', `Bearer ${u.token}`).expect(200)).body.sha;
    const refused = await commit(t, u.token, id, [header('two'), file('b.bin', noise(40_000, 'b'))]);
    expectHfError(refused, 413, 'QuotaExceeded');
    expect(refused.body.error).toContain(`Storage quota exceeded for ${u.username} (private storage)`);
    expect(refused.body.quota).toMatchObject({ namespace: u.username, bucket: 'private', quota_bytes: before.private_used_bytes + 30_000 });
    expect((await t.http().get(`/api/models/${id}`).set('Authorization', `Bearer ${u.token}`).expect(200)).body.sha).toBe(head);
    expect((await usage(u)).private_used_bytes).toBe(before.private_used_bytes);

    // The preupload (what the clients ask first) refuses it before any byte is sent.
    const pre = await t
      .http()
      .post(`/api/models/${id}/preupload/main`)
      .set('Authorization', `Bearer ${u.token}`)
      .send({ files: [{ path: 'b.bin', size: 40_000, sample: '' }] });
    expectHfError(pre, 413, 'QuotaExceeded');
    // ... but not a re-upload of what is there.
    await t.http().post(`/api/models/${id}/preupload/main`).set('Authorization', `Bearer ${u.token}`).send({ files: [{ path: 'a.bin', size: 50_000, sample: '' }] }).expect(200);

    await commit(t, u.token, id, [header('fits'), file('c.bin', noise(20_000, 'c'))]).expect(200);
    const after = await usage(u);
    expect(after.private_used_bytes).toBe(await recount(u.username));
    expect(after.private_used_bytes).toBeLessThanOrEqual(before.private_used_bytes + 30_000);
    expect((await adminRecalculate(u.username)).corrections).toEqual([]);

    // Deleting the repository releases everything it held.
    await t.http().delete('/api/repos/delete').set('Authorization', `Bearer ${u.token}`).send({ name: 'm', type: 'model' }).expect(200);
    expect((await usage(u)).private_used_bytes).toBe(0);
  });

  it('16 concurrent committers against a quota that fits only some: usage never passes it and equals a recount', async () => {
    const u = await createUserWithToken(t);
    const id = `${u.username}/race`;
    await createRepo(t, u.token, 'race').expect(200);
    const base = (await usage(u)).public_used_bytes;
    const size = 20_000;
    const quota = base + Math.floor(6.5 * size);
    await setQuota(u.username, null, quota);
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => commit(t, u.token, id, [header(`racer ${i}`), file(`r${i}.bin`, noise(size, `race-${i}`))])));
    const ok = results.filter((r) => r.status === 200).length;
    for (const r of results.filter((x) => x.status !== 200)) expectHfError(r, 413, 'QuotaExceeded');
    expect(ok).toBeGreaterThan(0);
    expect(ok).toBeLessThan(16);
    const after = await usage(u);
    expect(after.public_used_bytes).toBeLessThanOrEqual(quota);
    expect(after.public_used_bytes).toBe(await recount(u.username));
    expect((await adminRecalculate(u.username)).corrections).toEqual([]);
    // Every successful commit is in the history, every refused one is not.
    const files = (await t.http().get(`/api/models/${id}/tree/main`).expect(200)).body.map((e: { path: string }) => e.path).filter((p: string) => p.startsWith('r'));
    expect(files).toHaveLength(ok);
  });

  it('refuses a user raising their own or their org quota (403) and a repository quota above the namespace (400)', async () => {
    const u = await createUserWithToken(t);
    await setQuota(u.username, 1_000_000, 500_000);
    expectHfError(await t.http().put(`/api/quota/${u.username}`).set('Authorization', `Bearer ${u.token}`).send({ quota_bytes: 10 ** 12 }), 403, 'Forbidden');
    const org = `org-${u.username}`;
    await t.http().post('/org/create').set('Authorization', `Bearer ${u.token}`).send({ name: org }).expect(200);
    expectHfError(await t.http().put(`/api/quota/${org}`).set('Authorization', `Bearer ${u.token}`).send({ quota_bytes: 10 ** 12 }), 403, 'Forbidden');
    expect((await usage(u)).private_quota_bytes).toBe(1_000_000);

    await createRepo(t, u.token, 'q').expect(200);
    expectHfError(await t.http().put(`/api/quota/repo/model/${u.username}/q`).set('Authorization', `Bearer ${u.token}`).send({ quota_bytes: 600_000 }), 400, 'QuotaAboveNamespace');
    const set = await t.http().put(`/api/quota/repo/model/${u.username}/q`).set('Authorization', `Bearer ${u.token}`).send({ quota_bytes: 30_000 }).expect(200);
    expect(set.body).toMatchObject({ quota_bytes: 30_000, is_inheriting: false, effective_quota_bytes: 30_000, namespace_quota_bytes: 500_000 });
    // The repository's own quota is enforced too.
    const refused = await commit(t, u.token, `${u.username}/q`, [header('big'), file('big.bin', noise(40_000, 'q'))]);
    expectHfError(refused, 413, 'QuotaExceeded');
    expect(refused.body.quota).toMatchObject({ scope: 'repository', namespace: `${u.username}/q` });

    // Strangers see neither the namespace nor a private repository.
    const stranger = await createUserWithToken(t);
    expectHfError(await t.http().get(`/api/quota/${u.username}`).set('Authorization', `Bearer ${stranger.token}`), 404, 'NotFound');
    const listed = await t.http().get(`/api/quota/${u.username}/repos`).set('Authorization', `Bearer ${u.token}`).expect(200);
    expect(listed.body).toMatchObject({ namespace: u.username, total_repos: 1, repositories: [{ repo_id: `${u.username}/q`, quota_bytes: 30_000, is_inheriting: false }] });
  });

  it('lets an admin-role user set any namespace quota through PUT /api/quota/{namespace} (audited); ordinary users still get 403', async () => {
    const admin = await createUserWithToken(t);
    const owner = await createUserWithToken(t);
    await setQuota(owner.username, 1_000_000, 500_000);
    const put = (who: TestUser, ns: string, body: object) => t.http().put(`/api/quota/${ns}`).set('Authorization', `Bearer ${who.token}`).send(body);
    // Before the role: refused like any user, even for a namespace the caller owns.
    expectHfError(await put(admin, admin.username, { quota_bytes: 10 ** 12 }), 403, 'Forbidden');
    await t.http().patch(`/admin/api/users/${admin.username}`).set('X-Admin-Token', ADMIN_TOKEN).send({ role: 'admin' }).expect(200);

    const both = await put(admin, owner.username, { quota_bytes: 2_000_000 }).expect(200);
    expect(both.body).toMatchObject({ namespace: owner.username, private_quota_bytes: 2_000_000, public_quota_bytes: 2_000_000, quota_bytes: 4_000_000 });
    const one = await put(admin, owner.username, { public_quota_bytes: null }).expect(200);
    expect(one.body).toMatchObject({ private_quota_bytes: 2_000_000, public_quota_bytes: null, quota_bytes: null });
    expect(await usage(owner)).toMatchObject({ private_quota_bytes: 2_000_000, public_quota_bytes: null });
    expectHfError(await put(admin, owner.username, { private_quota_bytes: -1 }), 400, 'ValidationError');
    expectHfError(await put(admin, 'no-such-namespace-xyz', { quota_bytes: 1 }), 404, 'NotFound');
    const audit = await t.http().get(`/admin/api/audit?target=namespace:${owner.username}&action=quota.set`).set('X-Admin-Token', ADMIN_TOKEN).expect(200);
    expect(audit.body.entries).toEqual(expect.arrayContaining([expect.objectContaining({ actor: `user:${admin.username}`, result: 'success' })]));

    // The owner still cannot raise their own quota, and a stranger learns nothing.
    expectHfError(await put(owner, owner.username, { quota_bytes: 10 ** 12 }), 403, 'Forbidden');
    expectHfError(await put(await createUserWithToken(t), owner.username, { quota_bytes: 10 ** 12 }), 404, 'NotFound');
    expect((await usage(owner)).private_quota_bytes).toBe(2_000_000);
  });

  it('shows used and quota bytes per namespace bucket on /metrics, from the stored counters', async () => {
    const u = await createUserWithToken(t);
    await setQuota(u.username, 3_000_000, null);
    await createRepo(t, u.token, 'metered').expect(200);
    await commit(t, u.token, `${u.username}/metered`, [header('one'), file('a.bin', noise(40_000, 'metered'))]).expect(200);
    const series = async () => {
      const text = (await t.http().get('/metrics').expect(200)).text;
      const out = new Map<string, number>();
      for (const m of text.matchAll(/^(hangar_quota_(?:used|limit)_bytes)\{namespace="([^"]+)",bucket="(\w+)"\} (\d+)$/gm)) out.set(`${m[1]} ${m[2]} ${m[3]}`, Number(m[4]));
      return out;
    };
    const got = await series();
    const used = await usage(u);
    expect(used.public_used_bytes).toBeGreaterThan(40_000);
    expect(got.get(`hangar_quota_used_bytes ${u.username} public`)).toBe(used.public_used_bytes);
    expect(got.get(`hangar_quota_used_bytes ${u.username} private`)).toBe(0);
    expect(got.get(`hangar_quota_limit_bytes ${u.username} private`)).toBe(3_000_000);
    // Unlimited: no limit series.
    expect(got.has(`hangar_quota_limit_bytes ${u.username} public`)).toBe(false);
    // Bounded: at most QUOTA_METRICS_NAMESPACES namespaces, two buckets each.
    const namespaces = new Set([...got.keys()].map((k) => k.split(' ')[1]));
    expect(namespaces.size).toBeLessThanOrEqual(QUOTA_METRICS_NAMESPACES);
    // A change shows at the next scrape.
    await setQuota(u.username, 4_000_000, 9_000_000);
    expect((await series()).get(`hangar_quota_limit_bytes ${u.username} public`)).toBe(9_000_000);
  });

  it('moves usage between buckets on a visibility change, and refuses one that does not fit', async () => {
    const u = await createUserWithToken(t);
    const id = `${u.username}/v`;
    await createRepo(t, u.token, 'v', { private: true }).expect(200);
    await commit(t, u.token, id, [header('one'), file('a.bin', noise(30_000, 'v'))]).expect(200);
    const held = (await usage(u)).private_used_bytes;
    await setQuota(u.username, null, 10_000);
    const refused = await t.http().put(`/api/models/${id}/settings`).set('Authorization', `Bearer ${u.token}`).send({ private: false });
    expectHfError(refused, 413, 'QuotaExceeded');
    expect((await t.http().get(`/api/models/${id}`).set('Authorization', `Bearer ${u.token}`).expect(200)).body.private).toBe(true);
    await setQuota(u.username, null, null);
    await t.http().put(`/api/models/${id}/settings`).set('Authorization', `Bearer ${u.token}`).send({ private: false }).expect(200);
    expect(await usage(u)).toMatchObject({ private_used_bytes: 0, public_used_bytes: held });
    // A move into a namespace it does not fit is refused; one that fits carries the usage.
    const org = `org-${u.username}`;
    await t.http().post('/org/create').set('Authorization', `Bearer ${u.token}`).send({ name: org }).expect(200);
    await setQuota(org, null, 1_000);
    expectHfError(await t.http().post('/api/repos/move').set('Authorization', `Bearer ${u.token}`).send({ fromRepo: id, toRepo: `${org}/v` }), 413, 'QuotaExceeded');
    await setQuota(org, null, null);
    await t.http().post('/api/repos/move').set('Authorization', `Bearer ${u.token}`).send({ fromRepo: id, toRepo: `${org}/v` }).expect(200);
    expect((await usage(u)).public_used_bytes).toBe(0);
    expect((await usage(u, org)).public_used_bytes).toBe(held);
  });

  it.each([true, false])('@huggingface/hub (useXet: %s): an upload over quota fails with the quota message, charging nothing; one that fits is counted', async (useXet) => {
    const u = await createUserWithToken(t);
    const repo = { type: 'model' as const, name: `${u.username}/js` };
    await createRepo(t, u.token, 'js').expect(200);
    const before = (await usage(u)).public_used_bytes;
    await setQuota(u.username, null, before + 3_000_000);
    const creds = { accessToken: u.token, hubUrl: t.baseUrl };
    await expect(uploadFile({ repo, ...creds, file: { path: 'big.bin', content: new Blob([noise(4_000_000, 'js-big')]) }, useXet })).rejects.toThrow(/Storage quota exceeded/);
    expect((await usage(u)).public_used_bytes).toBe(before);
    await uploadFile({ repo, ...creds, file: { path: 'small.bin', content: new Blob([noise(2_000_000, 'js-small')]) }, useXet });
    const after = (await usage(u)).public_used_bytes;
    expect(after - before).toBeGreaterThanOrEqual(2_000_000);
    expect(after - before).toBeLessThan(2_000_000 + 4096);
    expect(after).toBe(await recount(u.username));
  });

  it('answers an LFS batch upload that does not fit with a per-object 507', async () => {
    const u = await createUserWithToken(t);
    await createRepo(t, u.token, 'l').expect(200);
    await setQuota(u.username, null, (await usage(u)).public_used_bytes + 1_000);
    const oid = (n: string) => createHash('sha256').update(n).digest('hex');
    const res = await t
      .http()
      .post(`/${u.username}/l.git/info/lfs/objects/batch`)
      .set('Authorization', `Bearer ${u.token}`)
      .set('Accept', 'application/vnd.git-lfs+json')
      .set('Content-Type', 'application/vnd.git-lfs+json')
      .send(JSON.stringify({ operation: 'upload', transfers: ['basic'], objects: [{ oid: oid('small'), size: 500 }, { oid: oid('big'), size: 5_000 }] }))
      .expect(200);
    const body = JSON.parse(res.text);
    expect(body.objects[0].actions.upload).toBeDefined();
    expect(body.objects[1].error).toMatchObject({ code: 507 });
    expect(body.objects[1].error.message).toContain('Storage quota exceeded');
  });

  it('refuses a git push past the quota with a reason git prints, and accepts one that fits', async () => {
    const u = await createUserWithToken(t);
    await createRepo(t, u.token, 'g').expect(200);
    await commit(t, u.token, `${u.username}/g`, [header('init'), file('README.md', '# g\n')]).expect(200);
    const dir = dirs.make();
    await git(dir, 'clone', '-q', gitUrl(t.baseUrl, `${u.username}/g`, { user: u.username, token: u.token }), 'w');
    const work = path.join(dir, 'w');
    const before = (await usage(u)).public_used_bytes;
    await setQuota(u.username, null, before + 20_000);
    writeFileSync(path.join(work, 'big.bin'), noise(60_000, 'push'));
    await git(work, 'add', 'big.bin');
    await git(work, 'commit', '-q', '-m', 'too big');
    const refused = await runGit(['push', 'origin', 'main'], { cwd: work });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('Storage quota exceeded');
    expect((await usage(u)).public_used_bytes).toBe(before);

    await git(work, 'reset', '-q', '--hard', 'HEAD~1');
    writeFileSync(path.join(work, 'small.txt'), noise(5_000, 'small'));
    await git(work, 'add', 'small.txt');
    await git(work, 'commit', '-q', '-m', 'fits');
    await git(work, 'push', '-q', 'origin', 'main');
    const after = (await usage(u)).public_used_bytes;
    expect(after).toBeGreaterThan(before + 5_000);
    expect(after).toBe(await recount(u.username));
  });

  it('garbage collection removes an unreachable git object after the grace period, releases its bytes, and never anything reachable', async () => {
    const u = await createUserWithToken(t);
    const id = `${u.username}/gc`;
    await createRepo(t, u.token, 'gc').expect(200);
    const kept = noise(10_000, 'gc-kept');
    await commit(t, u.token, id, [header('main'), file('kept.bin', kept)]).expect(200);
    await t.http().post(`/api/models/${id}/branch/side`).set('Authorization', `Bearer ${u.token}`).send({}).expect(200);
    await commit(t, u.token, id, [header('side'), file('gone.bin', noise(30_000, 'gc-gone'))], { revision: 'side' }).expect(200);
    const goneOid = (await t.http().get(`/api/models/${id}/tree/side`).expect(200)).body.find((e: { path: string }) => e.path === 'gone.bin').oid;
    await t.http().delete(`/api/models/${id}/branch/side`).set('Authorization', `Bearer ${u.token}`).expect(200);
    const objects = async () => (await t.db.query(`SELECT oid FROM git_objects g JOIN repositories r ON r.id = g.repo_id JOIN namespaces n ON n.id = r.namespace_id WHERE lower(n.name) = lower($1)`, [u.username])).rows.map((r) => r.oid);
    const before = await objects();
    expect(before).toContain(goneOid);
    const usedBefore = (await usage(u)).public_used_bytes;

    // Within the grace period (a push may still be on its way to a ref): nothing goes.
    const gc = t.app.get(GitGcJob);
    await gc.run();
    expect(await objects()).toEqual(before);

    const later = new Date(Date.now() + (t.config.maintenance.sweepGraceSeconds + 60) * 1000);
    expect((await gc.run(later)).objects).toBeGreaterThan(0);
    const after = await objects();
    expect(after).not.toContain(goneOid);
    expect((await usage(u)).public_used_bytes).toBeLessThanOrEqual(usedBefore - 30_000);
    expect((await usage(u)).public_used_bytes).toBe(await recount(u.username));

    // What main reaches is whole: a clone passes git fsck --full --strict, and every file downloads.
    const dir = dirs.make();
    await git(dir, 'clone', '-q', gitUrl(t.baseUrl, id), 'c');
    await git(path.join(dir, 'c'), 'fsck', '--full', '--strict');
    const got = await t.http().get(`/${id}/resolve/main/kept.bin`).buffer(true).parse(binaryBody);
    expect(got.status).toBe(200);
    expect(Buffer.compare(got.body as Buffer, kept)).toBe(0);
  });

  it('garbage collection removes an orphaned xorb and unreachable git objects, releases the LFS file only a deleted branch reached, and keeps every reachable file whole', async () => {
    const u = await createUserWithToken(t);
    const id = `${u.username}/gcx`;
    await createRepo(t, u.token, 'gcx').expect(200);
    await commit(t, u.token, id, [header('attrs'), file('.gitattributes', '*.bin filter=lfs diff=lfs merge=lfs -text\n'), file('kept.txt', 'kept\n')]).expect(200);
    const repo = { type: 'model' as const, name: id };
    const creds = { accessToken: u.token, hubUrl: t.baseUrl };
    const keptLfs = noise(300_000, 'gcx-lfs');
    const keptXet = noise(2_000_000, 'gcx-xet');
    const goneXet = noise(1_500_000, 'gcx-gone');
    await uploadFile({ repo, ...creds, file: { path: 'lfs.bin', content: new Blob([keptLfs]) }, useXet: false });
    await uploadFile({ repo, ...creds, file: { path: 'xet.bin', content: new Blob([keptXet]) } });
    await t.http().post(`/api/models/${id}/branch/side`).set('Authorization', `Bearer ${u.token}`).send({}).expect(200);
    const side = await uploadFile({ repo, ...creds, branch: 'side', file: { path: 'gone.bin', content: new Blob([goneXet]) } });
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    const xorbsOf = async (b: Buffer) =>
      (await t.db.query(`SELECT DISTINCT term->>'h' AS h FROM xet_files f, jsonb_array_elements(f.terms) term WHERE f.sha256 = $1`, [sha(b)])).rows.map((r) => r.h as string);
    const goneXorbs = await xorbsOf(goneXet);
    const keptXorbs = await xorbsOf(keptXet);
    expect(goneXorbs.length).toBeGreaterThan(0);
    expect(keptXorbs.length).toBeGreaterThan(0);
    expect(goneXorbs.filter((h) => keptXorbs.includes(h))).toEqual([]);
    const stored = async (hashes: string[]) => Number((await t.db.query(`SELECT count(*) FROM xet_xorbs WHERE hash = ANY($1)`, [hashes])).rows[0].count);
    const indexed = async (hashes: string[]) => Number((await t.db.query(`SELECT count(*) FROM xet_dedup_chunks WHERE xorb_hash = ANY($1)`, [hashes])).rows[0].count);
    const store = t.app.get<ObjectStore>(OBJECT_STORE);
    const bytesStored = async (hashes: string[]) => (await Promise.all(hashes.map((h) => store.head(xorbStorageKey(h))))).filter(Boolean).length;
    const hasObject = async (oid: string) => (await t.db.query(`SELECT 1 FROM git_objects g JOIN repositories r ON r.id = g.repo_id WHERE r.name = 'gcx' AND g.oid = $1`, [oid])).rowCount === 1;
    expect(await indexed(goneXorbs)).toBeGreaterThan(0);

    await t.http().delete(`/api/models/${id}/branch/side`).set('Authorization', `Bearer ${u.token}`).expect(200);
    const usedBefore = (await usage(u)).public_used_bytes;
    const gitGc = t.app.get(GitGcJob);
    const lfsCleanup = t.app.get(LfsCleanupJob);
    const xetGc = t.app.get(XetGcJob);
    const runAll = async (now: Date) => ({ git: await gitGc.run(now), lfs: await lfsCleanup.run(now), xet: await xetGc.run(now) });

    // Within every grace period nothing goes: the deleted branch's file stays charged, its xorbs indexed.
    await runAll(new Date());
    expect((await usage(u)).public_used_bytes).toBe(usedBefore);
    expect(await stored(goneXorbs)).toBe(goneXorbs.length);

    // After the git grace: the branch's commit goes, and with its pointer blob the LFS file it alone reached.
    const day = 86_400_000;
    const t0 = Date.now() + Math.max(t.config.maintenance.sweepGraceSeconds * 1000, day) + 60_000;
    const first = await runAll(new Date(t0));
    expect(first.git.objects).toBeGreaterThan(0);
    expect(first.git.lfsReleased).toBe(1);
    expect(await hasObject(side!.commit.oid)).toBe(false);
    expect((await usage(u)).public_used_bytes).toBeLessThanOrEqual(usedBefore - goneXet.length);
    expect((await usage(u)).public_used_bytes).toBe(await recount(u.username));
    expect(first.lfs.objects).toBeGreaterThanOrEqual(1);
    // Its xorbs wait for the Xet grace (hf_xet dedups against its cached shards for three weeks).
    expect(first.xet).toMatchObject({ unindexed: 0, xorbs: 0 });
    expect(await stored(goneXorbs)).toBe(goneXorbs.length);

    // After the Xet grace they leave the dedup index first, and are deleted only once no dedup answer may name them.
    const t1 = t0 + t.config.maintenance.xetGcGraceSeconds * 1000 + day;
    const second = await xetGc.run(new Date(t1));
    expect(second.files).toBeGreaterThanOrEqual(1);
    expect(second.unindexed).toBeGreaterThanOrEqual(goneXorbs.length);
    expect(await indexed(goneXorbs)).toBe(0);
    expect(await stored(goneXorbs)).toBe(goneXorbs.length);
    expect((await xetGc.run(new Date(t1 + 6 * day))).xorbs).toBe(0);
    const third = await xetGc.run(new Date(t1 + 8 * day));
    expect(third.xorbs).toBeGreaterThanOrEqual(goneXorbs.length);
    expect(await stored(goneXorbs)).toBe(0);
    expect(await bytesStored(goneXorbs)).toBe(0);

    // Nothing reachable went: the kept file's xorbs (bytes and index), a clone that passes fsck, every file.
    expect(await stored(keptXorbs)).toBe(keptXorbs.length);
    expect(await bytesStored(keptXorbs)).toBe(keptXorbs.length);
    expect(await indexed(keptXorbs)).toBeGreaterThan(0);
    const dir = dirs.make();
    await git(dir, 'clone', '-q', gitUrl(t.baseUrl, id), 'c');
    await git(path.join(dir, 'c'), 'fsck', '--full', '--strict');
    for (const [name, bytes] of [['kept.txt', Buffer.from('kept\n')], ['lfs.bin', keptLfs], ['xet.bin', keptXet]] as const) {
      const got = await t.http().get(`/${id}/resolve/main/${name}`).redirects(1).buffer(true).parse(binaryBody);
      expect(got.status).toBe(200);
      expect(sha(got.body as Buffer)).toBe(sha(bytes));
    }
    const viaXet = await downloadFile({ repo, ...creds, path: 'xet.bin' });
    expect(sha(Buffer.from(await viaXet!.arrayBuffer()))).toBe(sha(keptXet));
    expect((await usage(u)).public_used_bytes).toBe(await recount(u.username));
  });

  it('garbage collection keeps an LFS file that a pushed pointer with extension lines still names after its canonical pointer is collected', async () => {
    const u = await createUserWithToken(t);
    const id = `${u.username}/gcext`;
    await createRepo(t, u.token, 'gcext').expect(200);
    await commit(t, u.token, id, [header('init'), file('README.md', '# ext\n')]).expect(200);
    // The object arrives through HF on branch a (a canonical pointer), and is named on branch b by a
    // pushed pointer that carries an extension line (another blob id).
    const data = noise(200_000, 'gcext');
    const oid = createHash('sha256').update(data).digest('hex');
    const repo = { type: 'model' as const, name: id };
    await t.http().post(`/api/models/${id}/branch/a`).set('Authorization', `Bearer ${u.token}`).send({}).expect(200);
    await uploadFile({ repo, accessToken: u.token, hubUrl: t.baseUrl, branch: 'a', file: { path: 'data.bin', content: new Blob([data]) }, useXet: false });
    const dir = dirs.make();
    await git(dir, 'clone', '-q', gitUrl(t.baseUrl, id, { user: u.username, token: u.token }), 'w');
    const work = path.join(dir, 'w');
    writeFileSync(path.join(work, 'ext.bin'), `version https://git-lfs.github.com/spec/v1\next-0-bench sha256:${'0'.repeat(64)}\noid sha256:${oid}\nsize ${data.length}\n`);
    await git(work, 'checkout', '-q', '-b', 'b');
    await git(work, 'add', 'ext.bin');
    await git(work, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'extended pointer');
    await git(work, 'push', '-q', 'origin', 'b');
    await t.http().delete(`/api/models/${id}/branch/a`).set('Authorization', `Bearer ${u.token}`).expect(200);

    const result = await t.app.get(GitGcJob).run(new Date(Date.now() + Math.max(t.config.maintenance.sweepGraceSeconds * 1000, 86_400_000) + 60_000));
    expect(result.objects).toBeGreaterThan(0);
    const held = await t.db.query(`SELECT ro.committed FROM repo_lfs_objects ro JOIN repositories r ON r.id = ro.repo_id WHERE r.name = 'gcext' AND ro.oid = $1`, [oid]);
    expect(held.rows).toEqual([{ committed: true }]);
    // Still held, so still downloadable by oid (git-lfs asks the batch API with the oid the pointer names).
    const batch = await t.http().post(`/${id}.git/info/lfs/objects/batch`).set('Authorization', `Bearer ${u.token}`).set('Accept', 'application/vnd.git-lfs+json')
      .set('Content-Type', 'application/vnd.git-lfs+json').send({ operation: 'download', objects: [{ oid, size: data.length }] }).expect(200);
    expect(batch.body.objects[0].actions?.download?.href).toBeTruthy();
    expect((await usage(u)).public_used_bytes).toBe(await recount(u.username));
  });
});

describe('default quotas from config', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ HANGAR_DEFAULT_USER_PUBLIC_QUOTA_BYTES: '12345', HANGAR_DEFAULT_ORG_PRIVATE_QUOTA_BYTES: '777' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('gives new users and organizations the configured quotas; an admin may create a user with none (null)', async () => {
    const u = await createUserWithToken(t);
    const me = (await t.http().get(`/api/quota/${u.username}`).set('Authorization', `Bearer ${u.token}`).expect(200)).body;
    expect(me).toMatchObject({ private_quota_bytes: null, public_quota_bytes: 12345 });
    const org = `org-${u.username}`;
    await t.http().post('/org/create').set('Authorization', `Bearer ${u.token}`).send({ name: org }).expect(200);
    const o = (await t.http().get(`/api/quota/${org}`).set('Authorization', `Bearer ${u.token}`).expect(200)).body;
    expect(o).toMatchObject({ is_organization: true, private_quota_bytes: 777, public_quota_bytes: null });
    const created = await t
      .http()
      .post('/admin/api/users')
      .set('X-Admin-Token', ADMIN_TOKEN)
      .send({ username: `free-${u.username}`, email: `free-${u.username}@example.com`, password: 'long-enough-password', public_quota_bytes: null })
      .expect(200);
    expect(created.body).toMatchObject({ public_quota_bytes: null, private_quota_bytes: null });
  });
});
