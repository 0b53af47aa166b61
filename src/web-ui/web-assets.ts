import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import express, { type RequestHandler, type Response } from 'express';
import { NotFoundException } from '@nestjs/common';
import { PACKAGE_INFO } from '../core/health/package-info';
import { setUiSecurityHeaders } from './security-headers';
import { wantsHtml, type UiShell } from './ui-routes';

/** URL prefix of the built UI files; `-` is no valid user or organization name. */
export const UI_ASSETS_PREFIX = '/-/ui';

/** `npm run build` writes the frontend here (scripts/build-web.mjs). */
export const WEB_DIST_DIR = path.join(PACKAGE_INFO.root, 'dist', 'web');

/**
 * The built files: hashed names, so they are cached for good; the HTML shells are read per
 * request (small, and a rebuild shows without a restart).
 */
export function uiAssetsMiddleware(dir: string = WEB_DIST_DIR): RequestHandler {
  const serve = express.static(path.join(dir, 'assets'), {
    index: false,
    fallthrough: true,
    immutable: true,
    maxAge: '365d',
    setHeaders: (res) => setUiSecurityHeaders(res),
  });
  return (req, res, next) => {
    if (!req.path.startsWith(`${UI_ASSETS_PREFIX}/`)) return next();
    const url = req.url;
    req.url = url.slice(UI_ASSETS_PREFIX.length);
    // A missing file falls through to the routes (and their 404) with the URL it came with.
    serve(req, res, (err?: unknown) => {
      req.url = url;
      next(err);
    });
  };
}

function readShell(shell: UiShell, dir: string = WEB_DIST_DIR): string | null {
  const file = path.join(dir, `${shell}.html`);
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

/** Answers with an app's HTML shell; its script renders the page the URL names. */
export function sendShell(res: Response, shell: UiShell): void {
  const html = readShell(shell);
  if (html === null) throw new NotFoundException('The web UI is not built: run `npm run build`');
  writeShell(res, html);
}

function writeShell(res: Response, html: string): void {
  setUiSecurityHeaders(res);
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('Vary', 'Accept');
  res.type('html').send(html);
}

/**
 * The invitation links Hangar hands out (`/register?invitation=…`, `/invite/{token}`) have API
 * routes of their own that answer JSON; a browser that opens one gets the hub's page for it.
 * These two run before the routes, as only they overlap an API route.
 */
export function invitationLinkPages(): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'GET' || !wantsHtml(req.headers.accept) || !(req.path === '/register' || /^\/invite\/[^/]+$/.test(req.path))) return next();
    const html = readShell('hub');
    // Not built: the API route answers, as it did before the UI existed.
    if (html === null) return next();
    writeShell(res, html);
  };
}
