import { XetFormatError } from './errors';
import { hashToHex, type XetHash } from './hashing';
import type { XorbLayout } from './xorb';

/**
 * Reconstruction planning for `GET /v1|v2/reconstructions/{file_id}` (spec: hub-docs
 * `docs/xet/{download-protocol.md,file-reconstruction.md,api.md}`), following xet-core's
 * reference server logic (`xet_client/src/cas_client/simulation/xorb_utils.rs`
 * `compute_reconstruction_ranges`): terms are trimmed to the chunks that overlap the requested
 * byte range, `offset_into_first_range` says how much of the first kept chunk to skip, and the
 * chunk ranges needed from each xorb are merged (overlapping or adjacent) into fetch ranges.
 */

/** A file term (same shape as a shard `FileDataSequenceEntry`). */
export interface ReconstructionTerm {
  xorbHash: XetHash;
  chunkIndexStart: number;
  chunkIndexEnd: number;
  unpackedSegmentBytes: number;
}

/** What the planner needs to know about one xorb. */
export interface XorbChunkIndex {
  /** Uncompressed size of every chunk, in xorb order (e.g. from the shard CAS info). */
  chunkSizes: readonly number[];
  /**
   * End offset of every chunk in the serialized xorb, header included (from {@link scanXorb} or
   * a footer's `chunkBoundaryOffsets`). Without it, fetch ranges carry no byte offsets.
   */
  chunkEnds?: readonly number[];
}

/** A byte range `[start, end)` of the file. */
export interface FileByteRange {
  start: number;
  end: number;
}

export interface PlannedTerm {
  xorbHash: XetHash;
  hashHex: string;
  chunkIndexStart: number;
  chunkIndexEnd: number;
  unpackedLength: number;
}

export interface FetchRange {
  chunkIndexStart: number;
  chunkIndexEnd: number;
  /** Serialized byte range `[byteStart, byteEnd)` in the xorb, or null without `chunkEnds`. */
  byteStart: number | null;
  byteEnd: number | null;
}

export interface ReconstructionPlan {
  fileSize: number;
  /** The (clamped) range served, `[start, end)`. */
  range: FileByteRange;
  offsetIntoFirstRange: number;
  terms: PlannedTerm[];
  /** Merged fetch ranges per xorb hash (Xet hex), ascending. */
  fetches: Map<string, FetchRange[]>;
}

export function termsFileSize(terms: readonly Pick<ReconstructionTerm, 'unpackedSegmentBytes'>[]): number {
  return terms.reduce((n, t) => n + t.unpackedSegmentBytes, 0);
}

/** The planner's view of a xorb from its layout (sizes and serialized ends of its chunks). */
export function xorbIndexFromLayout(layout: Pick<XorbLayout, 'chunks'>): XorbChunkIndex {
  return { chunkSizes: layout.chunks.map((c) => c.uncompressedLength), chunkEnds: layout.chunks.map((c) => c.end) };
}

/**
 * Parses a `Range` header for a file of `fileSize` bytes into `[start, end)`: `bytes=a-b`
 * (inclusive end, clamped to the file), `bytes=a-`, or `bytes=-n` (last n bytes). No header: the
 * whole file. Throws `invalid_range` for anything else (including several ranges) and
 * `range_not_satisfiable` (→ 416) when the start is at or past the end of a non-empty file.
 */
export function parseRangeHeader(value: string | undefined | null, fileSize: number): FileByteRange {
  if (value === undefined || value === null || value.trim() === '') return { start: 0, end: fileSize };
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(value);
  if (!m || (m[1] === '' && m[2] === '')) throw new XetFormatError('invalid_range', `unsupported Range header: ${value.slice(0, 100)}`);
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (!Number.isSafeInteger(suffix)) throw new XetFormatError('invalid_range', 'range out of bounds');
    if (suffix === 0) throw new XetFormatError('range_not_satisfiable', 'empty suffix range');
    start = Math.max(0, fileSize - suffix);
    end = fileSize;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? Math.max(fileSize, start + 1) : Number(m[2]) + 1;
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) throw new XetFormatError('invalid_range', 'range out of bounds');
    if (end <= start) throw new XetFormatError('invalid_range', `range end before start: ${value.slice(0, 100)}`);
  }
  if (start >= fileSize && !(fileSize === 0 && start === 0)) {
    throw new XetFormatError('range_not_satisfiable', `range start ${start} is past the end of the ${fileSize}-byte file`);
  }
  return { start, end: Math.min(end, fileSize) };
}

function checkedIndex(hex: string, getXorb: (h: XetHash) => XorbChunkIndex | undefined, hash: XetHash): XorbChunkIndex {
  const x = getXorb(hash);
  if (!x) throw new XetFormatError('invalid_argument', `no chunk index for xorb ${hex}`);
  return x;
}

/**
 * Plans the reconstruction of `range` (default: whole file) of the file made of `terms`.
 * `getXorb` supplies each referenced xorb's chunk sizes (and serialized chunk ends).
 */
export function planReconstruction(
  terms: readonly ReconstructionTerm[],
  range: FileByteRange | null,
  getXorb: (xorbHash: XetHash) => XorbChunkIndex | undefined,
): ReconstructionPlan {
  const fileSize = termsFileSize(terms);
  const want: FileByteRange = range ? { start: range.start, end: Math.min(range.end, fileSize) } : { start: 0, end: fileSize };
  const empty = (): ReconstructionPlan => ({ fileSize, range: { start: want.start, end: want.start }, offsetIntoFirstRange: 0, terms: [], fetches: new Map() });
  if (want.start >= fileSize) {
    if (fileSize === 0 && want.start === 0) return empty();
    throw new XetFormatError('range_not_satisfiable', `range start ${want.start} is past the end of the ${fileSize}-byte file`);
  }
  if (want.end <= want.start) throw new XetFormatError('invalid_range', 'empty range');

  let s = 0;
  let cumulative = 0;
  while (cumulative + terms[s].unpackedSegmentBytes <= want.start) {
    cumulative += terms[s].unpackedSegmentBytes;
    s++;
  }
  let firstChunkByteStart = cumulative;

  const planned: PlannedTerm[] = [];
  const perXorb = new Map<string, FetchRange[]>();
  while (s < terms.length && cumulative < want.end) {
    const t = terms[s];
    const hex = hashToHex(t.xorbHash);
    const xorb = checkedIndex(hex, getXorb, t.xorbHash);
    if (t.chunkIndexEnd <= t.chunkIndexStart || t.chunkIndexEnd > xorb.chunkSizes.length) {
      throw new XetFormatError(
        'invalid_argument',
        `term ${s} chunk range [${t.chunkIndexStart}, ${t.chunkIndexEnd}) is not inside xorb ${hex} (${xorb.chunkSizes.length} chunks)`,
      );
    }
    let sum = 0;
    for (let i = t.chunkIndexStart; i < t.chunkIndexEnd; i++) sum += xorb.chunkSizes[i];
    if (sum !== t.unpackedSegmentBytes) {
      throw new XetFormatError('invalid_argument', `term ${s} says ${t.unpackedSegmentBytes} bytes but its chunks in xorb ${hex} hold ${sum}`);
    }
    let start = t.chunkIndexStart;
    let end = t.chunkIndexEnd;
    let bytes = t.unpackedSegmentBytes;
    if (cumulative < want.start) {
      while (start < end) {
        const size = xorb.chunkSizes[start];
        if (cumulative + size > want.start) break;
        cumulative += size;
        firstChunkByteStart += size;
        bytes -= size;
        start++;
      }
    }
    if (cumulative + bytes > want.end) {
      while (end > start) {
        const last = xorb.chunkSizes[end - 1];
        if (cumulative + bytes - last < want.end) break;
        end--;
        bytes -= last;
      }
    }
    planned.push({ xorbHash: t.xorbHash, hashHex: hex, chunkIndexStart: start, chunkIndexEnd: end, unpackedLength: bytes });
    const ends = xorb.chunkEnds;
    if (ends && ends.length < xorb.chunkSizes.length) throw new XetFormatError('invalid_argument', `xorb ${hex} chunkEnds is shorter than chunkSizes`);
    const fr: FetchRange = {
      chunkIndexStart: start,
      chunkIndexEnd: end,
      byteStart: ends ? (start === 0 ? 0 : ends[start - 1]) : null,
      byteEnd: ends ? ends[end - 1] : null,
    };
    const list = perXorb.get(hex);
    if (list) list.push(fr);
    else perXorb.set(hex, [fr]);
    cumulative += bytes;
    s++;
  }

  const fetches = new Map<string, FetchRange[]>();
  for (const [hex, list] of perXorb) fetches.set(hex, mergeFetchRanges(list));
  return { fileSize, range: want, offsetIntoFirstRange: want.start - firstChunkByteStart, terms: planned, fetches };
}

/** Sorts by chunk start and merges ranges that overlap or touch. */
export function mergeFetchRanges(ranges: readonly FetchRange[]): FetchRange[] {
  const sorted = [...ranges].sort((a, b) => a.chunkIndexStart - b.chunkIndexStart);
  const out: FetchRange[] = [];
  for (const r of sorted) {
    const cur = out[out.length - 1];
    if (cur && r.chunkIndexStart <= cur.chunkIndexEnd) {
      cur.chunkIndexEnd = Math.max(cur.chunkIndexEnd, r.chunkIndexEnd);
      if (cur.byteEnd !== null && r.byteEnd !== null) cur.byteEnd = Math.max(cur.byteEnd, r.byteEnd);
    } else {
      out.push({ ...r });
    }
  }
  return out;
}

/** Inclusive HTTP byte range of a fetch range (as in the JSON responses and Range headers). */
export function fetchHttpRange(r: FetchRange): { start: number; end: number } {
  if (r.byteStart === null || r.byteEnd === null) throw new XetFormatError('invalid_argument', 'fetch range has no byte offsets (chunkEnds missing)');
  return { start: r.byteStart, end: r.byteEnd - 1 };
}

function jsonTerms(plan: ReconstructionPlan): Array<{ hash: string; unpacked_length: number; range: { start: number; end: number } }> {
  return plan.terms.map((t) => ({ hash: t.hashHex, unpacked_length: t.unpackedLength, range: { start: t.chunkIndexStart, end: t.chunkIndexEnd } }));
}

/** v1 `QueryReconstructionResponse`: one URL per merged fetch range. */
export function toReconstructionResponseV1(
  plan: ReconstructionPlan,
  urlFor: (xorbHashHex: string, httpRange: { start: number; end: number }) => string,
): {
  offset_into_first_range: number;
  terms: ReturnType<typeof jsonTerms>;
  fetch_info: Record<string, Array<{ range: { start: number; end: number }; url: string; url_range: { start: number; end: number } }>>;
} {
  const fetch_info: Record<string, Array<{ range: { start: number; end: number }; url: string; url_range: { start: number; end: number } }>> = {};
  for (const [hex, ranges] of plan.fetches) {
    fetch_info[hex] = ranges.map((r) => {
      const http = fetchHttpRange(r);
      return { range: { start: r.chunkIndexStart, end: r.chunkIndexEnd }, url: urlFor(hex, http), url_range: http };
    });
  }
  return { offset_into_first_range: plan.offsetIntoFirstRange, terms: jsonTerms(plan), fetch_info };
}

/** v2 `QueryReconstructionResponse`: per xorb, URLs covering up to `maxRangesPerFetch` ranges each. */
export function toReconstructionResponseV2(
  plan: ReconstructionPlan,
  urlFor: (xorbHashHex: string, httpRanges: Array<{ start: number; end: number }>) => string,
  maxRangesPerFetch = Infinity,
): {
  offset_into_first_range: number;
  terms: ReturnType<typeof jsonTerms>;
  xorbs: Record<string, Array<{ url: string; ranges: Array<{ chunks: { start: number; end: number }; bytes: { start: number; end: number } }> }>>;
} {
  const xorbs: Record<string, Array<{ url: string; ranges: Array<{ chunks: { start: number; end: number }; bytes: { start: number; end: number } }> }>> = {};
  const per = Math.max(1, maxRangesPerFetch);
  for (const [hex, ranges] of plan.fetches) {
    const entries: (typeof xorbs)[string] = [];
    for (let i = 0; i < ranges.length; i += per) {
      const group = ranges.slice(i, i + per).map((r) => ({ chunks: { start: r.chunkIndexStart, end: r.chunkIndexEnd }, bytes: fetchHttpRange(r) }));
      entries.push({ url: urlFor(hex, group.map((g) => g.bytes)), ranges: group });
    }
    xorbs[hex] = entries;
  }
  return { offset_into_first_range: plan.offsetIntoFirstRange, terms: jsonTerms(plan), xorbs };
}
