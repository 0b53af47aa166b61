import type { Request, Response } from 'express';
import type { Readable } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';
import { DomainError } from '../../core/errors/domain-error';

/**
 * Request and response plumbing of the git routes: bodies are raw pkt-lines (no body parser
 * reads them), possibly gzip-compressed (git compresses larger upload-pack rounds); answers
 * stream with backpressure.
 */

/** The request body, decoded: git sends `Content-Encoding: gzip` on larger negotiation rounds. */
export function decodedBody(req: Request): Readable {
  const encoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return req;
  const decoder = encoding === 'gzip' || encoding === 'x-gzip' ? createGunzip() : encoding === 'deflate' ? createInflate() : null;
  if (!decoder) throw new DomainError(415, 'UnsupportedMediaType', `Unsupported Content-Encoding "${encoding.slice(0, 40)}"`);
  req.on('error', (err) => decoder.destroy(err));
  return req.pipe(decoder);
}

/** The whole (decoded) body, refused with 413 past `maxBytes`; a corrupt gzip stream is a 400. */
export async function readBody(body: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of body) {
      total += (chunk as Buffer).length;
      if (total > maxBytes) {
        body.destroy();
        throw new DomainError(413, 'PayloadTooLarge', `git request body exceeds ${maxBytes} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw new DomainError(400, 'BadRequest', `Unreadable request body: ${(err as Error).message}`);
  }
  return Buffer.concat(chunks, total);
}

/** Refuses a POST whose Content-Type is not git's for this service (415), as git http-backend does. */
export function assertContentType(req: Request, expected: string): void {
  const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== expected) throw new DomainError(415, 'UnsupportedMediaType', `Content-Type must be ${expected}`);
}

/**
 * Streams `chunks` as a 200 answer of `contentType`. The first chunk is awaited before any
 * header goes out, so an error found while reading the request still becomes a 4xx; later
 * errors can only cut the answer short (the producers end it with a protocol error instead).
 */
export async function sendGitStream(res: Response, contentType: string, chunks: AsyncIterable<Buffer>): Promise<void> {
  const it = chunks[Symbol.asyncIterator]();
  let next = await it.next();
  res.status(200);
  res.setHeader('Content-Type', contentType);
  res.setHeader('Cache-Control', 'no-cache');
  let closed = false;
  res.on('close', () => {
    closed = true;
  });
  try {
    while (!next.done) {
      if (closed) break;
      if (!res.write(next.value)) await drainedOrClosed(res);
      next = await it.next();
    }
  } finally {
    if (!next.done) await it.return?.();
  }
  if (!closed) res.end();
}

/**
 * Resolves when the response can take more bytes or is gone, and takes both of its listeners
 * back off either way: racing two `once()` waits would leave the loser's listeners behind on
 * every wait (hundreds on a long clone, and a MaxListenersExceededWarning).
 */
function drainedOrClosed(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
