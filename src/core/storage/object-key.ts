import { InvalidObjectKeyError } from './storage-errors';

/** Top-level names the fs driver keeps for itself; no key may live under them. */
export const RESERVED_TOP_LEVEL = new Set(['.tmp', '.multipart']);

const MAX_KEY_BYTES = 1024; // S3's limit; keeps both drivers accepting the same keys.

/**
 * Throws unless `key` is a clean relative slash path. Enforced for every driver so that a key
 * that works on S3 also works on fs (where `..`, `\` or NUL would be a path traversal).
 */
export function assertValidKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw new InvalidObjectKeyError(String(key), 'empty');
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw new InvalidObjectKeyError(key, `longer than ${MAX_KEY_BYTES} bytes`);
  if (key.includes('\0')) throw new InvalidObjectKeyError(key, 'contains NUL');
  if (key.includes('\\')) throw new InvalidObjectKeyError(key, 'contains a backslash');
  if (key.startsWith('/')) throw new InvalidObjectKeyError(key, 'is absolute');
  const segments = key.split('/');
  for (const segment of segments) {
    if (segment === '') throw new InvalidObjectKeyError(key, 'has an empty segment');
    if (segment === '.' || segment === '..') throw new InvalidObjectKeyError(key, 'has a dot segment');
  }
  if (RESERVED_TOP_LEVEL.has(segments[0])) throw new InvalidObjectKeyError(key, 'uses a reserved prefix');
}

/**
 * A list prefix may end mid-segment ("lfs/ab") or be empty, but must not climb out of the root.
 */
export function assertValidPrefix(prefix: string): void {
  if (prefix === '') return;
  if (prefix.includes('\0') || prefix.includes('\\') || prefix.startsWith('/')) {
    throw new InvalidObjectKeyError(prefix, 'invalid prefix');
  }
  const segments = prefix.split('/');
  // The last segment is a partial name ("" when the prefix ends with "/"); the others are directories.
  for (const segment of segments.slice(0, -1)) {
    if (segment === '' || segment === '.' || segment === '..') throw new InvalidObjectKeyError(prefix, 'invalid prefix');
  }
}

/** Percent-encodes each segment, keeping the slashes, for use in a URL path. */
export function encodeKeyForUrl(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}
