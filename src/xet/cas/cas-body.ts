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
  const pieces: Buffer[] = [];
  let total = 0;
  try {
    for await (const piece of req as AsyncIterable<Buffer>) {
      total += piece.length;
      onBytes(piece.length);
      if (total > maxBytes) {
        req.resume();
        throw tooLarge(maxBytes);
      }
      pieces.push(piece);
    }
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw new DomainError(400, 'BadRequest', `Unreadable request body: ${(err as Error).message}`);
  }
  // Not Buffer.concat: small results come from Node's shared pool, which must never be transferred.
  const out = new Uint8Array(new ArrayBuffer(total));
  let o = 0;
  for (const p of pieces) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function tooLarge(maxBytes: number): DomainError {
  return new DomainError(413, 'PayloadTooLarge', `The request body exceeds ${maxBytes} bytes`);
}
