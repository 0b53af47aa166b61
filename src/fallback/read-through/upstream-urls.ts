import type { RepoType } from '../../repos/repo.types';

const API_PREFIX: Record<RepoType, string> = { model: 'models', dataset: 'datasets', space: 'spaces' };
const RESOLVE_PREFIX: Record<RepoType, string> = { model: '', dataset: 'datasets/', space: 'spaces/' };

function encodedId(repoId: string): string {
  return repoId.split('/').map(encodeURIComponent).join('/');
}

function encodedPath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** `{base}/api/{type}s/{ns}/{name}` + suffix: the HF routes every upstream (Hub, Hangar, KohakuHub) serves. */
export function apiUrl(base: string, type: RepoType, repoId: string, suffix = ''): string {
  return `${base}/api/${API_PREFIX[type]}/${encodedId(repoId)}${suffix}`;
}

export function revisionSuffix(rev: string): string {
  return `/revision/${encodeURIComponent(rev)}`;
}

export function treeSuffix(sha: string, path: string): string {
  return `/tree/${sha}${path ? `/${encodedPath(path)}` : ''}`;
}

export function resolveUrl(base: string, type: RepoType, repoId: string, sha: string, path: string): string {
  return `${base}/${RESOLVE_PREFIX[type]}${encodedId(repoId)}/resolve/${sha}/${encodedPath(path)}`;
}

/** A pagination link of the upstream, pointed at Hangar (the next page is read through too). */
export function rewriteLink(link: string | null, upstreamBase: string, publicBase: string): string | null {
  if (!link) return null;
  return link.split(upstreamBase).join(publicBase);
}

/** The query string of a URL in a stable order (the cache key of an answer that depends on it). */
export function normalizedQuery(url: string): string {
  const params = new URL(url, 'http://x').searchParams;
  params.sort();
  return params.toString();
}

/** The same, as a suffix to append (`?…`, or nothing). */
export function queryOf(url: string): string {
  const q = normalizedQuery(url);
  return q ? `?${q}` : '';
}
