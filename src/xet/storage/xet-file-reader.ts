import { Inject, Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { OBJECT_STORE, type ObjectStore } from '../../core/storage/object-store';
import {
  decompressChunkData,
  hashToHex,
  parseChunkHeader,
  planReconstruction,
  XORB_CHUNK_HEADER_SIZE,
  type FileByteRange,
  type PlannedTerm,
  type ReconstructionPlan,
  type ReconstructionTerm,
} from '../codec';
import { XetRepository, type XorbRow } from './xet.repository';

/**
 * Reassembles a Xet-stored file (or a byte range of it) as a stream, for the clients that do
 * not speak Xet: plain HTTP GETs of `resolve`, Range requests, `HF_HUB_DISABLE_XET=1`, git-lfs.
 * Each term reads only its chunks' bytes from the xorb and decompresses one chunk at a time, so
 * memory stays at a few chunks whatever the file size.
 */
@Injectable()
export class XetFileReader {
  constructor(
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    private readonly xet: XetRepository,
  ) {}

  /**
   * Which chunks of which stored xorbs make `[range.start, range.end)` of the file made of
   * `terms` (default: all of it), with the xorb rows the plan refers to. Throws XetFormatError
   * (`range_not_satisfiable` for a start past the end).
   */
  async plan(terms: readonly ReconstructionTerm[], range?: FileByteRange): Promise<{ plan: ReconstructionPlan; xorbs: Map<string, XorbRow> }> {
    const xorbs = await this.xet.findXorbs(terms.map((t) => hashToHex(t.xorbHash)));
    const plan = planReconstruction(terms, range ?? null, (h) => {
      const x = xorbs.get(hashToHex(h));
      return x && { chunkSizes: x.chunkSizes, chunkEnds: x.chunkEnds };
    });
    return { plan, xorbs };
  }

  /** The bytes `[range.start, range.end)` of the file made of `terms` (default: all of it). */
  async open(terms: readonly ReconstructionTerm[], range?: FileByteRange): Promise<Readable> {
    const { plan, xorbs } = await this.plan(terms, range);
    const self = this;
    async function* bytes(): AsyncGenerator<Buffer> {
      let skip = plan.offsetIntoFirstRange;
      let left = plan.range.end - plan.range.start;
      for (const term of plan.terms) {
        for await (const chunk of self.termChunks(xorbs.get(term.hashHex)!, term)) {
          let piece = chunk;
          if (skip) {
            const cut = Math.min(skip, piece.length);
            piece = piece.subarray(cut);
            skip -= cut;
          }
          if (piece.length > left) piece = piece.subarray(0, left);
          left -= piece.length;
          if (piece.length) yield piece;
          if (!left) return;
        }
      }
      if (left) throw new Error(`xet reassembly ended ${left} bytes short`);
    }
    return Readable.from(bytes(), { objectMode: false });
  }

  /** The uncompressed chunks `[term.chunkIndexStart, term.chunkIndexEnd)` of a stored xorb, in order. */
  async *termChunks(xorb: XorbRow, term: Pick<PlannedTerm, 'chunkIndexStart' | 'chunkIndexEnd'>): AsyncGenerator<Buffer> {
    const start = term.chunkIndexStart === 0 ? 0 : xorb.chunkEnds[term.chunkIndexStart - 1];
    const end = xorb.chunkEnds[term.chunkIndexEnd - 1];
    const { body } = await this.store.get(xorb.storageKey, { start, end: end - 1 });
    let pending: Buffer[] = [];
    let pendingLength = 0;
    let emitted = term.chunkIndexStart;
    for await (const piece of body as AsyncIterable<Buffer>) {
      pending.push(piece);
      pendingLength += piece.length;
      if (pendingLength < XORB_CHUNK_HEADER_SIZE) continue;
      let buf = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingLength);
      let o = 0;
      while (buf.length - o >= XORB_CHUNK_HEADER_SIZE) {
        const h = parseChunkHeader(buf, o);
        const payloadEnd = o + XORB_CHUNK_HEADER_SIZE + h.compressedLength;
        if (payloadEnd > buf.length) break;
        yield Buffer.from(decompressChunkData(buf.subarray(o + XORB_CHUNK_HEADER_SIZE, payloadEnd), h.scheme, h.uncompressedLength));
        emitted++;
        o = payloadEnd;
      }
      buf = buf.subarray(o);
      pending = buf.length ? [buf] : [];
      pendingLength = buf.length;
    }
    if (pendingLength || emitted !== term.chunkIndexEnd) throw new Error(`xorb ${xorb.hash} ended inside chunk ${emitted}`);
  }
}
