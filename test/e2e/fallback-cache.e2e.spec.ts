import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import { SchedulerRegistry } from '@nestjs/schedule';
import { createUserWithToken, type TestUser } from '../support/accounts';
import { lfsFileLine, sha256, uploadLfsObject } from '../support/lfs';
import { commit, createRepo, file, header } from '../support/repos';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../support/test-app';
import { waitUntil } from '../support/wait';
import { FallbackCacheService } from '../../src/fallback/read-through/fallback-cache.service';
import { OBJECT_STORE, type ObjectStore } from '../../src/core/storage/object-store';

const MiB = 1024 * 1024;

/**
 * The fallback cache's limit and admin view (issue 18): two Hangar apps, A the upstream of B.
 * B's eviction job keeps the cache under HANGAR_FALLBACK_CACHE_MAX_BYTES, least recently used
 * first, and never takes a pinned repository's content nor one a client is downloading.
 */
describe('fallback cache: limit, LRU eviction, pins, admin view', () => {
  let a: TestApp;
  let b: TestApp;
  let owner: TestUser;
  const files: Record<string, Buffer> = { old: randomBytes(3 * MiB), pinned: randomBytes(3 * MiB), reading: randomBytes(8 * MiB), recent: randomBytes(3 * MiB) };
  const repoOf = (k: string) => `${owner.username}/${k}`;
  const admin = () => ({ 'X-Admin-Token': ADMIN_TOKEN });

  beforeAll(async () => {
    a = await startTestApp();
    b = await startTestApp({ HANGAR_FALLBACK_CACHE_MAX_BYTES: String(10 * MiB) });
    owner = await createUserWithToken(a);
    for (const [name, bytes] of Object.entries(files)) {
      expect((await createRepo(a, owner.token, name)).status).toBe(200);
      await uploadLfsObject(a, owner, repoOf(name), bytes);
      expect((await commit(a, owner.token, repoOf(name), [header('weights'), lfsFileLine('weights.bin', bytes)])).status).toBe(200);
    }
    await b.http().post('/admin/api/fallback-sources').set(admin()).send({ url: a.baseUrl, name: 'A', source_type: 'hangar' }).expect(200);
  }, 120_000);

  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const download = async (name: string) => {
    const res = await fetch(`${b.baseUrl}/${repoOf(name)}/resolve/main/weights.bin`);
    expect(res.status).toBe(200);
    return Buffer.from(await res.arrayBuffer());
  };

  it('evicts least recently used contents down to the limit, keeping pinned ones and one being downloaded', async () => {
    // The test runs eviction itself: the every-minute cron must not take contents before it is set up.
    expect(b.app.get(SchedulerRegistry).getCronJob('fallback-cache-eviction').isActive).toBe(false);
    // Cached in this order (LRU: old, pinned, reading, recent); 17 MiB against a 10 MiB limit.
    for (const name of ['old', 'pinned', 'reading', 'recent']) expect(sha256(await download(name))).toBe(sha256(files[name]));
    await b.http().put(`/admin/api/fallback-sources/cache/repos/model/${repoOf('pinned')}/pin`).set(admin()).expect(200);
    await b.db.query(`UPDATE fallback_content SET last_accessed_at = now() - interval '1 hour' WHERE size = $1`, [8 * MiB]);
    const listed = (await b.http().get('/admin/api/fallback-sources/cache/repos').set(admin()).expect(200)).body as { repo_id: string; pinned: boolean; bytes: number }[];
    expect(listed.map((r) => r.repo_id).sort()).toEqual(Object.keys(files).map(repoOf).sort());
    expect(listed.find((r) => r.repo_id === repoOf('pinned'))?.pinned).toBe(true);

    // A client starts downloading `reading` (now the least recently used) and stalls after its first bytes.
    const reader = await new Promise<{ res: http.IncomingMessage; first: Buffer }>((resolve, reject) => {
      http.get(`${b.baseUrl}/${repoOf('reading')}/resolve/main/weights.bin`, (res) => {
        res.once('data', (first: Buffer) => {
          res.pause();
          resolve({ res, first });
        });
      }).on('error', reject);
    });
    await b.db.query(`UPDATE fallback_content SET last_accessed_at = now() - interval '1 hour' WHERE size = $1`, [8 * MiB]);

    await b.app.get(FallbackCacheService).scheduledEviction();
    const left = await b.db.query(`SELECT r.repo_id FROM fallback_content c JOIN fallback_content_repos r USING (content_key) ORDER BY 1`);
    // `old` and `recent` went; `pinned` and `reading` (11 MiB) stay even though that is over the limit.
    expect(left.rows.map((r) => r.repo_id)).toEqual([repoOf('pinned'), repoOf('reading')].sort());

    // The stalled download completes, byte for byte.
    const rest: Buffer[] = [reader.first];
    reader.res.on('data', (c: Buffer) => rest.push(c));
    reader.res.resume();
    await new Promise((r) => reader.res.on('end', r));
    expect(sha256(Buffer.concat(rest))).toBe(sha256(files.reading));

    // Done reading, `reading` may go now: the next run evicts it and the cache is under its limit.
    await waitUntil(async () => (await b.db.query(`SELECT count(*)::int AS n FROM fallback_content_reads`)).rows[0].n === 0);
    await b.app.get(FallbackCacheService).scheduledEviction();
    const stats = (await b.http().get('/admin/api/fallback-sources/cache/stats').set(admin()).expect(200)).body;
    expect(stats.bytes).toBeLessThanOrEqual(10 * MiB);
    expect(stats.max_bytes).toBe(10 * MiB);
    const after = await b.db.query(`SELECT r.repo_id FROM fallback_content c JOIN fallback_content_repos r USING (content_key) ORDER BY 1`);
    expect(after.rows.map((r) => r.repo_id)).toEqual([repoOf('pinned')]);

    // An evicted file is fetched again on demand, still byte-identical.
    expect(sha256(await download('old'))).toBe(sha256(files.old));
  });

  it('sweeps, after the grace period, stored objects no published content names (a node died before publishing) and keeps the published ones', async () => {
    expect(sha256(await download('recent'))).toBe(sha256(files.recent));
    const store = b.app.get<ObjectStore>(OBJECT_STORE);
    const published = (await b.db.query(`SELECT storage_key FROM fallback_content`)).rows.map((r: { storage_key: string }) => r.storage_key);
    expect(published.length).toBeGreaterThan(0);
    const orphan = `fallback/lfs/ab/cd/${'ab'.repeat(32)}/crashed-fill`;
    await store.put(orphan, Buffer.from('verified bytes never published'));
    const service = b.app.get(FallbackCacheService);
    expect(await service.sweepOrphans(new Date())).toEqual({ objects: 0 });
    expect(await service.sweepOrphans(new Date(Date.now() + 2 * b.config.maintenance.sweepGraceSeconds * 1000))).toEqual({ objects: 1 });
    expect(await store.head(orphan)).toBeNull();
    for (const key of published) expect(await store.head(key)).not.toBeNull();
    expect(sha256(await download('recent'))).toBe(sha256(files.recent));
  });

  it('fetches a cached file again when its object went missing from the store', async () => {
    const [row] = (await b.db.query(`SELECT c.storage_key FROM fallback_content c JOIN fallback_content_repos r USING (content_key) WHERE r.repo_id = $1`, [repoOf('old')])).rows;
    await b.app.get<ObjectStore>(OBJECT_STORE).delete(row.storage_key);
    expect(sha256(await download('old'))).toBe(sha256(files.old));
    const [again] = (await b.db.query(`SELECT c.storage_key FROM fallback_content c JOIN fallback_content_repos r USING (content_key) WHERE r.repo_id = $1`, [repoOf('old')])).rows;
    expect(again.storage_key).not.toBe(row.storage_key);
  });

  it('serves a small cached file (read whole, without a read lease) whole and ranged, and fetches it again when its object went missing', async () => {
    const small = randomBytes(200 * 1024);
    expect((await createRepo(a, owner.token, 'small')).status).toBe(200);
    await uploadLfsObject(a, owner, repoOf('small'), small);
    expect((await commit(a, owner.token, repoOf('small'), [header('small'), lfsFileLine('weights.bin', small)])).status).toBe(200);
    expect(sha256(await download('small'))).toBe(sha256(small)); // the fill
    expect(sha256(await download('small'))).toBe(sha256(small)); // from the cache
    const ranged = await fetch(`${b.baseUrl}/${repoOf('small')}/resolve/main/weights.bin`, { headers: { Range: 'bytes=100-1123' } });
    expect([ranged.status, ranged.headers.get('content-range'), ranged.headers.get('content-length')]).toEqual([206, `bytes 100-1123/${small.length}`, '1024']);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(small.subarray(100, 1124))).toBe(true);
    expect((await b.db.query(`SELECT count(*)::int AS n FROM fallback_content_reads`)).rows[0].n).toBe(0);

    const [row] = (await b.db.query(`SELECT c.storage_key FROM fallback_content c JOIN fallback_content_repos r USING (content_key) WHERE r.repo_id = $1`, [repoOf('small')])).rows;
    await b.app.get<ObjectStore>(OBJECT_STORE).delete(row.storage_key);
    expect(sha256(await download('small'))).toBe(sha256(small));
    const [again] = (await b.db.query(`SELECT c.storage_key FROM fallback_content c JOIN fallback_content_repos r USING (content_key) WHERE r.repo_id = $1`, [repoOf('small')])).rows;
    expect(again.storage_key).not.toBe(row.storage_key);
  });

  it('answers warm downloads from the cache, following a branch that moved once its resolution aged, and lets a local repository of the same name win at once', async () => {
    expect((await createRepo(a, owner.token, 'warm')).status).toBe(200);
    const fetchWarm = async () => {
      const res = await fetch(`${b.baseUrl}/${repoOf('warm')}/resolve/main/notes.txt`);
      return { status: res.status, commit: res.headers.get('x-repo-commit'), via: res.headers.get('x-hangar-fallback'), body: await res.text() };
    };
    const shaOnA = async () => ((await a.http().get(`/api/models/${repoOf('warm')}`).expect(200)).body as { sha: string }).sha;
    expect((await commit(a, owner.token, repoOf('warm'), [header('v1'), file('notes.txt', 'first version\n')])).status).toBe(200);
    const first = await shaOnA();
    for (let i = 0; i < 3; i++) expect(await fetchWarm()).toEqual({ status: 200, commit: first, via: 'A', body: 'first version\n' });

    // The branch moves on A: B keeps the commit it resolved until that resolution is older than its TTL.
    expect((await commit(a, owner.token, repoOf('warm'), [header('v2'), file('notes.txt', 'second version\n')])).status).toBe(200);
    const second = await shaOnA();
    expect(await fetchWarm()).toEqual({ status: 200, commit: first, via: 'A', body: 'first version\n' });
    await b.db.query(`UPDATE fallback_refs SET fetched_at = now() - interval '1 day' WHERE repo_id = lower($1)`, [repoOf('warm')]);
    for (let i = 0; i < 3; i++) expect(await fetchWarm()).toEqual({ status: 200, commit: second, via: 'A', body: 'second version\n' });
    const missing = await fetch(`${b.baseUrl}/${repoOf('warm')}/resolve/main/not-there.txt`);
    expect([missing.status, missing.headers.get('x-error-code')]).toEqual([404, 'EntryNotFound']);

    // A repository of the same name created on B wins over the upstream's, warm cache or not.
    const local = await createUserWithToken(b, owner.username);
    expect((await createRepo(b, local.token, 'warm')).status).toBe(200);
    expect((await commit(b, local.token, repoOf('warm'), [header('local'), file('notes.txt', 'local version\n')])).status).toBe(200);
    const fromB = await fetchWarm();
    expect([fromB.status, fromB.via, fromB.body]).toEqual([200, null, 'local version\n']);
  });

  it('evicts one repository on demand, and clear leaves only pinned contents', async () => {
    const evicted = (await b.http().delete(`/admin/api/fallback-sources/cache/repos/model/${repoOf('old')}`).set(admin()).expect(200)).body;
    expect(evicted).toEqual({ success: true, evicted_files: 1, evicted_bytes: 3 * MiB });
    const cleared = (await b.http().delete('/admin/api/fallback-sources/cache/clear').set(admin()).expect(200)).body;
    expect(cleared.success).toBe(true);
    const left = await b.db.query(`SELECT r.repo_id FROM fallback_content c JOIN fallback_content_repos r USING (content_key)`);
    expect(left.rows.map((r) => r.repo_id)).toEqual([repoOf('pinned')]);
    await b.http().delete(`/admin/api/fallback-sources/cache/repos/model/${repoOf('pinned')}/pin`).set(admin()).expect(200);
    await b.http().delete('/admin/api/fallback-sources/cache/clear').set(admin()).expect(200);
    expect((await b.db.query(`SELECT count(*)::int AS n FROM fallback_content`)).rows[0].n).toBe(0);
  });
});
