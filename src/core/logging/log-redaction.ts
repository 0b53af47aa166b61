/**
 * What must never reach the logs: credentials in headers, secret-looking fields anywhere in a
 * logged object (three levels deep covers `{ body: { token } }`-style payloads), and signed
 * query strings (storage URLs carry `sig=`, S3 presigned URLs `X-Amz-Signature=`).
 */
export const REDACT_CENSOR = '[redacted]';

const SECRET_FIELDS = ['token', 'password', 'accessToken'];

export const REDACT_PATHS: string[] = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers["x-admin-token"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
];

/** Query parameter names whose values are credentials: sig, signature, token, X-Amz-Signature, … */
const SECRET_QUERY_KEY = /(^sig$|signature$|token$|password$|secret$|credential$)/i;

/** The URL with the value of every secret-looking query parameter replaced by `[redacted]`. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawKey = eq === -1 ? pair : pair.slice(0, eq);
      return SECRET_QUERY_KEY.test(safeDecode(rawKey)) ? `${rawKey}=${REDACT_CENSOR}` : pair;
    })
    .join('&');
  return `${url.slice(0, q)}?${query}`;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

interface SerializedRequest {
  id?: unknown;
  method?: string;
  url?: string;
  headers?: Record<string, unknown>;
  remoteAddress?: string;
  remotePort?: number;
}

/**
 * pino-http's `serializers.req`, applied on top of the standard serializer. `query` and
 * `params` are dropped: the (redacted) URL already carries the query, and params are still
 * empty when the request line is bound, before routing.
 */
export function serializeRequest(req: SerializedRequest): SerializedRequest {
  return {
    id: req.id,
    method: req.method,
    url: typeof req.url === 'string' ? redactUrl(req.url) : req.url,
    headers: req.headers,
    remoteAddress: req.remoteAddress,
    remotePort: req.remotePort,
  };
}
