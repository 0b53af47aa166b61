/**
 * The Hub's three rate-limit buckets and which requests count in which. Pure: no Nest, no I/O.
 *
 * - `resolvers`: file downloads, any path with a `/resolve/` segment.
 * - `api`: the JSON API (`/api/…`, the admin API) and the starts of transfers: git smart HTTP
 *   (`info/refs`, `git-upload-pack`, `git-receive-pack`), LFS batch and locks. A transfer counts
 *   as the one request that carries it, whatever its size.
 * - `pages`: everything else a browser may ask for.
 *
 * Not counted: health and metrics probes, and the byte transfers an operation already counted
 * hands out (signed storage and LFS hrefs, the Xet CAS endpoints, which authenticate with the
 * Xet token the `api` bucket already counted), plus the clients' telemetry beacon.
 */
export type RateLimitBucket = 'api' | 'resolvers' | 'pages';

export const RATE_LIMIT_BUCKETS: readonly RateLimitBucket[] = ['api', 'resolvers', 'pages'];

const NOT_COUNTED = /^\/(health(\/|$)|metrics$|storage\/fs\/|lfs\/(uploads|objects)\/|v[12]\/)/;
const TRANSFER = /\/(info\/refs|git-upload-pack|git-receive-pack|info\/lfs\/.*)$/;

export function bucketFor(path: string): RateLimitBucket | null {
  if (NOT_COUNTED.test(path)) return null;
  if (path.includes('/resolve/')) return 'resolvers';
  if (path === '/api' || path.startsWith('/api/') || path.startsWith('/admin/api/') || TRANSFER.test(path)) return 'api';
  return 'pages';
}

/** What the limiter knows of one counted request, after it is counted. */
export interface RateLimitState {
  bucket: RateLimitBucket;
  limit: number;
  windowSeconds: number;
  /** Requests counted in this window, this one included. */
  hits: number;
  /** Whole seconds until the window ends (at least 1). */
  resetSeconds: number;
}

export function isOverLimit(s: RateLimitState): boolean {
  return s.hits > s.limit;
}

/**
 * The IETF draft headers the Hub sends (draft-ietf-httpapi-ratelimit-headers), in the form
 * huggingface_hub parses (`utils/_http.py`): `RateLimit: "api";r=0;t=55` and
 * `RateLimit-Policy: "fixed window";"api";q=500;w=300`. On a 429 the client sleeps `t` seconds
 * (plus one) and retries, but only when `r` is 0; Retry-After is its fallback and other clients'.
 */
export function rateLimitHeaders(s: RateLimitState): Record<string, string> {
  const remaining = Math.max(0, s.limit - s.hits);
  const headers: Record<string, string> = {
    RateLimit: `"${s.bucket}";r=${remaining};t=${s.resetSeconds}`,
    'RateLimit-Policy': `"fixed window";"${s.bucket}";q=${s.limit};w=${s.windowSeconds}`,
  };
  if (isOverLimit(s)) headers['Retry-After'] = String(s.resetSeconds);
  return headers;
}
