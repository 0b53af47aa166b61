/**
 * What must never reach the logs, whatever the level: credentials in request and response
 * headers (Authorization, cookies, the admin token, the Xet CAS token headers), secret-looking
 * fields anywhere in a logged object (three levels deep covers `{ body: { token } }`-style
 * payloads), and signed query strings wherever a URL is logged (the request line, `Location`
 * of a redirect to an S3 presigned URL, `Link`, `Referer`): storage URLs carry `sig=`, S3
 * presigned URLs `X-Amz-Signature=` and `X-Amz-Credential=`.
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

/** Headers that are credentials whatever their value: cookies, Authorization, any *-token/secret header. */
const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|set-cookie)$|(token|secret|password|signature|credential|api-key)$/i;

/** Headers whose value is a URL (or, for Link, URLs in angle brackets) that may be signed. */
const URL_HEADERS = new Set(['location', 'content-location', 'referer', 'link']);

/** A copy of `headers` with credentials censored and signed URLs redacted; other values as they are. */
export function redactHeaders(headers: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!headers || typeof headers !== 'object') return headers;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (SECRET_HEADER.test(name)) out[name] = REDACT_CENSOR;
    else if (URL_HEADERS.has(name.toLowerCase())) out[name] = mapStrings(value, redactUrlsIn);
    else out[name] = value;
  }
  return out;
}

/** Every URL in `text`: the text itself when it is one URL, else each `<url>` (a Link header). */
function redactUrlsIn(text: string): string {
  return text.includes('<') ? text.replace(/<([^>]*)>/g, (_m, url: string) => `<${redactUrl(url)}>`) : redactUrl(text);
}

function mapStrings(value: unknown, f: (s: string) => string): unknown {
  if (typeof value === 'string') return f(value);
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? f(v) : v));
  return value;
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
    headers: redactHeaders(req.headers),
    remoteAddress: req.remoteAddress,
    remotePort: req.remotePort,
  };
}

interface SerializedResponse {
  statusCode?: number;
  headers?: Record<string, unknown>;
}

/** pino-http's `serializers.res`, on top of the standard one: Xet token headers, cookies and signed `Location`s redacted. */
export function serializeResponse(res: SerializedResponse): SerializedResponse {
  return { statusCode: res.statusCode, headers: redactHeaders(res.headers) };
}
