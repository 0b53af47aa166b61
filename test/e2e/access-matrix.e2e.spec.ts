import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Response, Test } from 'supertest';
import { startTestApp, TestApp, ADMIN_TOKEN } from '../support/test-app';
import { createUserWithToken, TestUser, uniqueName } from '../support/accounts';
import { commit, createRepo, file, header } from '../support/repos';

/**
 * The authorization matrix (issue 14): every operation of openapi/ that names a repository in
 * its path (models; the dataset and space variants are the same handlers), git, LFS and Xet
 * included, asked by each principal of every repository kind. Requests carry bodies that fail
 * after the access decision (or change nothing), so "pass" means the decision let the caller in.
 */

type Principal =
  | 'anonymous' | 'stranger' | 'viewer' | 'readGrant' | 'writeGrant' | 'adminGrant'
  | 'orgRead' | 'orgWrite' | 'owner' | 'ownerReadToken' | 'adminToken' | 'adminRoleUser';
type RepoKind = 'public' | 'private' | 'gatedManual' | 'privateOrg';
const KINDS: RepoKind[] = ['public', 'private', 'gatedManual', 'privateOrg'];
/**
 * meta: metadata reads; files: contents (gated); write; admin; ask: ask for gated access; dup: LFS
 * duplicate (contents + a write credential); join: take part (open a discussion, comment, like):
 * anyone who may read, with a write credential of an account that may change things; like: the
 * same, but the credential is checked before the repository is looked up (a like needs an
 * account whatever the repository), which reveals nothing: a missing repository answers alike.
 */
type OpClass = 'meta' | 'files' | 'write' | 'admin' | 'ask' | 'dup' | 'join' | 'like';
/**
 * pass: let in; hidden: RepoNotFound (401 anonymous, else 404); gated: GatedRepo (401 anonymous,
 * else 403); forbidden: 403 Forbidden; readonly: 403 ReadOnlyToken/ReadOnlyAccount; signin: 401
 * Unauthorized; invalid: 401 InvalidCredentials (the admin token is no user credential).
 */
type Outcome = 'pass' | 'hidden' | 'gated' | 'forbidden' | 'readonly' | 'signin' | 'invalid';

const P = 'pass', H = 'hidden', G = 'gated', F = 'forbidden', R = 'readonly', S = 'signin', I = 'invalid';

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
};

/** Values for the path parameters besides namespace and repo: ones that fail after the decision. */
const PARAMS: Record<string, string> = {
  rev: 'main', revision: 'main', path: 'a.txt', branch: 'bad..branch', tag: 'no-such-tag', username: 'ghost-user-x', status: 'pending', id: '999999', num: '999999', commentId: 'ffffffffffffffffffffffff',
};

interface Operation { operationId: string; method: string; path: string }

function repoOperations(): Operation[] {
  const doc = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'openapi', 'openapi.json'), 'utf8'));
  const out: Operation[] = [];
  for (const [p, ops] of Object.entries<Record<string, { operationId?: string }>>(doc.paths)) {
    if (!p.includes('{namespace}/{repo}') || p.startsWith('/api/datasets') || p.startsWith('/api/spaces') || p.startsWith('/datasets') || p.startsWith('/spaces')) continue;
    for (const [method, o] of Object.entries(ops)) if (o?.operationId) out.push({ operationId: o.operationId, method, path: p });
  }
  return out;
}

function outcomeOf(res: Response): Outcome | string {
  const code = res.headers['x-error-code'];
  if (code === 'RepoNotFound') return 'hidden';
  if (code === 'GatedRepo') return 'gated';
  if (code === 'ReadOnlyToken' || code === 'ReadOnlyAccount') return 'readonly';
  if (code === 'InvalidCredentials') return 'invalid';
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
    case 'gated': return anonymous ? 401 : 403;
    case 'forbidden': case 'readonly': return 403;
    case 'signin': case 'invalid': return 401;
  }
}

describe('authorization matrix', () => {
  let t: TestApp;
  const creds = new Map<Principal, Record<string, string>>();
  const repos = new Map<RepoKind, string>();
  const admin = () => ({ 'X-Admin-Token': ADMIN_TOKEN });

  beforeAll(async () => {
    t = await startTestApp();
    const bearer = (u: TestUser) => ({ Authorization: `Bearer ${u.token}` });
    const owner = await createUserWithToken(t);
    const user = async (role?: 'viewer' | 'admin') => {
      const u = await createUserWithToken(t);
      if (role) await t.http().patch(`/admin/api/users/${u.username}`).set(admin()).send({ role }).expect(200);
      return u;
    };
    const org = uniqueName('org');
    await t.http().post('/org/create').set(bearer(owner)).send({ name: org }).expect(200);
    const [stranger, viewer, readGrant, writeGrant, adminGrant, orgRead, orgWrite, adminRoleUser] = [
      await user(), await user('viewer'), await user(), await user(), await user(), await user(), await user(), await user('admin'),
    ];
    await t.http().post(`/org/${org}/members`).set(bearer(owner)).send({ username: orgRead.username, role: 'read' }).expect(200);
    await t.http().post(`/org/${org}/members`).set(bearer(owner)).send({ username: orgWrite.username, role: 'member' }).expect(200);
    // The owner's own read token: a second login of the same account.
    const login = await t.http().post('/api/auth/login').send({ username: owner.username, password: owner.password }).expect(200);
    const readToken = (await t.http().post('/api/auth/tokens/create').set('Cookie', login.headers['set-cookie']).send({ name: 'ro', role: 'read' }).expect(200)).body.token;

    creds.set('anonymous', {});
    for (const [who, u] of Object.entries({ stranger, viewer, readGrant, writeGrant, adminGrant, orgRead, orgWrite, owner, adminRoleUser })) creds.set(who as Principal, bearer(u));
    creds.set('ownerReadToken', { Authorization: `Bearer ${readToken}` });
    creds.set('adminToken', { Authorization: `Bearer ${ADMIN_TOKEN}` });

    const make = async (kind: RepoKind, id: string, extra: Record<string, unknown>) => {
      await createRepo(t, owner.token, id, extra).expect(200);
      const c = await commit(t, owner.token, id, [header('seed'), file('a.txt', 'hello\n')]);
      expect(c.status).toBe(200);
      repos.set(kind, id);
    };
    await make('public', `${owner.username}/${uniqueName('pub')}`, {});
    await make('private', `${owner.username}/${uniqueName('priv')}`, { private: true });
    await make('gatedManual', `${owner.username}/${uniqueName('gated')}`, {});
    await t.http().put(`/api/models/${repos.get('gatedManual')}/settings`).set(bearer(owner)).send({ gated: 'manual' }).expect(200);
    await make('privateOrg', `${org}/${uniqueName('porg')}`, { private: true });
    for (const id of repos.values()) {
      for (const [u, role] of [[readGrant, 'read'], [writeGrant, 'write'], [adminGrant, 'admin']] as const) {
        await t.http().post(`/api/models/${id}/access`).set(bearer(owner)).send({ username: u.username, role }).expect(200);
      }
    }
  }, 120_000);
  afterAll(() => t?.close());

  it('has a line for every repository operation of openapi/ and for every principal × repo kind × class', () => {
    const missing = repoOperations().map((o) => o.operationId).filter((id) => !ROUTES[id]);
    expect(missing).toEqual([]);
    const seen = new Set(EXPECTED.map(([who, op]) => `${who}/${op}`));
    expect(seen.size).toBe(EXPECTED.length);
    expect(seen.size).toBe(12 * 8);
  });

  it('answers each principal exactly as the table says', async () => {
    const wrong: string[] = [];
    for (const op of repoOperations()) {
      const route = ROUTES[op.operationId];
      for (const [who, opClass, outcomes] of EXPECTED) {
        if (opClass !== route.op) continue;
        for (const [i, kind] of KINDS.entries()) {
          const [namespace, repo] = repos.get(kind)!.split('/');
          const url = op.path.replace(/\{(\w+)\}/g, (_, k: string) => (k === 'namespace' ? namespace : k === 'repo' ? repo : PARAMS[k])) + (route.query ?? '');
          let req: Test = (t.http() as unknown as Record<string, (u: string) => Test>)[op.method](url).set(creds.get(who)!);
          if (route.body !== undefined) req = req.set('Content-Type', route.contentType ?? 'application/json').send(route.body as object);
          const res = await req;
          const got = outcomeOf(res);
          const expectedStatus = statusOf(outcomes[i], who);
          if (got !== outcomes[i] || (expectedStatus !== null && res.status !== expectedStatus)) {
            wrong.push(`${op.operationId} ${who} ${kind}: expected ${outcomes[i]}${expectedStatus ? ` ${expectedStatus}` : ''}, got ${got} ${res.status} ${res.headers['x-error-code'] ?? ''}`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  }, 600_000);

  it('nothing the matrix sent changed the repositories', async () => {
    for (const [kind, id] of repos) {
      const refs = await t.http().get(`/api/models/${id}/refs`).set(creds.get('owner')!).expect(200);
      expect({ kind, branches: refs.body.branches.map((b: { name: string }) => b.name), tags: refs.body.tags }).toEqual({ kind, branches: ['main'], tags: [] });
    }
  });
});
