import { matchesPattern } from './fallback-route';

export type ProfileKind = 'user' | 'org';
export type ProfileAsk = 'overview' | 'members' | 'followers' | 'following' | 'avatar';

/** A lookup about a user or an organization the clients make (huggingface_hub's get_user_overview and friends, the avatars). */
export interface ProfileRoute {
  kind: ProfileKind;
  name: string;
  ask: ProfileAsk;
}

const ASKS: Record<ProfileKind, readonly ProfileAsk[]> = {
  user: ['overview', 'followers', 'following', 'avatar'],
  org: ['overview', 'members', 'followers', 'avatar'],
};

/** `/api/users/{name}/{ask}` and `/api/organizations/{name}/{ask}` (GET/HEAD), else null. Pure. */
export function parseProfileRoute(method: string, rawPath: string): ProfileRoute | null {
  if (method !== 'GET' && method !== 'HEAD') return null;
  let parts: string[];
  try {
    parts = rawPath.split('/').slice(1).map(decodeURIComponent);
  } catch {
    return null;
  }
  if (parts.length !== 4 || parts[0] !== 'api') return null;
  const kind: ProfileKind | null = parts[1] === 'users' ? 'user' : parts[1] === 'organizations' ? 'org' : null;
  const [name, ask] = [parts[2], parts[3] as ProfileAsk];
  if (!kind || !name || name === '.' || name === '..' || !ASKS[kind].includes(ask)) return null;
  return { kind, name, ask };
}

/**
 * A source's patterns applied to a user or organization name: an allow pattern admits the name
 * when its namespace part matches it (`meta-llama/*` admits the `meta-llama` org); a deny pattern
 * shuts the name out only when it covers the whole namespace (`meta-llama` or `meta-llama/*`).
 */
export function sourceAllowsName(source: { allowPatterns: string[]; denyPatterns: string[] }, name: string): boolean {
  const namespacePart = (p: string) => p.split('/')[0];
  const wholeNamespace = (p: string) => !p.includes('/') || p.endsWith('/*');
  if (source.denyPatterns.some((p) => wholeNamespace(p) && matchesPattern(namespacePart(p), name))) return false;
  return source.allowPatterns.length === 0 || source.allowPatterns.some((p) => matchesPattern(namespacePart(p), name));
}
