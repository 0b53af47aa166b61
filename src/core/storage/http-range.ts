import type { ByteRange } from './object-store';

/**
 * Parses a `Range` header against an object of `size` bytes (RFC 9110 §14).
 * - `undefined`: serve the whole object (no header, a non-bytes unit, a malformed or
 *   multi-range header — servers may ignore those and answer 200).
 * - `'unsatisfiable'`: answer 416 with `Content-Range: bytes *\/size`.
 * - a range: inclusive, already clamped to the object.
 */
export function parseRangeHeader(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m) return undefined;
  const [, first, last] = m;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    // Suffix range: the last N bytes.
    const n = Number(last);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(first);
  // An end past the object (even an absurdly large one) just means "to the end".
  const end = last === '' || !Number.isSafeInteger(Number(last)) ? Number.MAX_SAFE_INTEGER : Number(last);
  if (!Number.isSafeInteger(start) || end < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end: Math.min(end, size - 1) };
}
