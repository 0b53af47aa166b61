import type { Request } from 'express';
import { SESSION_COOKIE } from './auth.decorators';

export interface Credentials {
  /** An API token from `Authorization: Bearer` or the password of HTTP Basic (git). */
  token: string | null;
  sessionSecret: string | null;
}

/** Reads credentials from the request headers; never validates them. */
export function readCredentials(req: Request): Credentials {
  return { token: tokenFromAuthorization(req.headers.authorization), sessionSecret: readCookie(req.headers.cookie, SESSION_COOKIE) };
}

export function bearerToken(header: string | undefined): string | null {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match ? match[1] : null;
}

function tokenFromAuthorization(header: string | undefined): string | null {
  if (!header) return null;
  const bearer = bearerToken(header);
  if (bearer) return bearer;
  const basic = header.match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i);
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    // git sends `user:token`; the user name is ignored, the token is the password.
    const password = colon >= 0 ? decoded.slice(colon + 1) : '';
    return password || null;
  }
  return null;
}

function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim()) || null;
      } catch {
        return null;
      }
    }
  }
  return null;
}
