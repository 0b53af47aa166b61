import { CliError, EXIT } from './exit-codes';

export type Query = Record<string, string | number | boolean | undefined | null>;

export interface ClientOptions {
  url: string;
  token: string;
}

/**
 * The admin API over HTTP: the admin token (or an admin-role user's token) as a Bearer token,
 * JSON in and out, Hangar's error answers (`X-Error-Code`, `{"error"}`) turned into CliErrors
 * whose exit code says 4xx or 5xx/network.
 */
export class AdminClient {
  private readonly base: string;

  constructor(private readonly options: ClientOptions) {
    this.base = options.url.replace(/\/+$/, '');
  }

  get<T = unknown>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', path, { query });
  }

  post<T = unknown>(path: string, body?: unknown, query?: Query): Promise<T> {
    return this.request<T>('POST', path, { body, query });
  }

  put<T = unknown>(path: string, body?: unknown, query?: Query): Promise<T> {
    return this.request<T>('PUT', path, { body, query });
  }

  patch<T = unknown>(path: string, body?: unknown, query?: Query): Promise<T> {
    return this.request<T>('PATCH', path, { body, query });
  }

  delete<T = unknown>(path: string, query?: Query): Promise<T> {
    return this.request<T>('DELETE', path, { query });
  }

  /** A public route: no credentials (Hangar refuses an admin token where it expects a user's). */
  getPublic<T = unknown>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', path, { query, anonymous: true });
  }

  async request<T>(method: string, path: string, o: { query?: Query; body?: unknown; anonymous?: boolean } = {}): Promise<T> {
    const res = await this.send(this.url(path, o.query), {
      method,
      headers: { ...(o.anonymous ? {} : this.auth()), ...(o.body === undefined ? {} : { 'Content-Type': 'application/json' }), Accept: 'application/json' },
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
    });
    if (!res.ok) throw await errorOf(res);
    const text = await res.text();
    try {
      return (text ? JSON.parse(text) : null) as T;
    } catch {
      throw new CliError(`${method} ${path}: the answer is not JSON`, EXIT.failure);
    }
  }

  /** An open `text/event-stream` answer (the caller reads its body). */
  async stream(path: string, query: Query, headers: Record<string, string>): Promise<Response> {
    const res = await this.send(this.url(path, query), { headers: { ...this.auth(), Accept: 'text/event-stream', ...headers } });
    if (!res.ok) throw await errorOf(res);
    return res;
  }

  private auth(): Record<string, string> {
    return { Authorization: `Bearer ${this.options.token}` };
  }

  private url(path: string, query: Query = {}): string {
    const u = new URL(this.base + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) u.searchParams.set(k, String(v));
    return u.toString();
  }

  private async send(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, init);
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(`cannot reach Hangar at ${this.base}: ${cause?.code ?? cause?.message ?? (err as Error).message}`, EXIT.unavailable);
    }
  }
}

/** Path segments are user input: each is encoded on its own. */
export function p(strings: TemplateStringsArray, ...values: (string | number)[]): string {
  return strings.reduce((out, s, i) => out + s + (i < values.length ? encodeURIComponent(String(values[i])) : ''), '');
}

async function errorOf(res: Response): Promise<CliError> {
  const code = res.headers.get('x-error-code');
  let message = res.headers.get('x-error-message') ?? '';
  try {
    const body = (await res.json()) as { error?: string };
    if (body?.error) message = body.error;
  } catch {
    /* not JSON */
  }
  const text = `HTTP ${res.status}${code ? ` ${code}` : ''}: ${message || res.statusText}`;
  return new CliError(text, res.status >= 500 ? EXIT.unavailable : EXIT.refused);
}
