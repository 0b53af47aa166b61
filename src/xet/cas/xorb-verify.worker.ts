import { parentPort, type TransferListItem } from 'node:worker_threads';
import { parseXorb, xetHashingReady, XetFormatError, HASH_LENGTH } from '../codec';
import type { XorbVerifyReply, XorbVerifyRequest } from './xorb-verify.protocol';

/**
 * Worker thread of XorbVerifier: decompresses every chunk of an uploaded xorb and recomputes the
 * chunk hashes and the xorb hash (CPU work of ~100 ms per 64 MiB that must not run on the event
 * loop). The xorb bytes arrive transferred and go back transferred, so they are never copied.
 */
const ready = xetHashingReady();

parentPort!.on('message', (req: XorbVerifyRequest) => {
  ready.then(
    () => parentPort!.postMessage(...verify(req)),
    (err: unknown) => parentPort!.postMessage({ id: req.id, ok: false, code: 'internal', message: String(err), bytes: req.bytes }, [req.bytes]),
  );
});

function verify(req: XorbVerifyRequest): [XorbVerifyReply, TransferListItem[]] {
  const buf = new Uint8Array(req.bytes);
  try {
    const x = parseXorb(buf, { expectedHash: req.expectedHash, maxBytes: req.maxBytes, keepData: false });
    const chunkHashes = new Uint8Array(x.chunks.length * HASH_LENGTH);
    x.chunks.forEach((c, i) => chunkHashes.set(c.hash, i * HASH_LENGTH));
    const reply: XorbVerifyReply = {
      id: req.id,
      ok: true,
      bytes: req.bytes,
      chunkHashes: chunkHashes.buffer,
      chunkSizes: x.chunks.map((c) => c.uncompressedLength),
      chunkEnds: x.chunks.map((c) => c.end),
      unpackedLength: x.unpackedLength,
    };
    return [reply, [req.bytes, chunkHashes.buffer]];
  } catch (err) {
    const code = err instanceof XetFormatError ? err.code : 'internal';
    return [{ id: req.id, ok: false, code, message: (err as Error).message, bytes: req.bytes }, [req.bytes]];
  }
}
