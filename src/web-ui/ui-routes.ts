/**
 * Which browser navigations the web UI answers. Only paths no API route claims reach this
 * decision (the UI's catch-all route is registered last), but a typo in an API path must still
 * answer the API's 404, not a page: the prefixes below belong to the APIs and never get a shell.
 */
export type UiShell = 'hub' | 'admin';

/** First path segments owned by the HTTP APIs (HF, admin, git/LFS/Xet transports, operations). */
const API_PREFIXES = new Set(['api', 'health', 'metrics', 'docs', 'lfs', 'storage', 'v1', 'v2', 'avatars', 'org', 'invite', 'register', '-']);

/** Segments that, after `{ns}/{repo}`, name git, LFS or file-download routes. */
const REPO_TRANSPORT_SEGMENTS = new Set(['resolve', 'raw', 'info', 'git-upload-pack', 'git-receive-pack']);

export function uiShellFor(pathname: string): UiShell | null {
  const segments = pathname.split('/').filter((s) => s.length > 0);
  if (segments.length === 0) return 'hub';
  const [first] = segments;
  if (first === 'admin') return segments[1] === 'api' ? null : 'admin';
  if (API_PREFIXES.has(first)) return null;
  const repoSegments = first === 'datasets' || first === 'spaces' || first === 'models' ? segments.slice(1) : segments;
  if (repoSegments.some((s) => s.endsWith('.git'))) return null;
  if (repoSegments.length > 2 && REPO_TRANSPORT_SEGMENTS.has(repoSegments[2])) return null;
  return 'hub';
}

/** A browser navigation asks for HTML; API clients (fetch, curl, huggingface_hub) do not. */
export function wantsHtml(accept: string | undefined): boolean {
  return typeof accept === 'string' && /(^|,)\s*text\/html\s*(;|,|$)/i.test(accept);
}
