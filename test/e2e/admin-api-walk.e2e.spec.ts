import { randomBytes } from 'node:crypto';
import { ADMIN_TOKEN, startTestApp, TestApp } from '../support/test-app';
import { createUserWithToken, TestUser, uniqueName } from '../support/accounts';
import { commit, createRepo, file, header } from '../support/repos';
import { lfsFile, uploadLfs } from '../support/lfs-upload';
import { OBJECT_STORE, type ObjectStore } from '../../src/core/storage/object-store';
import { s3EnvFor, startMoto, type MotoServer } from '../support/moto';

/**
 * Every route of KohakuHub's admin API (spec 002) with the answer fields it names, walked in
 * order against one hub: a KohakuHub admin script pointed at Hangar finds each of them.
 */

const admin = { 'X-Admin-Token': ADMIN_TOKEN };

interface Ctx {
  alice: TestUser;
  repo: string;
  t: TestApp;
  saved: Record<string, string>;
}

interface Row {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** The 002 pattern, for the report; `path` builds the request. */
  route: string;
  path: (c: Ctx) => string;
  body?: (c: Ctx) => object;
  /** Top-level answer fields 002 names. */
  fields: string[];
  /** Fields of the first element of a list field: [list, fields]. */
  item?: [string, string[]];
  /** The answer is a JSON array; the fields of its first element. */
  list?: string[];
  /** The answer is text (an event stream) matching this. */
  text?: RegExp;
  /** Keeps a value of the answer for later rows. */
  save?: (body: Record<string, unknown>, c: Ctx) => void;
}

const USER_FIELDS = ['id', 'username', 'email', 'email_verified', 'is_active', 'is_org', 'private_quota_bytes', 'public_quota_bytes', 'private_used_bytes', 'public_used_bytes', 'created_at'];
const SOURCE_FIELDS = ['id', 'namespace', 'url', 'token', 'priority', 'name', 'source_type', 'enabled', 'created_at', 'updated_at'];
const REPO_FIELDS = ['id', 'repo_type', 'namespace', 'name', 'full_id', 'private', 'owner_id', 'owner_username', 'created_at', 'quota_bytes', 'used_bytes', 'percentage_used', 'is_inheriting'];

const ROWS: Row[] = [
  // Users
  { method: 'get', route: 'GET /admin/api/users', path: (c) => `/admin/api/users?search=${c.alice.username}&limit=100&offset=0&include_orgs=false`, fields: ['users', 'limit', 'offset', 'search'], item: ['users', USER_FIELDS] },
  { method: 'get', route: 'GET /admin/api/users/{username}', path: (c) => `/admin/api/users/${c.alice.username}`, fields: USER_FIELDS },
  {
    method: 'post',
    route: 'POST /admin/api/users',
    path: () => '/admin/api/users',
    body: (c) => ({ username: `${c.alice.username}-bob`, email: `${c.alice.username}-bob@example.com`, password: 'secure_password', email_verified: false, is_active: true, private_quota_bytes: null, public_quota_bytes: null }),
    fields: USER_FIELDS,
  },
  { method: 'patch', route: 'PATCH /admin/api/users/{username}/email-verification', path: (c) => `/admin/api/users/${c.alice.username}-bob/email-verification?verified=true`, fields: ['username', 'email', 'email_verified'] },
  {
    method: 'put',
    route: 'PUT /admin/api/users/{username}/quota',
    path: (c) => `/admin/api/users/${c.alice.username}-bob/quota`,
    body: () => ({ private_quota_bytes: 10737418240, public_quota_bytes: 5368709120 }),
    fields: ['username', 'private_quota_bytes', 'public_quota_bytes', 'private_used_bytes', 'public_used_bytes'],
  },
  { method: 'delete', route: 'DELETE /admin/api/users/{username}?force=', path: (c) => `/admin/api/users/${c.alice.username}-bob?force=false`, fields: ['message', 'deleted_repositories'] },
  // Repositories
  { method: 'get', route: 'GET /admin/api/repositories', path: (c) => `/admin/api/repositories?search=${c.repo}&repo_type=model&namespace=${c.alice.username}&limit=100&offset=0`, fields: ['repositories', 'total', 'limit', 'offset', 'search'], item: ['repositories', REPO_FIELDS] },
  { method: 'get', route: 'GET /admin/api/repositories/{repo_type}/{namespace}/{name}', path: (c) => `/admin/api/repositories/model/${c.repo}`, fields: [...REPO_FIELDS, 'file_count', 'commit_count', 'total_size'] },
  { method: 'get', route: 'GET /admin/api/repositories/{repo_type}/{namespace}/{name}/files', path: (c) => `/admin/api/repositories/model/${c.repo}/files?ref=main`, fields: ['files', 'ref', 'count'], item: ['files', ['path', 'size', 'checksum', 'mtime', 'is_lfs', 'sha256', 'version_count']] },
  {
    method: 'get',
    route: 'GET /admin/api/repositories/{repo_type}/{namespace}/{name}/storage-breakdown',
    path: (c) => `/admin/api/repositories/model/${c.repo}/storage-breakdown`,
    fields: ['regular_files_size', 'lfs_files_size', 'total_size', 'lfs_object_count', 'unique_lfs_objects', 'deduplication_savings'],
  },
  { method: 'post', route: 'POST /admin/api/repositories/recalculate-all', path: (c) => `/admin/api/repositories/recalculate-all?repo_type=model&namespace=${c.alice.username}`, fields: ['total', 'success_count', 'failure_count', 'failures', 'message'] },
  // Quota
  { method: 'get', route: 'GET /admin/api/quota/overview', path: () => '/admin/api/quota/overview', fields: ['users_over_quota', 'repos_over_quota', 'top_consumers', 'system_storage'] },
  { method: 'get', route: 'GET /admin/api/quota/{namespace}', path: (c) => `/admin/api/quota/${c.alice.username}?is_org=false`, fields: ['namespace', 'is_organization', 'quota_bytes', 'used_bytes', 'available_bytes', 'percentage_used'] },
  {
    method: 'put',
    route: 'PUT /admin/api/quota/{namespace}',
    path: (c) => `/admin/api/quota/${c.alice.username}?is_org=false`,
    body: () => ({ private_quota_bytes: 10737418240, public_quota_bytes: 5368709120 }),
    fields: ['namespace', 'quota_bytes', 'used_bytes'],
  },
  {
    method: 'post',
    route: 'POST /admin/api/quota/{namespace}/recalculate',
    path: (c) => `/admin/api/quota/${c.alice.username}/recalculate?is_org=false`,
    fields: ['namespace', 'is_organization', 'recalculated', 'quota_bytes', 'used_bytes', 'available_bytes', 'percentage_used'],
  },
  // Storage
  { method: 'get', route: 'GET /admin/api/storage/debug', path: () => '/admin/api/storage/debug', fields: ['bucket', 'bucket_accessible'] },
  { method: 'get', route: 'GET /admin/api/storage/buckets', path: () => '/admin/api/storage/buckets', fields: ['buckets'], item: ['buckets', ['name', 'creation_date', 'total_size', 'object_count']], save: (b, c) => (c.saved.bucket = (b.buckets as { name: string }[])[0].name) },
  { method: 'get', route: 'GET /admin/api/storage/objects', path: () => '/admin/api/storage/objects?prefix=walk/&limit=1000', fields: ['objects', 'bucket', 'is_truncated', 'key_count'], item: ['objects', ['key', 'full_key', 'size', 'last_modified', 'storage_class']] },
  { method: 'get', route: 'GET /admin/api/storage/objects/{bucket}', path: (c) => `/admin/api/storage/objects/${c.saved.bucket}?prefix=walk/&limit=1000`, fields: ['objects', 'bucket', 'is_truncated', 'key_count'] },
  { method: 'delete', route: 'DELETE /admin/api/storage/objects/{key:path}', path: () => '/admin/api/storage/objects/walk/one', fields: ['success', 'message'] },
  {
    method: 'post',
    route: 'POST /admin/api/storage/prefix/prepare-delete',
    path: () => '/admin/api/storage/prefix/prepare-delete?prefix=walk/',
    fields: ['confirm_token', 'prefix', 'estimated_objects', 'expires_in'],
    save: (b, c) => (c.saved.confirm = String(b.confirm_token)),
  },
  { method: 'delete', route: 'DELETE /admin/api/storage/prefix', path: (c) => `/admin/api/storage/prefix?prefix=walk/&confirm_token=${c.saved.confirm}`, fields: ['success', 'deleted_count', 'prefix'] },
  // Database
  { method: 'get', route: 'GET /admin/api/database/tables', path: () => '/admin/api/database/tables', fields: ['tables'], item: ['tables', ['name', 'model', 'columns', 'column_count']] },
  { method: 'get', route: 'GET /admin/api/database/templates', path: () => '/admin/api/database/templates', fields: ['templates'], item: ['templates', ['name', 'sql', 'description']] },
  { method: 'post', route: 'POST /admin/api/database/query', path: () => '/admin/api/database/query', body: () => ({ sql: 'SELECT id, name FROM namespaces LIMIT 10' }), fields: ['columns', 'rows', 'count', 'column_count', 'truncated'] },
  // Search and statistics
  { method: 'get', route: 'GET /admin/api/search', path: (c) => `/admin/api/search?q=${c.alice.username}&types=users,repos,commits&limit=20`, fields: ['query', 'results', 'result_counts'] },
  { method: 'get', route: 'GET /admin/api/stats', path: () => '/admin/api/stats', fields: ['users', 'organizations', 'repositories'] },
  { method: 'get', route: 'GET /admin/api/stats/detailed', path: () => '/admin/api/stats/detailed', fields: ['users', 'organizations', 'repositories', 'commits', 'lfs', 'storage'] },
  { method: 'get', route: 'GET /admin/api/stats/timeseries', path: () => '/admin/api/stats/timeseries?days=30', fields: ['repositories_by_day', 'commits_by_day', 'users_by_day'] },
  { method: 'get', route: 'GET /admin/api/stats/top-repos', path: () => '/admin/api/stats/top-repos?limit=10&by=commits', fields: ['top_repositories', 'sorted_by'], item: ['top_repositories', ['repo_full_id', 'repo_type', 'commit_count', 'private']] },
  // Fallback sources (the records; the read-through is issue 18)
  {
    method: 'post',
    route: 'POST /admin/api/fallback-sources',
    path: () => '/admin/api/fallback-sources',
    body: () => ({ namespace: '', url: 'https://huggingface.co', token: 'hf_walk_secret_token', priority: 100, name: 'HuggingFace', source_type: 'huggingface', enabled: true }),
    fields: SOURCE_FIELDS,
    save: (b, c) => (c.saved.source = String(b.id)),
  },
  { method: 'get', route: 'GET /admin/api/fallback-sources', path: () => '/admin/api/fallback-sources?namespace=&enabled=true', fields: [], list: SOURCE_FIELDS },
  { method: 'get', route: 'GET /admin/api/fallback-sources/{source_id}', path: (c) => `/admin/api/fallback-sources/${c.saved.source}`, fields: SOURCE_FIELDS },
  {
    method: 'put',
    route: 'PUT /admin/api/fallback-sources/{source_id}',
    path: (c) => `/admin/api/fallback-sources/${c.saved.source}`,
    body: () => ({ url: 'https://huggingface.co', token: 'new_token', priority: 50, name: 'HF Mirror', source_type: 'huggingface', enabled: false }),
    fields: SOURCE_FIELDS,
  },
  { method: 'get', route: 'GET /admin/api/fallback-sources/cache/stats', path: () => '/admin/api/fallback-sources/cache/stats', fields: ['size', 'maxsize', 'ttl_seconds', 'usage_percent', 'bytes', 'max_bytes'] },
  // Nothing is cached in this walk (no upstream): an empty list, 200.
  { method: 'get', route: 'GET /admin/api/fallback-sources/cache/repos', path: () => '/admin/api/fallback-sources/cache/repos', fields: [] },
  { method: 'put', route: 'PUT /admin/api/fallback-sources/cache/repos/{repo_type}/{namespace}/{name}/pin', path: () => '/admin/api/fallback-sources/cache/repos/model/upstream-org/some-model/pin', fields: ['success', 'message'] },
  { method: 'delete', route: 'DELETE /admin/api/fallback-sources/cache/repos/{repo_type}/{namespace}/{name}/pin', path: () => '/admin/api/fallback-sources/cache/repos/model/upstream-org/some-model/pin', fields: ['success', 'message'] },
  { method: 'delete', route: 'DELETE /admin/api/fallback-sources/cache/repos/{repo_type}/{namespace}/{name}', path: () => '/admin/api/fallback-sources/cache/repos/model/upstream-org/some-model', fields: ['success', 'evicted_files', 'evicted_bytes'] },
  { method: 'delete', route: 'DELETE /admin/api/fallback-sources/cache/clear', path: () => '/admin/api/fallback-sources/cache/clear', fields: ['success', 'message', 'old_size'] },
  { method: 'delete', route: 'DELETE /admin/api/fallback-sources/{source_id}', path: (c) => `/admin/api/fallback-sources/${c.saved.source}`, fields: ['success', 'message'] },
  // The event stream (TokenHub's, not in 002): stored events, then the stream ends
  { method: 'get', route: 'GET /admin/api/events', path: () => '/admin/api/events?follow=false&last_event_id=0', fields: [], text: /event: /, },
  // Invitations
  {
    method: 'post',
    route: 'POST /admin/api/invitations/register',
    path: () => '/admin/api/invitations/register',
    body: () => ({ org_id: null, role: 'member', max_usage: -1, expires_days: 30 }),
    fields: ['success', 'token', 'invitation_link', 'expires_at', 'max_usage', 'is_reusable', 'action'],
    save: (b, c) => (c.saved.invitation = String(b.token)),
  },
  {
    method: 'get',
    route: 'GET /admin/api/invitations',
    path: () => '/admin/api/invitations?action=register_account&limit=100&offset=0',
    fields: ['invitations', 'limit', 'offset'],
    item: ['invitations', ['id', 'action', 'org_id', 'role', 'created_at', 'expires_at', 'max_usage', 'usage_count', 'is_reusable', 'is_available']],
  },
  { method: 'delete', route: 'DELETE /admin/api/invitations/{token}', path: (c) => `/admin/api/invitations/${c.saved.invitation}`, fields: ['success', 'message'] },
  // Commits
  {
    method: 'get',
    route: 'GET /admin/api/commits',
    path: (c) => `/admin/api/commits?repo_full_id=${c.repo}&username=${c.alice.username}&limit=100&offset=0`,
    fields: ['commits', 'limit', 'offset'],
    item: ['commits', ['id', 'commit_id', 'repo_full_id', 'repo_type', 'branch', 'user_id', 'username', 'message', 'description', 'created_at']],
  },
];

let moto: MotoServer | null = null;
const DRIVERS = [
  { name: 'fs', env: (): Record<string, string> => ({}) },
  { name: 's3', env: (): Record<string, string> => s3EnvFor(moto!.endpoint, `walk-${Date.now()}`) },
];
beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  await moto?.stop();
});

describe.each(DRIVERS)('the admin API of spec 002, route by route, on the $name store', (driver) => {
  const ctx = { saved: {} } as Ctx;
  beforeAll(async () => {
    ctx.t = await startTestApp(driver.env());
    ctx.alice = await createUserWithToken(ctx.t);
    const name = uniqueName('walk');
    ctx.repo = `${ctx.alice.username}/${name}`;
    await createRepo(ctx.t, ctx.alice.token, name).expect(200);
    const blob = randomBytes(2048);
    await uploadLfs(ctx.t, ctx.alice.token, ctx.repo, blob);
    await commit(ctx.t, ctx.alice.token, ctx.repo, [header('weights'), lfsFile('model.safetensors', blob), file('config.json', '{}')]).expect(200);
    const store = ctx.t.app.get<ObjectStore>(OBJECT_STORE);
    for (const k of ['walk/one', 'walk/two', 'walk/three']) await store.put(k, Buffer.from(k));
  });
  afterAll(() => ctx.t.close());

  it.each(ROWS.map((r) => [r.route, r]))('%s', async (_route, row) => {
    const r = row as Row;
    let req = ctx.t.http()[r.method](r.path(ctx)).set(admin);
    if (r.body) req = req.send(r.body(ctx));
    const res = await req;
    expect([r.route, res.status, res.status === 200 ? '' : res.text]).toEqual([r.route, 200, '']);
    for (const f of r.fields) expect([r.route, f, f in res.body]).toEqual([r.route, f, true]);
    if (r.list) {
      expect([r.route, Array.isArray(res.body) && res.body.length > 0]).toEqual([r.route, true]);
      for (const f of r.list) expect([r.route, `[0].${f}`, f in res.body[0]]).toEqual([r.route, `[0].${f}`, true]);
    }
    if (r.text) expect(res.text).toMatch(r.text);
    if (r.item) {
      const [list, fields] = r.item;
      expect([r.route, list, (res.body[list] ?? []).length > 0]).toEqual([r.route, list, true]);
      for (const f of fields) expect([r.route, `${list}[0].${f}`, f in res.body[list][0]]).toEqual([r.route, `${list}[0].${f}`, true]);
    }
    r.save?.(res.body, ctx);
  });
});
