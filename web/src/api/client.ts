import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './schema';

/** An API answer that was not 2xx: the HF error message (X-Error-Message or `error`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null,
  ) {
    super(message);
  }
}

type Answer<T> = { data?: T; error?: unknown; response: Response };

/** Unwraps an openapi-fetch answer: the typed body, or an ApiError carrying Hangar's message. */
export async function call<T>(pending: Promise<Answer<T>>): Promise<T> {
  const { data, error, response } = await pending;
  if (response.ok) return data as T;
  throw errorFrom(response, error);
}

export function errorFrom(response: Response, body: unknown): ApiError {
  const fromBody = body && typeof body === 'object' && 'error' in body ? String((body as { error: unknown }).error) : null;
  const message = response.headers.get('X-Error-Message') ?? fromBody ?? `${response.status} ${response.statusText}`;
  return new ApiError(response.status, message, response.headers.get('X-Error-Code'));
}

/**
 * The hub's client: same-origin requests carry the session cookie; the server accepts a
 * cookie-authenticated write only from its own origin (Origin / Sec-Fetch-Site), which fetch sends.
 */
export const hubApi: Client<paths> = createClient<paths>({ baseUrl: '' });

export type { paths };
