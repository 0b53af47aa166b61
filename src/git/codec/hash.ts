import { createHash } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import type { GitObjectType, Oid } from './object-types';

/** The loose-object header git hashes before the body: `<type> <size>\0`. */
export function objectHeader(type: GitObjectType, size: number): Buffer {
  return Buffer.from(`${type} ${size}\0`, 'latin1');
}

/** The object id git computes: sha1(header + body). */
export function hashObject(type: GitObjectType, body: Buffer): Oid {
  return createHash('sha1').update(objectHeader(type, body.length)).update(body).digest('hex');
}

/**
 * Bodies are stored as a zlib stream of the body alone: exactly the bytes of a pack entry after
 * its header, so serving a pack copies them without recompressing. Level 1: storing is on the
 * commit path, and deflate dominates its cost.
 */
export function deflateBody(body: Buffer): Buffer {
  return deflateSync(body, { level: 1 });
}

export function inflateBody(stored: Buffer): Buffer {
  return inflateSync(stored);
}
