import type { NextFunction, Request, Response } from 'express';
import { BadRequestError } from '../errors/domain-error';

/**
 * Express middleware ahead of routing: a NUL byte in the path or the query (raw or `%00`) is
 * refused with 400 on every route. No name, revision, path or search term can hold one, and
 * PostgreSQL refuses it in text (`invalid byte sequence`), which would otherwise surface as a
 * 500 from whichever query first saw the parameter.
 */
export function rejectNulInUrl(req: Request, _res: Response, next: NextFunction): void {
  const url = req.originalUrl ?? req.url;
  if (url.includes('%00') || url.includes('\0')) {
    next(new BadRequestError('The URL contains a NUL byte (%00), which no parameter may hold'));
    return;
  }
  next();
}

/**
 * JSON nesting deeper than any Hangar or HF body needs. Deeper documents parse, but the
 * validators and transformers walking them recurse once per level and overflow the stack.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * `express.json`'s `verify` hook: refuses a body nested deeper than MAX_JSON_DEPTH before it
 * is parsed. A linear scan of brackets outside strings; malformed JSON is left to the parser.
 */
export function verifyJsonDepth(_req: unknown, _res: unknown, body: Buffer): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_JSON_DEPTH) throw new BadRequestError(`JSON body nested deeper than ${MAX_JSON_DEPTH} levels`);
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
}
