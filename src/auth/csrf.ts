import type { Request } from 'express';
import { publicBaseUrl } from '../core/http/public-base-url';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether a request that a session cookie would authenticate comes from another site's page
 * (cross-site request forgery). Browsers say so in Sec-Fetch-Site, and older ones in Origin;
 * API clients (curl, huggingface_hub, git) send neither and are not browsers, so they pass.
 * The session cookie is SameSite=Lax already; this also covers sibling subdomains ("same-site")
 * and browsers without SameSite.
 */
export function isForgedSessionWrite(req: Request): boolean {
  if (SAFE_METHODS.has(req.method)) return false;
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return true;
  const origin = req.headers.origin;
  if (!origin || site === 'same-origin') return false;
  return origin !== `${req.protocol}://${req.host}` && origin !== safeBaseUrl(req);
}

function safeBaseUrl(req: Request): string | null {
  try {
    return publicBaseUrl(req);
  } catch {
    return null;
  }
}
