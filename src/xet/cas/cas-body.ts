import type { Readable } from 'node:stream';
import { DomainError } from '../../core/errors/domain-error';

/**
 * Reads a CAS request body (a xorb or a shard; no body parser touches these routes) into one
 * freshly allocated buffer that owns its ArrayBuffer, so it can be transferred to a worker
 * thread. Refused with 413 past `maxBytes`, before reading anything when Content-Length already
 * says so. `onBytes` sees every received byte (the xorb traffic counter).
 */
export async function readCasBody(req: Readable & { headers: Record<string, string | string[] | undefined> }, maxBytes: number, onBytes: (n: number) => void = () => {}): Promise<Uint8Array> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    throw tooLarge(maxBytes);
  }
  // With a Content-Length (what the clients send) the body is written straight into its final
  // buffer, so a xorb is held once rather than twice while it arrives.
  let out: Uint8Array = new Uint8Array(new ArrayBuffer(Number.isSafeInteger(declared) && declared >= 0 ? declared : 0));
  let total = 0;
  try {
    for await (const piece of req as AsyncIterable<Buffer>) {
      onBytes(piece.length);
      if (total + piece.length > maxBytes) {
        req.resume();
        throw tooLarge(maxBytes);
      }
      if (total + piece.length > out.length) out = grown(out, total, total + piece.length);
      out.set(piece, total);
      total += piece.length;
    }
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw new DomainError(400, 'BadRequest', `Unreadable request body: ${(err as Error).message}`);
  }
  // Shorter than declared: a fresh buffer of the right length (never a view into a bigger one,
  // and never Node's shared pool: the result is transferred to a worker thread).
  return total === out.length ? out : grown(out, total, total);
}

/** A new buffer (own ArrayBuffer) of at least `min` bytes holding the first `used` bytes of `b`. */
function grown(b: Uint8Array, used: number, min: number): Uint8Array {
  const next = new Uint8Array(new ArrayBuffer(min === used ? used : Math.max(min, b.length * 2)));
  next.set(b.subarray(0, used));
  return next;
}

function tooLarge(maxBytes: number): DomainError {
  return new DomainError(413, 'PayloadTooLarge', `The request body exceeds ${maxBytes} bytes`);
}
