import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Response, Test } from 'supertest';
import { startTestApp, TestApp, ADMIN_TOKEN } from '../support/test-app';
import { createUserWithToken, TestUser, uniqueName } from '../support/accounts';
import { commit, createRepo, file, header } from '../support/repos';

/**
 * The authorization matrix (issue 14): every operation of openapi/ that names a repository (in
 * its path: models, datasets and spaces, git, LFS and Xet included, the quota and admin-API
 * routes; or in its body: create, delete, move), asked by each principal of every repository
 * kind. Requests carry bodies that fail after the access decision (or change nothing), so
 * "pass" means the decision let the caller in. Models run against the four kinds; the dataset
 * and space variants (the same handlers, another type) against a private and a gated one, which
 * is where a route reading the wrong type or skipping the gate would show.
 */

type Principal =
  | 'anonymous' | 'stranger' | 'viewer' | 'readGrant' | 'writeGrant' | 'adminGrant'
  | 'orgRead' | 'orgContributor' | 'orgWrite' | 'orgAdmin' | 'owner' | 'ownerReadToken' | 'adminToken' | 'adminRoleUser';
const PRINCIPALS: Principal[] = [
  'anonymous', 'stranger', 'viewer', 'readGrant', 'writeGrant', 'adminGrant',
  'orgRead', 'orgContributor', 'orgWrite', 'orgAdmin', 'owner', 'ownerReadToken', 'adminToken', 'adminRoleUser',
];
type RepoKind = 'public' | 'private' | 'gatedManual' | 'privateOrg';
const KINDS: RepoKind[] = ['public', 'private', 'gatedManual', 'privateOrg'];
type RepoType = 'model' | 'dataset' | 'space';
/** The kinds each type runs against (see the top comment). */
const KINDS_OF: Record<RepoType, RepoKind[]> = { model: KINDS, dataset: ['private', 'gatedManual'], space: ['private', 'gatedManual'] };
/**
 * meta: metadata reads; files: contents (gated); write; admin; ask: ask for gated access; dup: LFS
 * duplicate (contents + a write credential); join: take part (open a discussion, comment, like):
 * anyone who may read, with a write credential of an account that may change things; like: the
 * same, but the credential is checked before the repository is looked up (a like needs an
 * account whatever the repository), which reveals nothing: a missing repository answers alike;
 * manage: admin, with the credential checked first the same way (quota settings, delete, move);
 * adminApi: the admin API (the admin token or an admin-role account), whatever the repository.
 */
type OpClass = 'meta' | 'files' | 'write' | 'admin' | 'ask' | 'dup' | 'join' | 'like' | 'manage' | 'adminApi';
const CLASSES: OpClass[] = ['meta', 'files', 'write', 'admin', 'ask', 'dup', 'join', 'like', 'manage', 'adminApi'];
/**
 * pass: let in; hidden: RepoNotFound (401 anonymous, else 404); gated: GatedRepo (401 anonymous,
 * else 403); forbidden: 403 Forbidden; readonly: 403 ReadOnlyToken/ReadOnlyAccount; signin: 401
 * Unauthorized; invalid: 401 InvalidCredentials (the admin token is no user credential);
 * notAdmin: the admin API's refusal (401 AdminTokenRequired anonymous, else 403 InvalidAdminToken).
 */
type Outcome = 'pass' | 'hidden' | 'gated' | 'forbidden' | 'readonly' | 'signin' | 'invalid' | 'notAdmin';

const P = 'pass', H = 'hidden', G = 'gated', F = 'forbidden', R = 'readonly', S = 'signin', I = 'invalid', N = 'notAdmin';

// One line per principal × operation class; its four entries are the repo kinds in KINDS order
// (public, private, public gated manual, private org repo): one expectation per principal × kind × class.
const EXPECTED: [Principal, OpClass, [Outcome, Outcome, Outcome, Outcome]][] = [
  ['anonymous', 'meta', [P, H, P, H]], ['anonymous', 'files', [P, H, G, H]], ['anonymous', 'write', [S, H, S, H]],
  ['anonymous', 'admin', [S, H, S, H]], ['anonymous', 'ask', [S, S, S, S]], ['anonymous', 'dup', [S, S, S, S]],
  ['stranger', 'meta', [P, H, P, H]], ['stranger', 'files', [P, H, G, H]], ['stranger', 'write', [F, H, F, H]],
  ['stranger', 'admin', [F, H, F, H]], ['stranger', 'ask', [P, H, P, H]], ['stranger', 'dup', [P, H, G, H]],
  ['viewer', 'meta', [P, H, P, H]], ['viewer', 'files', [P, H, G, H]], ['viewer', 'write', [R, H, R, H]],
  ['viewer', 'admin', [R, H, R, H]], ['viewer', 'ask', [P, H, P, H]], ['viewer', 'dup', [R, R, R, R]],
  ['readGrant', 'meta', [P, P, P, P]], ['readGrant', 'files', [P, P, P, P]], ['readGrant', 'write', [F, F, F, F]],
  ['readGrant', 'admin', [F, F, F, F]], ['readGrant', 'ask', [P, P, P, P]], ['readGrant', 'dup', [P, P, P, P]],
  ['writeGrant', 'meta', [P, P, P, P]], ['writeGrant', 'files', [P, P, P, P]], ['writeGrant', 'write', [P, P, P, P]],
  ['writeGrant', 'admin', [F, F, F, F]], ['writeGrant', 'ask', [P, P, P, P]], ['writeGrant', 'dup', [P, P, P, P]],
  ['adminGrant', 'meta', [P, P, P, P]], ['adminGrant', 'files', [P, P, P, P]], ['adminGrant', 'write', [P, P, P, P]],
  ['adminGrant', 'admin', [P, P, P, P]], ['adminGrant', 'ask', [P, P, P, P]], ['adminGrant', 'dup', [P, P, P, P]],
  ['orgRead', 'meta', [P, H, P, P]], ['orgRead', 'files', [P, H, G, P]], ['orgRead', 'write', [F, H, F, F]],
  ['orgRead', 'admin', [F, H, F, F]], ['orgRead', 'ask', [P, H, P, P]], ['orgRead', 'dup', [P, H, G, P]],
  ['orgWrite', 'meta', [P, H, P, P]], ['orgWrite', 'files', [P, H, G, P]], ['orgWrite', 'write', [F, H, F, P]],
  ['orgWrite', 'admin', [F, H, F, F]], ['orgWrite', 'ask', [P, H, P, P]], ['orgWrite', 'dup', [P, H, G, P]],
  ['owner', 'meta', [P, P, P, P]], ['owner', 'files', [P, P, P, P]], ['owner', 'write', [P, P, P, P]],
  ['owner', 'admin', [P, P, P, P]], ['owner', 'ask', [P, P, P, P]], ['owner', 'dup', [P, P, P, P]],
  ['ownerReadToken', 'meta', [P, P, P, P]], ['ownerReadToken', 'files', [P, P, P, P]], ['ownerReadToken', 'write', [R, R, R, R]],
  ['ownerReadToken', 'admin', [R, R, R, R]], ['ownerReadToken', 'ask', [P, P, P, P]], ['ownerReadToken', 'dup', [R, R, R, R]],
  ['adminToken', 'meta', [I, I, I, I]], ['adminToken', 'files', [I, I, I, I]], ['adminToken', 'write', [I, I, I, I]],
  ['adminToken', 'admin', [I, I, I, I]], ['adminToken', 'ask', [I, I, I, I]], ['adminToken', 'dup', [I, I, I, I]],
  // An admin-role account administers the server through the admin API, not other people's repositories.
  ['adminRoleUser', 'meta', [P, H, P, H]], ['adminRoleUser', 'files', [P, H, G, H]], ['adminRoleUser', 'write', [F, H, F, H]],
  ['adminRoleUser', 'admin', [F, H, F, H]], ['adminRoleUser', 'ask', [P, H, P, H]], ['adminRoleUser', 'dup', [P, H, G, H]],
  ['anonymous', 'join', [S, H, S, H]], ['stranger', 'join', [P, H, P, H]], ['viewer', 'join', [R, H, R, H]],
  ['readGrant', 'join', [P, P, P, P]], ['writeGrant', 'join', [P, P, P, P]], ['adminGrant', 'join', [P, P, P, P]],
  ['orgRead', 'join', [P, H, P, P]], ['orgWrite', 'join', [P, H, P, P]], ['owner', 'join', [P, P, P, P]],
  ['ownerReadToken', 'join', [R, R, R, R]], ['adminToken', 'join', [I, I, I, I]], ['adminRoleUser', 'join', [P, H, P, H]],
  ['anonymous', 'like', [S, S, S, S]], ['stranger', 'like', [P, H, P, H]], ['viewer', 'like', [R, R, R, R]],
  ['readGrant', 'like', [P, P, P, P]], ['writeGrant', 'like', [P, P, P, P]], ['adminGrant', 'like', [P, P, P, P]],
  ['orgRead', 'like', [P, H, P, P]], ['orgWrite', 'like', [P, H, P, P]], ['owner', 'like', [P, P, P, P]],
  ['ownerReadToken', 'like', [R, R, R, R]], ['adminToken', 'like', [I, I, I, I]], ['adminRoleUser', 'like', [P, H, P, H]],
  // Org contributors read every repository of the org and write only to the ones they created (none here).
  ['orgContributor', 'meta', [P, H, P, P]], ['orgContributor', 'files', [P, H, G, P]], ['orgContributor', 'write', [F, H, F, F]],
  ['orgContributor', 'admin', [F, H, F, F]], ['orgContributor', 'ask', [P, H, P, P]], ['orgContributor', 'dup', [P, H, G, P]],
  ['orgContributor', 'join', [P, H, P, P]], ['orgContributor', 'like', [P, H, P, P]],
  ['orgAdmin', 'meta', [P, H, P, P]], ['orgAdmin', 'files', [P, H, G, P]], ['orgAdmin', 'write', [F, H, F, P]],
  ['orgAdmin', 'admin', [F, H, F, P]], ['orgAdmin', 'ask', [P, H, P, P]], ['orgAdmin', 'dup', [P, H, G, P]],
  ['orgAdmin', 'join', [P, H, P, P]], ['orgAdmin', 'like', [P, H, P, P]],
  ['anonymous', 'manage', [S, S, S, S]], ['stranger', 'manage', [F, H, F, H]], ['viewer', 'manage', [R, R, R, R]],
  ['readGrant', 'manage', [F, F, F, F]], ['writeGrant', 'manage', [F, F, F, F]], ['adminGrant', 'manage', [P, P, P, P]],
  ['orgRead', 'manage', [F, H, F, F]], ['orgContributor', 'manage', [F, H, F, F]], ['orgWrite', 'manage', [F, H, F, F]],
  ['orgAdmin', 'manage', [F, H, F, P]], ['owner', 'manage', [P, P, P, P]], ['ownerReadToken', 'manage', [R, R, R, R]],
  ['adminToken', 'manage', [I, I, I, I]], ['adminRoleUser', 'manage', [F, H, F, H]],
  ['anonymous', 'adminApi', [N, N, N, N]], ['stranger', 'adminApi', [N, N, N, N]], ['viewer', 'adminApi', [N, N, N, N]],
  ['readGrant', 'adminApi', [N, N, N, N]], ['writeGrant', 'adminApi', [N, N, N, N]], ['adminGrant', 'adminApi', [N, N, N, N]],
  ['orgRead', 'adminApi', [N, N, N, N]], ['orgContributor', 'adminApi', [N, N, N, N]], ['orgWrite', 'adminApi', [N, N, N, N]],
  ['orgAdmin', 'adminApi', [N, N, N, N]], ['owner', 'adminApi', [N, N, N, N]], ['ownerReadToken', 'adminApi', [N, N, N, N]],
  ['adminToken', 'adminApi', [P, P, P, P]], ['adminRoleUser', 'adminApi', [P, P, P, P]],
];

/**
 * Creating a repository (POST /api/repos/create), by target namespace: the caller's own, the
 * organization of the private org repository (where the principals hold their org roles), and
 * someone else's (the owner's; the stranger's for the owner).
 */
type Target = 'own' | 'org' | 'other';
const TARGETS: Target[] = ['own', 'org', 'other'];
const CREATE: [Principal, [Outcome, Outcome, Outcome]][] = [
  ['anonymous', [S, S, S]], ['stranger', [P, F, F]], ['viewer', [R, R, R]], ['readGrant', [P, F, F]], ['writeGrant', [P, F, F]],
  ['adminGrant', [P, F, F]], ['orgRead', [P, F, F]], ['orgContributor', [P, P, F]], ['orgWrite', [P, P, F]], ['orgAdmin', [P, P, F]],
  ['owner', [P, P, F]], ['ownerReadToken', [R, R, R]], ['adminToken', [I, I, I]], ['adminRoleUser', [P, F, F]],
];

/** A request that passes the access decision but then fails or changes nothing. */
interface RouteCase {
  op: OpClass;
  body?: unknown;
  contentType?: string;
  query?: string;
}

const GIT = (kind: string) => ({ contentType: `application/x-git-${kind}-request`, body: Buffer.from('not a pkt-line') });
const LFS = 'application/vnd.git-lfs+json';

// Every operation of openapi/ that names a repository: a new one fails the first test until it has a line here.
const ROUTES: Record<string, RouteCase> = {
  repoInfo: { op: 'meta' },
  repoInfoAtRevision: { op: 'meta' },
  listRepoCommits: { op: 'meta' },
  listRepoRefs: { op: 'meta' },
  listRepoTree: { op: 'meta' },
  listRepoTreeFolder: { op: 'meta' },
  getLfsSettings: { op: 'meta' },
  getPathsInfo: { op: 'meta', body: { paths: ['a.txt'] } },
  authCheck: { op: 'files' },
  xetReadToken: { op: 'files' },
  downloadResolvedFile: { op: 'files' },
  headResolvedFile: { op: 'files' },
  downloadRawFile: { op: 'files' },
  headRawFile: { op: 'files' },
  gitInfoRefs: { op: 'files', query: '?service=git-upload-pack' },
  gitInfoRefsDotGit: { op: 'files', query: '?service=git-upload-pack' },
  gitUploadPack: { op: 'files', ...GIT('upload-pack') },
  gitUploadPackDotGit: { op: 'files', ...GIT('upload-pack') },
  lfsBatch: { op: 'files', contentType: LFS, body: { operation: 'download', objects: [] } },
  authCheckWrite: { op: 'write' },
  xetWriteToken: { op: 'write' },
  createBranch: { op: 'write', body: {} },
  deleteBranch: { op: 'write' },
  createTag: { op: 'write', body: { tag: 'bad..tag' } },
  deleteTag: { op: 'write' },
  superSquash: { op: 'write', body: {} },
  listLfsFiles: { op: 'write' },
  createCommit: { op: 'write', contentType: 'application/x-ndjson', body: 'not ndjson\n' },
  preupload: { op: 'write', body: { files: 'none' } },
  gitReceivePack: { op: 'join', ...GIT('receive-pack') },
  gitReceivePackDotGit: { op: 'join', ...GIT('receive-pack') },
  lfsListLocks: { op: 'write' },
  lfsCreateLock: { op: 'write', contentType: LFS, body: { path: 7 } },
  lfsVerifyLocks: { op: 'write', contentType: LFS, body: { limit: 'x' } },
  lfsUnlock: { op: 'write', contentType: LFS, body: {} },
  updateRepoSettings: { op: 'admin', body: { gated: 'sometimes' } },
  listRepoGrants: { op: 'admin' },
  grantRepoAccess: { op: 'admin', body: { username: 'ghost-user-x', role: 'read' } },
  revokeRepoAccess: { op: 'admin' },
  listAccessRequests: { op: 'admin' },
  handleAccessRequest: { op: 'admin', body: { user: 'ghost-user-x', status: 'accepted' } },
  grantGatedAccess: { op: 'admin', body: { user: 'ghost-user-x' } },
  deleteLfsFiles: { op: 'admin', body: { deletions: { sha: ['not-a-sha'] } } },
  askAccess: { op: 'ask', body: { fields: 'not an object' } },
  duplicateLfsFiles: { op: 'dup', body: {} },
  duplicateRepo: { op: 'dup', body: {} },
  // Discussions: a number no discussion has, so that a request let in answers 404 DiscussionNotFound.
  list: { op: 'meta' },
  details: { op: 'meta' },
  create: { op: 'join', body: { title: '' } },
  comment: { op: 'join', body: { comment: 'hello' } },
  editComment: { op: 'join', body: { content: 'edited' } },
  hideComment: { op: 'join' },
  status: { op: 'join', body: { status: 'closed' } },
  rename: { op: 'join', body: { title: 'renamed' } },
  merge: { op: 'write' },
  // Likes and statistics.
  repoLiked: { op: 'meta' },
  repoLikers: { op: 'meta' },
  repoStats: { op: 'meta' },
  recentStats: { op: 'meta', query: '?days=7' },
  likeRepo: { op: 'like' },
  unlikeRepo: { op: 'like' },
  // Quotas of one repository (its type in the path).
  getRepoQuota: { op: 'meta' },
  setRepoQuota: { op: 'manage', body: { quota_bytes: null } },
  recalculateRepoQuota: { op: 'manage' },
  // The admin API's grants of one repository.
  adminListRepoGrants: { op: 'adminApi' },
  adminGrantRepoAccess: { op: 'adminApi', body: { username: 'ghost-user-x', role: 'read' } },
  adminRevokeRepoAccess: { op: 'adminApi' },
  // The admin API's views of one repository (002 names the type {repo_type}).
  adminGetRepository: { op: 'adminApi' },
  adminListRepositoryFiles: { op: 'adminApi', query: '?ref=main' },
  adminRepositoryStorageBreakdown: { op: 'adminApi' },
  // The admin API's fallback cache of one (upstream) repository.
  adminPinFallbackRepo: { op: 'adminApi' },
  adminUnpinFallbackRepo: { op: 'adminApi' },
  adminEvictFallbackRepo: { op: 'adminApi' },
};

/** The operations that name their repository in the body: the last two tests of this file. */
const BODY_ROUTES = ['createRepo', 'deleteRepo', 'moveRepo'];

/** Values for the path parameters besides the repository's: ones that fail after the decision. */
const PARAMS: Record<string, string> = {
  rev: 'main', revision: 'main', path: 'a.txt', branch: 'bad..branch', tag: 'no-such-tag', username: 'ghost-user-x', status: 'pending', id: '999999', num: '999999', commentId: 'ffffffffffffffffffffffff',
};

interface Operation { operationId: string; method: string; path: string; route: string; type: RepoType | 'any' }

/** The type a path serves: its prefix, or any type when it takes one as a parameter. */
function typeOfPath(p: string): RepoType | 'any' {
  if (p.includes('{type}') || p.includes('{repo_type}')) return 'any';
  if (/^\/(api\/)?datasets\//.test(p)) return 'dataset';
  if (/^\/(api\/)?spaces\//.test(p)) return 'space';
  return 'model';
}

function openapiDoc(): { paths: Record<string, Record<string, { operationId?: string }>> } {
  return JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'openapi', 'openapi.json'), 'utf8'));
}

/** Every operation with a repository in its path; `route`: the line of ROUTES it uses (a dataset or space variant uses its model's). */
function repoOperations(): Operation[] {
  const out: Operation[] = [];
  for (const [p, ops] of Object.entries(openapiDoc().paths)) {
    if (!/\{namespace\}\/\{(repo|name)\}/.test(p)) continue;
    const type = typeOfPath(p);
    for (const [method, o] of Object.entries(ops)) {
      if (!o?.operationId) continue;
      const suffix = type === 'dataset' ? 'Dataset' : type === 'space' ? 'Space' : '';
      const route = suffix && o.operationId.endsWith(suffix) ? o.operationId.slice(0, -suffix.length) : o.operationId;
      out.push({ operationId: o.operationId, method, path: p, route, type });
    }
  }
  return out;
}

function outcomeOf(res: Response): Outcome | string {
  const code = res.headers['x-error-code'];
  if (code === 'RepoNotFound') return 'hidden';
  if (code === 'GatedRepo') return 'gated';
  if (code === 'ReadOnlyToken' || code === 'ReadOnlyAccount') return 'readonly';
  if (code === 'InvalidCredentials') return 'invalid';
  if (code === 'AdminTokenRequired' || code === 'InvalidAdminToken') return 'notAdmin';
  if (res.status === 403 && code === 'Forbidden') return 'forbidden';
  if (res.status === 401 && code === 'Unauthorized') return 'signin';
  if ((res.status === 401 || res.status === 403) && code !== undefined) return `unexpected ${res.status} ${code}`;
  if (res.status >= 500) return `server error ${res.status}`;
  return 'pass';
}

function statusOf(outcome: Outcome, who: Principal): number | null {
  const anonymous = who === 'anonymous';
  switch (outcome) {
    case 'pass': return null;
    case 'hidden': return anonymous ? 401 : 404;
    case 'gated': case 'notAdmin': return anonymous ? 401 : 403;
    case 'forbidden': case 'readonly': return 403;
    case 'signin': case 'invalid': return 401;
  }
}

/** What a response was against what the table expects; null when it matches. */
function mismatch(res: Response, expected: Outcome, who: Principal): string | null {
  const got = outcomeOf(res);
  const status = statusOf(expected, who);
  if (got === expected && (status === null || res.status === status)) return null;
  return `expected ${expected}${status ? ` ${status}` : ''}, got ${got} ${res.status} ${res.headers['x-error-code'] ?? ''}`;
}

const PLURAL: Record<RepoType, string> = { model: 'models', dataset: 'datasets', space: 'spaces' };

describe('authorization matrix', () => {
  let t: TestApp;
  let owner: TestUser;
  let org: string;
  const users = new Map<Principal, TestUser>();
  const creds = new Map<Principal, Record<string, string>>();
  const repos = new Map<string, string>();
  const key = (type: RepoType, kind: RepoKind) => `${type}/${kind}`;
  const admin = () => ({ 'X-Admin-Token': ADMIN_TOKEN });
  const bearer = (u: TestUser) => ({ Authorization: `Bearer ${u.token}` });
  const extra = (type: RepoType) => ({ type, ...(type === 'space' ? { sdk: 'static' } : {}) });

  /** A repository of this type and kind, with the grants the table's grant principals hold. */
  async function makeRepo(type: RepoType, kind: RepoKind, seed: boolean): Promise<string> {
    const id = `${kind === 'privateOrg' ? org : owner.username}/${uniqueName(kind.toLowerCase())}`;
    await createRepo(t, owner.token, id, { ...extra(type), ...(kind === 'private' || kind === 'privateOrg' ? { private: true } : {}) }).expect(200);
    if (seed) expect((await commit(t, owner.token, id, [header('seed'), file('a.txt', 'hello\n')], { type: PLURAL[type] as 'models' })).status).toBe(200);
    if (kind === 'gatedManual') await t.http().put(`/api/${PLURAL[type]}/${id}/settings`).set(bearer(owner)).send({ gated: 'manual' }).expect(200);
    for (const [who, role] of [['readGrant', 'read'], ['writeGrant', 'write'], ['adminGrant', 'admin']] as const) {
      await t.http().post(`/api/${PLURAL[type]}/${id}/access`).set(bearer(owner)).send({ username: users.get(who)!.username, role }).expect(200);
    }
    return id;
  }

  beforeAll(async () => {
    t = await startTestApp();
    owner = await createUserWithToken(t);
    const user = async (role?: 'viewer' | 'admin') => {
      const u = await createUserWithToken(t);
      if (role) await t.http().patch(`/admin/api/users/${u.username}`).set(admin()).send({ role }).expect(200);
      return u;
    };
    org = uniqueName('org');
    await t.http().post('/org/create').set(bearer(owner)).send({ name: org }).expect(200);
    users.set('owner', owner);
    for (const who of ['stranger', 'readGrant', 'writeGrant', 'adminGrant', 'orgRead', 'orgContributor', 'orgWrite', 'orgAdmin'] as const) users.set(who, await user());
    users.set('viewer', await user('viewer'));
    users.set('adminRoleUser', await user('admin'));
    for (const [who, role] of [['orgRead', 'read'], ['orgContributor', 'contributor'], ['orgWrite', 'write'], ['orgAdmin', 'admin']] as const) {
      await t.http().post(`/org/${org}/members`).set(bearer(owner)).send({ username: users.get(who)!.username, role }).expect(200);
    }
    // The owner's own read token: a second login of the same account.
    const login = await t.http().post('/api/auth/login').send({ username: owner.username, password: owner.password }).expect(200);
    const readToken = (await t.http().post('/api/auth/tokens/create').set('Cookie', login.headers['set-cookie']).send({ name: 'ro', role: 'read' }).expect(200)).body.token;

    creds.set('anonymous', {});
    for (const [who, u] of users) creds.set(who, bearer(u));
    creds.set('ownerReadToken', { Authorization: `Bearer ${readToken}` });
    creds.set('adminToken', { Authorization: `Bearer ${ADMIN_TOKEN}` });
    expect([...creds.keys()].sort()).toEqual([...PRINCIPALS].sort());

    for (const [type, kinds] of Object.entries(KINDS_OF) as [RepoType, RepoKind[]][]) {
      for (const kind of kinds) repos.set(key(type, kind), await makeRepo(type, kind, true));
    }
  }, 180_000);
  afterAll(() => t?.close());

  it('has a line for every repository operation of openapi/ and for every principal × repo kind × class', () => {
    const ops = repoOperations();
    expect(ops.filter((o) => !ROUTES[o.route]).map((o) => o.operationId)).toEqual([]);
    // Dataset and space variants, and the quota and admin-API routes that take any type, are in.
    expect(new Set(ops.map((o) => o.type))).toEqual(new Set(['model', 'dataset', 'space', 'any']));
    // Operations that name a repository in the body: every one under /api/repos/ is tested below.
    const bodyOps = Object.entries(openapiDoc().paths).filter(([p]) => p.startsWith('/api/repos/')).flatMap(([, o]) => Object.values(o).map((x) => x.operationId));
    expect(bodyOps.sort()).toEqual([...BODY_ROUTES].sort());
    const seen = new Set(EXPECTED.map(([who, op]) => `${who}/${op}`));
    expect(seen.size).toBe(EXPECTED.length);
    expect(seen.size).toBe(PRINCIPALS.length * CLASSES.length);
    expect(new Set(CREATE.map(([who]) => who)).size).toBe(PRINCIPALS.length);
  });

  it('answers each principal exactly as the table says, on every type', async () => {
    const wrong: string[] = [];
    let requests = 0;
    for (const op of repoOperations()) {
      const route = ROUTES[op.route];
      const types: RepoType[] = op.type === 'any' ? ['model', 'dataset', 'space'] : [op.type];
      const asks: Promise<void>[] = [];
      for (const type of types) {
        for (const [who, opClass, outcomes] of EXPECTED) {
          if (opClass !== route.op) continue;
          for (const [i, kind] of KINDS.entries()) {
            if (!KINDS_OF[type].includes(kind)) continue;
            const [namespace, repo] = repos.get(key(type, kind))!.split('/');
            const url = op.path.replace(/\{(\w+)\}/g, (_, k: string) => (k === 'namespace' ? namespace : k === 'repo' || k === 'name' ? repo : k === 'type' || k === 'repo_type' ? type : PARAMS[k])) + (route.query ?? '');
            let req: Test = (t.http() as unknown as Record<string, (u: string) => Test>)[op.method](url).set(creds.get(who)!);
            if (route.body !== undefined) req = req.set('Content-Type', route.contentType ?? 'application/json').send(route.body as object);
            requests += 1;
            asks.push(
              req.then((res) => {
                const m = mismatch(res, outcomes[i], who);
                if (m) wrong.push(`${op.operationId} ${who} ${type} ${kind}: ${m}`);
              }),
            );
          }
        }
      }
      // One operation at a time; its principals and kinds at once.
      await Promise.all(asks);
    }
    expect(wrong).toEqual([]);
    expect(requests).toBeGreaterThan(5000);
  }, 600_000);

  it('a missing repository answers anonymous callers and strangers exactly as a private one does, on every route', async () => {
    const wrong: string[] = [];
    const privateColumn = KINDS.indexOf('private');
    for (const op of repoOperations().filter((o) => o.type === 'model' || o.type === 'any')) {
      const route = ROUTES[op.route];
      for (const who of ['anonymous', 'stranger'] as const) {
        const outcome = EXPECTED.find(([w, c]) => w === who && c === route.op)![2][privateColumn];
        const url = op.path.replace(/\{(\w+)\}/g, (_, k: string) => (k === 'namespace' ? owner.username : k === 'repo' || k === 'name' ? 'no-such-repo' : k === 'type' || k === 'repo_type' ? 'model' : PARAMS[k])) + (route.query ?? '');
        let req: Test = (t.http() as unknown as Record<string, (u: string) => Test>)[op.method](url).set(creds.get(who)!);
        if (route.body !== undefined) req = req.set('Content-Type', route.contentType ?? 'application/json').send(route.body as object);
        const m = mismatch(await req, outcome, who);
        if (m) wrong.push(`${op.operationId} ${who} missing: ${m}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('creating a repository: in one\'s own namespace, in the org by role, in someone else\'s', async () => {
    const wrong: string[] = [];
    const otherUser = users.get('stranger')!;
    for (const [who, outcomes] of CREATE) {
      for (const [i, target] of TARGETS.entries()) {
        const self = users.get(who)?.username ?? 'nobody';
        const namespace = target === 'own' ? self : target === 'org' ? org : who === 'owner' ? otherUser.username : owner.username;
        const res = await t.http().post('/api/repos/create').set(creds.get(who)!).send({ name: `${namespace}/${uniqueName('new')}`, private: true });
        const m = mismatch(res, outcomes[i], who);
        if (m) wrong.push(`createRepo ${who} ${target}: ${m}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000);

  it('deleting and moving (renaming) a repository: its admins, with a write credential', async () => {
    const wrong: string[] = [];
    const manage = EXPECTED.filter(([, c]) => c === 'manage');
    for (const operation of ['deleteRepo', 'moveRepo'] as const) {
      for (const [i, kind] of KINDS.entries()) {
        // A fresh repository for the next caller whenever one goes away (deleted or renamed).
        let id = await makeRepo('model', kind, false);
        for (const [who, , outcomes] of manage) {
          const req = operation === 'deleteRepo'
            ? t.http().delete('/api/repos/delete').send({ name: id })
            : t.http().post('/api/repos/move').send({ fromRepo: id, toRepo: `${id}-moved` });
          const res = await req.set(creds.get(who)!);
          const m = mismatch(res, outcomes[i], who);
          if (m) wrong.push(`${operation} ${who} ${kind}: ${m}`);
          const gone = (await t.http().get(`/api/models/${id}`).set(bearer(owner))).status !== 200;
          if (gone !== (res.status === 200)) wrong.push(`${operation} ${who} ${kind}: answered ${res.status} but the repository ${gone ? 'went away' : 'stayed'}`);
          if (gone) id = await makeRepo('model', kind, false);
        }
      }
    }
    expect(wrong).toEqual([]);
  }, 300_000);

  it('nothing the matrix sent changed the repositories', async () => {
    for (const [k, id] of repos) {
      const type = k.split('/')[0] as RepoType;
      const refs = await t.http().get(`/api/${PLURAL[type]}/${id}/refs`).set(creds.get('owner')!).expect(200);
      expect({ k, branches: refs.body.branches.map((b: { name: string }) => b.name), tags: refs.body.tags }).toEqual({ k, branches: ['main'], tags: [] });
    }
  });
});
