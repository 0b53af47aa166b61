import { call, hubApi } from '../api/client';
import type { components } from '../api/schema';
import { encodePath } from '../lib/router';

export type RepoKind = 'models' | 'datasets' | 'spaces';
export type RepoInfo = components['schemas']['RepoInfoDto'];
export type TreeEntry = components['schemas']['TreeEntryDto'];
export type Commit = components['schemas']['CommitDto'];

export interface RepoRef {
  kind: RepoKind;
  namespace: string;
  name: string;
}

export const repoId = (r: RepoRef) => `${r.namespace}/${r.name}`;
/** The hub's page paths: models at `/{id}`, the others under `/datasets/`, `/spaces/` (as on the Hub). */
export const repoPath = (r: RepoRef) => `${r.kind === 'models' ? '' : `/${r.kind}`}/${encodeURIComponent(r.namespace)}/${encodeURIComponent(r.name)}`;
export const treePath = (r: RepoRef, rev: string, path = '') => `${repoPath(r)}/tree/${encodeURIComponent(rev)}${path ? `/${encodePath(path)}` : ''}`;
export const blobPath = (r: RepoRef, rev: string, path: string) => `${repoPath(r)}/blob/${encodeURIComponent(rev)}/${encodePath(path)}`;
export const commitsPath = (r: RepoRef, rev: string) => `${repoPath(r)}/commits/${encodeURIComponent(rev)}`;
export const commitPath = (r: RepoRef, sha: string) => `${repoPath(r)}/commit/${sha}`;
/** The download URL the clients use; the session cookie lets private repos through. */
export const resolveUrl = (r: RepoRef, rev: string, path: string) => `${repoPath(r)}/resolve/${encodeURIComponent(rev)}/${encodePath(path)}`;

// The three kinds share one schema per route; the typed client is addressed with the models' path.
/** The path parameters every repository route takes. */
export const repoParams = (r: RepoRef) => ({ namespace: r.namespace, repo: r.name });
const api = (r: RepoRef) => ({ params: { path: repoParams(r) } });
export const kindPath = <P extends string>(r: RepoRef, p: P): P => p.replace('/api/models/', `/api/${r.kind}/`) as P;

export function repoInfo(r: RepoRef): Promise<RepoInfo> {
  return call(hubApi.GET(kindPath(r, '/api/models/{namespace}/{repo}'), api(r)));
}

export function listTree(r: RepoRef, rev: string, path = '', recursive = false): Promise<TreeEntry[]> {
  const query = { expand: true, recursive, limit: 1000 };
  if (path) return call(hubApi.GET(kindPath(r, '/api/models/{namespace}/{repo}/tree/{rev}/{path}'), { params: { path: { ...api(r).params.path, rev, path }, query } }));
  return call(hubApi.GET(kindPath(r, '/api/models/{namespace}/{repo}/tree/{rev}'), { params: { path: { ...api(r).params.path, rev }, query } }));
}

export function listCommits(r: RepoRef, rev: string, page = 0, limit = 30): Promise<Commit[]> {
  return call(hubApi.GET(kindPath(r, '/api/models/{namespace}/{repo}/commits/{rev}'), { params: { path: { ...api(r).params.path, rev }, query: { p: page, limit } } }));
}

export function listRefs(r: RepoRef) {
  return call(hubApi.GET(kindPath(r, '/api/models/{namespace}/{repo}/refs'), api(r)));
}

/** A text file's content, or null when it is missing. */
export async function fetchText(r: RepoRef, rev: string, path: string): Promise<string | null> {
  const res = await fetch(resolveUrl(r, rev, path));
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(res.headers.get('X-Error-Message') ?? `${res.status} ${res.statusText}`);
  return res.text();
}
