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

/**
 * The Hangar token of `Authorization: Bearer <token>`. The fallback form
 * `Bearer <token>|<hub url>,<hub token>|…` carries the caller's upstream tokens after the first
 * `|` (see externalTokensFromAuthorization); `Bearer |<url>,<token>` is an anonymous caller's.
 */
export function bearerToken(header: string | undefined): string | null {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  if (!match) return null;
  const bar = match[1].indexOf('|');
  return (bar < 0 ? match[1] : match[1].slice(0, bar)) || null;
}

/** The upstream tokens of the fallback form of the Bearer header, by hub URL (no trailing slash). */
export function externalTokensFromAuthorization(header: string | undefined): Map<string, string> {
  const found = new Map<string, string>();
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  if (!match) return found;
  for (const part of match[1].split('|').slice(1)) {
    // The token is after the last comma (a URL may hold commas, a token does not).
    const comma = part.lastIndexOf(',');
    if (comma <= 0 || comma === part.length - 1) continue;
    found.set(part.slice(0, comma).replace(/\/+$/, ''), part.slice(comma + 1));
  }
  return found;
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
