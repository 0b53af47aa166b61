import type { Response } from 'express';

/**
 * The UI's pages load only Hangar's own scripts and styles: no inline script, no eval, no
 * third-party origin. Images may be data: URIs (inline SVG icons, README images that embed
 * themselves); README images elsewhere stay unloaded, so reading a card contacts no one.
 */
export const UI_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function setUiSecurityHeaders(res: Response): void {
  res.setHeader('Content-Security-Policy', UI_CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  // Admin and settings paths never travel to other sites in a Referer.
  res.setHeader('Referrer-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
}
