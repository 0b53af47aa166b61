import type { RepoType } from '../../repos/repo.types';

/** What a read route asks about a repository, in terms the read-through can answer upstream. */
export type FallbackAsk =
  | { kind: 'info'; rev: string | null }
  | { kind: 'tree'; rev: string; path: string }
  | { kind: 'paths-info'; rev: string }
  | { kind: 'refs' }
  | { kind: 'commits'; rev: string }
  | { kind: 'file'; rev: string; path: string; withBody: boolean };

export interface FallbackRoute {
  repoType: RepoType;
  /** `namespace/name`, as the route spelled it. */
  repoId: string;
  namespace: string;
  name: string;
  ask: FallbackAsk;
}

const API_TYPES: Record<string, RepoType> = { models: 'model', datasets: 'dataset', spaces: 'space' };

/**
 * The read routes the read-through serves (the ones huggingface_hub and @huggingface/hub use to
 * read a repository: info, tree, paths-info, refs, commits, resolve), parsed from the raw path;
 * null for every other request. Pure: no database, no network.
 */
export function parseFallbackRoute(method: string, rawPath: string): FallbackRoute | null {
  let parts: string[];
  try {
    parts = rawPath.split('/').slice(1).map(decodeURIComponent);
  } catch {
    return null;
  }
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  if (parts.some((p) => p === '' || p === '.' || p === '..')) return null;
  if (parts[0] === 'api') return parseApi(method, parts.slice(1));
  return parseResolve(method, parts);
}

function parseApi(method: string, parts: string[]): FallbackRoute | null {
  const repoType = API_TYPES[parts[0]];
  if (!repoType || parts.length < 3) return null;
  const [namespace, name, action, ...rest] = parts.slice(1);
  const base = { repoType, namespace, name, repoId: `${namespace}/${name}` };
  if (method === 'POST') return action === 'paths-info' && rest.length === 1 ? { ...base, ask: { kind: 'paths-info', rev: rest[0] } } : null;
  if (method !== 'GET') return null;
  if (action === undefined) return { ...base, ask: { kind: 'info', rev: null } };
  if (action === 'revision' && rest.length > 0) return { ...base, ask: { kind: 'info', rev: rest.join('/') } };
  if (action === 'tree' && rest.length > 0) return { ...base, ask: { kind: 'tree', rev: rest[0], path: rest.slice(1).join('/') } };
  if (action === 'refs' && rest.length === 0) return { ...base, ask: { kind: 'refs' } };
  if (action === 'commits' && rest.length === 1) return { ...base, ask: { kind: 'commits', rev: rest[0] } };
  return null;
}

function parseResolve(method: string, parts: string[]): FallbackRoute | null {
  if (method !== 'GET' && method !== 'HEAD') return null;
  const repoType: RepoType = parts[0] === 'datasets' ? 'dataset' : parts[0] === 'spaces' ? 'space' : 'model';
  const p = repoType === 'model' ? parts : parts.slice(1);
  if (p.length < 5 || p[2] !== 'resolve') return null;
  const [namespace, name, , rev, ...path] = p;
  return { repoType, namespace, name, repoId: `${namespace}/${name}`, ask: { kind: 'file', rev, path: path.join('/'), withBody: method === 'GET' } };
}

/** `meta-llama/*` style patterns: `*` matches any run of characters except `/`; case-insensitive as repository ids are. */
export function matchesPattern(pattern: string, repoId: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('[^/]*')}$`, 'i');
  return re.test(repoId) || (!pattern.includes('/') && re.test(repoId.split('/')[0]));
}

/** Deny wins over allow; no allow patterns: everything not denied. */
export function sourceAllows(source: { allowPatterns: string[]; denyPatterns: string[] }, repoId: string): boolean {
  if (source.denyPatterns.some((p) => matchesPattern(p, repoId))) return false;
  return source.allowPatterns.length === 0 || source.allowPatterns.some((p) => matchesPattern(p, repoId));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
