import { createHash, type Hash } from 'node:crypto';
import { createInflate, inflateSync } from 'node:zlib';
import { applyDelta, DeltaError, decodeOfsOffset, readDeltaHeader } from './delta';
import { hashObject, objectHeader } from './hash';
import { type GitObjectType, type Oid, TYPE_BY_PACK } from './object-types';
import { byteIterator, type ByteSource } from './pktline';

/**
 * A streaming pack parser for receive-pack (gitformat-pack, version 2).
 *
 * Input is consumed as it arrives; objects come out as soon as they can be resolved, in pack
 * order where possible. Whole objects come out at once. A delta comes out at once when its base
 * is already known, otherwise right after its base (a REF_DELTA whose base appears later in the
 * pack), or at the very end (a thin pack's REF_DELTA whose base is outside the pack: those bases
 * are asked of `resolveExternalBase` only after the last entry and the trailer were read and
 * checked).
 *
 * Memory. The pack itself is never held: at any time the reader buffers the compressed bytes of
 * the entry it is inflating (it reads ahead about the entry's declared size, so an entry usually
 * inflates in one go) and the rest of the last chunk. With `largeBlobs`, a whole blob entry of at
 * least `minBytes` is never held either: it is inflated piece by piece as the input arrives, only
 * to hash it, and its zlib stream goes to the caller's writer as is (a `StreamedBlob` comes out).
 * It does keep:
 * - one offset → oid entry per resolved object, roughly 150 bytes each (bounded by `maxObjects`);
 * - two LRUs of resolved bodies for use as delta bases, each at most half of `baseCacheBytes`
 *   (default 96 MiB) and holding nothing larger than a quarter of its half: one for blobs, one
 *   for trees, commits and tags. git writes the old versions of trees near the end of a pack,
 *   far from their bases, and the blobs in between would otherwise push those bases out;
 * - the inflated instructions of deltas still waiting for their base, at most
 *   `maxPendingDeltaBytes` in total (beyond it: `PackError` 'too-large').
 * When a delta's base was resolved earlier but has left the cache, the reader asks `reloadObject`
 * for it (the caller has stored every object it was given). Without `reloadObject` it asks
 * `resolveExternalBase`, which a store-backed caller answers the same way. If neither finds it,
 * the result is `PackError` 'base-evicted': raise `baseCacheBytes` or store objects as they come.
 *
 * Errors are `PackError`s. The trailer is checked after the last entry, so the objects already
 * yielded are intact, content-addressed objects, but the push must still be refused when the
 * generator throws. The generator's return value is a `PackSummary`.
 */

export type PackErrorCode =
  | 'bad-signature'
  | 'bad-version'
  | 'truncated'
  | 'bad-trailer'
  | 'trailing-data'
  | 'bad-entry'
  | 'bad-zlib'
  | 'size-mismatch'
  | 'bad-delta'
  | 'delta-base-missing'
  | 'delta-cycle'
  | 'base-evicted'
  | 'too-many-objects'
  | 'too-large'
  | 'inflate-limit';

export class PackError extends Error {
  override readonly name = 'PackError';
  constructor(
    readonly code: PackErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface ResolvedObject {
  type: GitObjectType;
  body: Buffer;
}

export interface PackObject {
  oid: Oid;
  type: GitObjectType;
  /** The inflated body. Shared with the reader's base cache: do not modify it. */
  body: Buffer;
  /** Where the object's entry starts in the pack (as in git's .idx). */
  offset: number;
  /**
   * For an entry that was not a delta: its zlib stream exactly as it was in the pack, a valid
   * `deflateBody`-style stored form, so a store need not compress the body again.
   */
  deflated?: Buffer;
  /** For a delta: how many deltas deep it was (1 = its base was a whole object or an external base). */
  depth: number;
}

/**
 * A whole blob entry that went to a `LargeBlobWriter` instead of memory: its bytes are wherever
 * the writer put them (`storedAs`), `body` is null.
 */
export interface StreamedBlob {
  oid: Oid;
  type: 'blob';
  body: null;
  /** The inflated size. */
  size: number;
  offset: number;
  depth: 0;
  /** What the writer's `finish` returned. */
  storedAs: string;
}

/** Receives one large blob entry's zlib stream, exactly as it is in the pack, in order. */
export interface LargeBlobWriter {
  write(chunk: Buffer): Promise<void>;
  /** The stream is complete and its content hashes to `oid`; returns where it is now (`StreamedBlob.storedAs`). */
  finish(oid: Oid): Promise<string>;
  /** The entry or the pack was bad: drop what was written. */
  abort(): Promise<void>;
}

export interface ReadPackOptions {
  /** Stream whole blob entries declaring at least `minBytes` to a writer instead of holding them. */
  largeBlobs?: { minBytes: number; open: (entry: { offset: number; size: number }) => Promise<LargeBlobWriter> };
  /** A thin pack's base outside the pack; null if unknown (then: 'delta-base-missing'). */
  resolveExternalBase?: (oid: Oid) => Promise<ResolvedObject | null>;
  /** An object this reader already yielded, once it has left the base cache. Defaults to `resolveExternalBase`. */
  reloadObject?: (oid: Oid) => Promise<ResolvedObject | null>;
  /** Refuse an object (or delta instructions) whose declared or resolved size is larger. Default 1 GiB. */
  maxObjectBytes?: number;
  /** Refuse a pack declaring more objects. Default 10,000,000. */
  maxObjects?: number;
  /** Delta base cache budget, split evenly between blobs and the other types. Default 96 MiB. */
  baseCacheBytes?: number;
  /** Budget for deltas waiting for their base. Default 256 MiB. */
  maxPendingDeltaBytes?: number;
  /**
   * Refuse the pack ('inflate-limit') once it expands to more than this many bytes in total:
   * its zlib streams inflated (whole objects, delta instructions) plus the objects built from
   * deltas. An entry that would pass it is refused before it is inflated or built. Default: none.
   */
  maxInflatedBytes?: number;
  /**
   * Refuse the pack ('inflate-limit') once its zlib streams have inflated to more than `ratio`
   * times the pack bytes read so far, counted only past `afterBytes` inflated (small packs of
   * very repetitive files are fine). Checked as the bytes come out, so a zlib bomb stops within
   * one input chunk.
   */
  maxInflateRatio?: { ratio: number; afterBytes: number };
}

export interface PackSummary {
  /** Objects in the pack (and yielded). */
  count: number;
  ofsDeltas: number;
  refDeltas: number;
  /** Distinct bases fetched through `resolveExternalBase` (a thin pack). */
  externalBases: number;
  /** Bases fetched again through `reloadObject` after leaving the cache. */
  reloadedBases: number;
  /** The trailer, hex: the pack's checksum. */
  checksum: string;
  /** Pack size in bytes, trailer included. */
  bytes: number;
}

const MiB = 1024 * 1024;
const EMPTY = Buffer.alloc(0);
const OBJ_OFS_DELTA = 6;
const OBJ_REF_DELTA = 7;

/** Buffered, hashed access to the pack bytes. Offsets are absolute positions in the pack. */
class PackInput {
  private readonly it: AsyncIterator<Buffer | Uint8Array | string>;
  private buf: Buffer = EMPTY;
  private pos = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private ended = false;
  /** Absolute pack offset of `buf[pos]`. */
  offset = 0;
  readonly hash: Hash = createHash('sha1');

  constructor(source: ByteSource) {
    this.it = byteIterator(source);
  }

  get available(): number {
    return this.buf.length - this.pos + this.tailBytes;
  }

  /** Pulls one more non-empty chunk; false at the end of the input. */
  async pull(): Promise<boolean> {
    while (!this.ended) {
      const r = await this.it.next();
      if (r.done) {
        this.ended = true;
        return false;
      }
      const v = r.value;
      if (typeof v === 'string') throw new TypeError('pack input must be bytes, not strings');
      const chunk = Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      if (chunk.length === 0) continue;
      if (this.pos >= this.buf.length && this.tailBytes === 0) {
        this.buf = chunk;
        this.pos = 0;
      } else {
        this.tail.push(chunk);
        this.tailBytes += chunk.length;
      }
      return true;
    }
    return false;
  }

  /** Makes the next `n` bytes (or all available, if fewer) contiguous in `buf`. */
  private flatten(): void {
    if (this.tailBytes === 0) return;
    this.buf = Buffer.concat([this.buf.subarray(this.pos), ...this.tail]);
    this.pos = 0;
    this.tail = [];
    this.tailBytes = 0;
  }

  /** Ensures `n` contiguous bytes; throws 'truncated' if the input ends first. */
  async ensure(n: number, what: string): Promise<void> {
    while (this.available < n) {
      if (!(await this.pull())) throw new PackError('truncated', `pack truncated in ${what} at offset ${this.offset}`);
    }
    if (this.buf.length - this.pos < n) this.flatten();
  }

  /** The next `n` bytes, hashed unless `hashed` is false (the trailer). */
  async take(n: number, what: string, hashed = true): Promise<Buffer> {
    await this.ensure(n, what);
    const out = this.buf.subarray(this.pos, this.pos + n);
    if (hashed) this.hash.update(out);
    this.pos += n;
    this.offset += n;
    return out;
  }

  /** A varint (bytes up to and including the first without the high bit), at most `maxLength` bytes. */
  async takeVarint(what: string, maxLength: number): Promise<Buffer> {
    for (let n = 1; ; n++) {
      await this.ensure(n, what);
      if (!(this.buf[this.pos + n - 1] & 0x80)) return this.take(n, what);
      if (n >= maxLength) throw new PackError('bad-entry', `${what} at offset ${this.offset} is longer than ${maxLength} bytes`);
    }
  }

  /**
   * Inflates the zlib stream at the current position. Where a zlib stream ends is only known by
   * inflating it, so: inflate what is buffered; if the stream runs past it, buffer at least twice
   * as much and start again (at most about twice the work for a large entry, never quadratic).
   */
  async inflate(declaredSize: number, maxCompressed: number): Promise<{ body: Buffer; deflated: Buffer }> {
    const start = this.offset;
    await this.ensure(1, 'an entry body');
    // An honest stream is rarely longer than its content plus stored-block overhead: buffer that
    // much first (or what the input has), so the usual entry inflates in one attempt.
    const expected = Math.min(declaredSize + Math.ceil(declaredSize / 1024) + 64, maxCompressed);
    while (this.available < expected && (await this.pull()));
    this.flatten();
    for (;;) {
      const window = this.buf.subarray(this.pos);
      try {
        // One byte more than declared, so a stream that inflates larger is caught without inflating all of it.
        const r = inflateSync(window, { info: true, maxOutputLength: declaredSize + 1 }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
        const used = r.engine.bytesWritten;
        const deflated = window.subarray(0, used);
        this.hash.update(deflated);
        this.pos += used;
        this.offset += used;
        return { body: r.buffer, deflated };
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === 'ERR_BUFFER_TOO_LARGE') {
          throw new PackError('size-mismatch', `entry at offset ${start} inflates to more than its declared ${declaredSize} bytes`);
        }
        if (code !== 'Z_BUF_ERROR') throw new PackError('bad-zlib', `entry at offset ${start}: ${(err as Error).message}`, { cause: err });
      }
      // The stream goes on past what is buffered.
      if (window.length >= maxCompressed) {
        throw new PackError('bad-zlib', `entry at offset ${start}: zlib stream longer than ${maxCompressed} bytes for ${declaredSize} bytes of content`);
      }
      const target = Math.min(window.length * 2, maxCompressed + 1);
      while (this.available < target) {
        if (!(await this.pull())) {
          if (this.available > window.length) break;
          throw new PackError('truncated', `pack truncated inside the entry at offset ${start}`);
        }
      }
      this.flatten();
    }
  }

  /** The buffered bytes at the current position, up to the end of one input chunk (pulls one if none is buffered). */
  private async piece(what: string): Promise<Buffer> {
    if (this.pos >= this.buf.length) {
      if (this.tail.length) {
        this.buf = this.tail.shift()!;
        this.tailBytes -= this.buf.length;
        this.pos = 0;
      } else if (!(await this.pull())) throw new PackError('truncated', `pack truncated in ${what} at offset ${this.offset}`);
    }
    return this.buf.subarray(this.pos);
  }

  /**
   * Inflates the zlib stream at the current position piece by piece, as the input arrives: the
   * inflated bytes go to `onInflated` (to be hashed), the compressed bytes to `onCompressed` (in
   * order, awaited: the writer's pace is the reader's). Holds about one input chunk at a time.
   */
  async inflateStreaming(declaredSize: number, maxCompressed: number, onCompressed: (b: Buffer) => Promise<void>, onInflated: (b: Buffer) => void): Promise<void> {
    const start = this.offset;
    const inflater = createInflate({ chunkSize: 64 * 1024 });
    let inflated = 0;
    let ended = false;
    let failure: PackError | null = null;
    inflater.on('data', (b: Buffer) => {
      inflated += b.length;
      if (inflated > declaredSize) failure ??= new PackError('size-mismatch', `entry at offset ${start} inflates to more than its declared ${declaredSize} bytes`);
      else {
        try {
          onInflated(b);
        } catch (err) {
          // Thrown by the caller's budget: stops this entry at the next piece.
          failure ??= err instanceof PackError ? err : new PackError('bad-zlib', `entry at offset ${start}: ${(err as Error).message}`, { cause: err });
        }
      }
    });
    // A write whose data zlib refuses never calls back: the error (or close) wakes the reader instead.
    let wake: (() => void) | null = null;
    inflater.on('end', () => (ended = true));
    inflater.on('error', (err) => {
      failure ??= new PackError('bad-zlib', `entry at offset ${start}: ${err.message}`, { cause: err });
      wake?.();
    });
    inflater.on('close', () => wake?.());
    let compressed = 0;
    try {
      while (!ended) {
        const piece = await this.piece('an entry body');
        const before = inflater.bytesWritten;
        await new Promise<void>((resolve) => {
          wake = resolve;
          inflater.write(piece, () => resolve());
        });
        wake = null;
        // The 'end' and 'error' events of this write come on the next ticks.
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (failure) throw failure;
        // zlib stops taking input at the end of the stream: what it took is this entry's.
        const used = inflater.bytesWritten - before;
        const taken = piece.subarray(0, used);
        this.hash.update(taken);
        this.pos += used;
        this.offset += used;
        compressed += used;
        if (compressed > maxCompressed) {
          throw new PackError('bad-zlib', `entry at offset ${start}: zlib stream longer than ${maxCompressed} bytes for ${declaredSize} bytes of content`);
        }
        if (used > 0) await onCompressed(taken);
        if (used < piece.length) ended = true;
      }
    } finally {
      inflater.destroy();
    }
    if (inflated !== declaredSize) throw new PackError('size-mismatch', `entry at offset ${start} declares ${declaredSize} bytes but inflates to ${inflated}`);
  }

  /** True if nothing follows: no buffered byte and the source is exhausted. */
  async atEnd(): Promise<boolean> {
    if (this.available > 0) return false;
    return !(await this.pull());
  }

  async close(): Promise<void> {
    if (!this.ended) {
      this.ended = true;
      await this.it.return?.();
    }
  }
}

interface WaitingDelta {
  offset: number;
  delta: Buffer;
}

interface Settle {
  /** Null for a streamed blob: reloaded when a delta needs it. */
  base: ResolvedObject | null;
  baseOid: Oid;
  baseDepth: number;
  waiting: WaitingDelta;
}

/** A byte-bounded LRU of resolved bodies keyed by oid. */
class Lru {
  private readonly map = new Map<Oid, ResolvedObject>();
  private bytes = 0;
  constructor(private readonly budget: number) {}

  get(oid: Oid): ResolvedObject | undefined {
    const hit = this.map.get(oid);
    if (hit) {
      this.map.delete(oid);
      this.map.set(oid, hit);
    }
    return hit;
  }

  put(oid: Oid, obj: ResolvedObject): void {
    if (obj.body.length > this.budget / 4 || this.map.has(oid)) return;
    this.map.set(oid, obj);
    this.bytes += obj.body.length;
    while (this.bytes > this.budget) {
      const [oldest, v] = this.map.entries().next().value as [Oid, ResolvedObject];
      this.map.delete(oldest);
      this.bytes -= v.body.length;
    }
  }
}

/** Delta bases: blobs and the rest in separate LRUs, so a run of blobs cannot evict the trees. */
class BaseCache {
  private readonly blobs: Lru;
  private readonly others: Lru;
  constructor(budgetEach: number) {
    this.blobs = new Lru(budgetEach);
    this.others = new Lru(budgetEach);
  }

  get(oid: Oid): ResolvedObject | undefined {
    return this.others.get(oid) ?? this.blobs.get(oid);
  }

  put(oid: Oid, obj: ResolvedObject): void {
    (obj.type === 'blob' ? this.blobs : this.others).put(oid, obj);
  }
}

/** Parses the type/size entry header (see `encodePackEntryHeader`). Sizes are kept below 2^53. */
async function readEntryHeader(input: PackInput): Promise<{ typeNumber: number; size: number }> {
  const h = await input.takeVarint('an entry header', 8);
  const typeNumber = (h[0] >> 4) & 7;
  let size = h[0] & 15;
  let scale = 16;
  for (let i = 1; i < h.length; i++) {
    size += (h[i] & 0x7f) * scale;
    scale *= 128;
  }
  return { typeNumber, size };
}

/** A view that keeps at most about twice its size alive, else a copy (so a yielded stream does not pin a large read buffer). */
const ownBytes = (b: Buffer): Buffer => (b.length * 2 >= b.buffer.byteLength ? b : Buffer.from(b));

/** The most compressed bytes a zlib stream of `size` bytes can honestly take (stored blocks: 5 bytes per 64 KiB, plus headers). */
const maxCompressedFor = (size: number): number => size + Math.ceil(size / 16) + 4096;

/** Reads a pack from `source`. See the module comment for ordering, memory and errors. */
export function readPack(source: ByteSource, opts?: ReadPackOptions & { largeBlobs?: undefined }): AsyncGenerator<PackObject, PackSummary, undefined>;
export function readPack(source: ByteSource, opts: ReadPackOptions): AsyncGenerator<PackObject | StreamedBlob, PackSummary, undefined>;
export async function* readPack(source: ByteSource, opts: ReadPackOptions = {}): AsyncGenerator<PackObject | StreamedBlob, PackSummary, undefined> {
  const maxObjectBytes = opts.maxObjectBytes ?? 1024 * MiB;
  const maxObjects = opts.maxObjects ?? 10_000_000;
  const cacheBytes = opts.baseCacheBytes ?? 96 * MiB;
  const maxPending = opts.maxPendingDeltaBytes ?? 256 * MiB;
  const reload = opts.reloadObject ?? opts.resolveExternalBase;
  const cache = new BaseCache(Math.floor(cacheBytes / 2));
  const input = new PackInput(source);

  /** Resolved entries: offset → oid and delta depth, and oid → offset (first occurrence). */
  const resolvedAt = new Map<number, { oid: Oid; depth: number }>();
  const offsetOf = new Map<Oid, number>();
  /** Delta entries not resolved yet, by their own offset. */
  const unresolved = new Set<number>();
  const waitingOnOffset = new Map<number, WaitingDelta[]>();
  const waitingOnOid = new Map<Oid, WaitingDelta[]>();
  let pendingBytes = 0;
  const summary: PackSummary = { count: 0, ofsDeltas: 0, refDeltas: 0, externalBases: 0, reloadedBases: 0, checksum: '', bytes: 0 };

  /**
   * The bytes the pack expands to: zlib output (`inflated`, the ratio's measure) plus objects
   * built from deltas (`total` only: a long history of one file legitimately builds far more
   * than its deltas weigh). Throws past `maxInflatedBytes` or `maxInflateRatio`.
   */
  let inflated = 0;
  let expanded = 0;
  const overTotal = (bytes: number) => opts.maxInflatedBytes !== undefined && bytes > opts.maxInflatedBytes;
  const totalError = () => new PackError('inflate-limit', `the pack expands to more than ${opts.maxInflatedBytes} bytes, the limit per push`);
  const spend = (bytes: number) => {
    inflated += bytes;
    expanded += bytes;
    if (overTotal(expanded)) throw totalError();
    const r = opts.maxInflateRatio;
    if (r && inflated > r.afterBytes && inflated > r.ratio * Math.max(input.offset, 1)) {
      throw new PackError('inflate-limit', `the pack inflates to more than ${r.ratio} times its size (${inflated} bytes from ${input.offset}), the limit per push`);
    }
  };
  const spendBuilt = (bytes: number) => {
    expanded += bytes;
    if (overTotal(expanded)) throw totalError();
  };
  /** Refuses an entry before inflating or building it when its declared size alone passes the total. */
  const plan = (size: number) => {
    if (overTotal(expanded + size)) throw totalError();
  };

  const wait = <K>(map: Map<K, WaitingDelta[]>, key: K, w: WaitingDelta) => {
    pendingBytes += w.delta.length;
    if (pendingBytes > maxPending) {
      throw new PackError('too-large', `deltas waiting for their base exceed ${maxPending} bytes`);
    }
    unresolved.add(w.offset);
    const list = map.get(key);
    if (list) list.push(w);
    else map.set(key, [w]);
  };

  const apply = (base: ResolvedObject, w: WaitingDelta): Buffer => {
    try {
      return applyDelta(base.body, w.delta, maxObjectBytes);
    } catch (err) {
      if (err instanceof DeltaError) {
        if (err.code === 'too-large') throw new PackError('too-large', `delta at offset ${w.offset}: ${err.message}`, { cause: err });
        throw new PackError('bad-delta', `delta at offset ${w.offset}: ${err.message}`, { cause: err });
      }
      throw err;
    }
  };

  /** A base resolved earlier in this pack: from the cache, else reloaded from the caller. */
  const earlierBase = async (oid: Oid, forOffset: number): Promise<ResolvedObject> => {
    const hit = cache.get(oid);
    if (hit) return hit;
    const again = reload ? await reload(oid) : null;
    if (!again || hashObject(again.type, again.body) !== oid) {
      throw new PackError('base-evicted', `delta at offset ${forOffset}: base ${oid} left the delta base cache and could not be reloaded`);
    }
    summary.reloadedBases++;
    cache.put(oid, again);
    return again;
  };

  /** Records a resolved object, yields it, then everything that was waiting on it (depth-first, pack order among siblings). */
  async function* settle(first: PackObject | StreamedBlob | Settle[]): AsyncGenerator<PackObject | StreamedBlob> {
    const stack: Settle[] = [];
    const emit = (obj: PackObject | StreamedBlob) => {
      resolvedAt.set(obj.offset, { oid: obj.oid, depth: obj.depth });
      if (!offsetOf.has(obj.oid)) offsetOf.set(obj.oid, obj.offset);
      unresolved.delete(obj.offset);
      const base = obj.body === null ? null : (obj as PackObject);
      if (base) cache.put(obj.oid, base);
      const deps = [...(waitingOnOffset.get(obj.offset) ?? []), ...(waitingOnOid.get(obj.oid) ?? [])];
      waitingOnOffset.delete(obj.offset);
      waitingOnOid.delete(obj.oid);
      deps.sort((a, b) => b.offset - a.offset);
      for (const w of deps) stack.push({ base, baseOid: obj.oid, baseDepth: obj.depth, waiting: w });
    };
    if (Array.isArray(first)) stack.push(...first.sort((a, b) => b.waiting.offset - a.waiting.offset));
    else {
      emit(first);
      yield first;
    }
    while (stack.length) {
      const s = stack.pop()!;
      const base = s.base ?? (await earlierBase(s.baseOid, s.waiting.offset));
      plan(readDeltaHeader(s.waiting.delta).targetSize);
      const body = apply(base, s.waiting);
      spendBuilt(body.length);
      pendingBytes -= s.waiting.delta.length;
      const obj: PackObject = { oid: hashObject(base.type, body), type: base.type, body, offset: s.waiting.offset, depth: s.baseDepth + 1 };
      emit(obj);
      yield obj;
    }
  }

  try {
    const head = await input.take(12, 'the pack header');
    if (head.toString('latin1', 0, 4) !== 'PACK') throw new PackError('bad-signature', 'not a pack: missing PACK signature');
    const version = head.readUInt32BE(4);
    if (version !== 2 && version !== 3) throw new PackError('bad-version', `unsupported pack version ${version}`);
    const count = head.readUInt32BE(8);
    if (count > maxObjects) throw new PackError('too-many-objects', `pack has ${count} objects; the limit is ${maxObjects}`);

    for (let i = 0; i < count; i++) {
      const offset = input.offset;
      const { typeNumber, size } = await readEntryHeader(input);
      if (size > maxObjectBytes) throw new PackError('too-large', `entry at offset ${offset} declares ${size} bytes; the limit is ${maxObjectBytes}`);
      plan(size);
      const wholeType = TYPE_BY_PACK[typeNumber];
      if (wholeType === 'blob' && opts.largeBlobs && size >= opts.largeBlobs.minBytes) {
        const writer = await opts.largeBlobs.open({ offset, size });
        const hash = createHash('sha1').update(objectHeader('blob', size));
        let oid: Oid;
        let storedAs: string;
        try {
          await input.inflateStreaming(size, maxCompressedFor(size), (b) => writer.write(b), (b) => {
            spend(b.length);
            hash.update(b);
          });
          oid = hash.digest('hex');
          storedAs = await writer.finish(oid);
        } catch (err) {
          await writer.abort();
          throw err;
        }
        const obj: StreamedBlob = { oid, type: 'blob', body: null, size, offset, depth: 0, storedAs };
        summary.count++;
        yield* settle(obj);
        continue;
      }
      if (wholeType) {
        const { body, deflated } = await input.inflate(size, maxCompressedFor(size));
        if (body.length !== size) throw new PackError('size-mismatch', `entry at offset ${offset} declares ${size} bytes but inflates to ${body.length}`);
        spend(size);
        const obj: PackObject = { oid: hashObject(wholeType, body), type: wholeType, body, offset, deflated: ownBytes(deflated), depth: 0 };
        summary.count++;
        yield* settle(obj);
        continue;
      }
      if (typeNumber !== OBJ_OFS_DELTA && typeNumber !== OBJ_REF_DELTA) {
        throw new PackError('bad-entry', `entry at offset ${offset} has invalid type ${typeNumber}`);
      }
      let baseOffset = -1;
      let baseOid: Oid | null = null;
      if (typeNumber === OBJ_OFS_DELTA) {
        summary.ofsDeltas++;
        const { distance } = decodeOfsOffset(await input.takeVarint('an OFS_DELTA offset', 8));
        if (distance === 0) throw new PackError('delta-cycle', `entry at offset ${offset} is a delta against itself`);
        baseOffset = offset - distance;
        if (baseOffset < 12) throw new PackError('bad-delta', `entry at offset ${offset}: OFS_DELTA base offset ${baseOffset} is outside the pack`);
      } else {
        summary.refDeltas++;
        baseOid = (await input.take(20, 'a REF_DELTA base')).toString('hex');
      }
      const { body: delta } = await input.inflate(size, maxCompressedFor(size));
      if (delta.length !== size) throw new PackError('size-mismatch', `entry at offset ${offset} declares ${size} bytes but inflates to ${delta.length}`);
      spend(size);
      let header;
      try {
        header = readDeltaHeader(delta);
      } catch (err) {
        throw new PackError('bad-delta', `delta at offset ${offset}: ${(err as Error).message}`, { cause: err });
      }
      if (header.targetSize > maxObjectBytes) throw new PackError('too-large', `delta at offset ${offset} builds ${header.targetSize} bytes; the limit is ${maxObjectBytes}`);
      summary.count++;
      const waiting: WaitingDelta = { offset, delta };

      if (baseOid === null) {
        const known = resolvedAt.get(baseOffset);
        if (known !== undefined) {
          const base = await earlierBase(known.oid, offset);
          pendingBytes += delta.length;
          yield* settle([{ base, baseOid: known.oid, baseDepth: known.depth, waiting }]);
        } else if (unresolved.has(baseOffset)) {
          wait(waitingOnOffset, baseOffset, waiting);
        } else {
          throw new PackError('bad-delta', `entry at offset ${offset}: OFS_DELTA base offset ${baseOffset} is not the start of an earlier entry`);
        }
      } else if (offsetOf.has(baseOid)) {
        const base = await earlierBase(baseOid, offset);
        pendingBytes += delta.length;
        const baseDepth = resolvedAt.get(offsetOf.get(baseOid)!)?.depth ?? 0;
        yield* settle([{ base, baseOid, baseDepth, waiting }]);
      } else {
        wait(waitingOnOid, baseOid, waiting);
      }
    }

    const trailer = await input.take(20, 'the pack trailer', false);
    if (!(await input.atEnd())) throw new PackError('trailing-data', `data follows the pack trailer (the pack declared ${count} objects)`);
    const actual = input.hash.digest();
    if (!actual.equals(trailer)) throw new PackError('bad-trailer', `pack checksum mismatch: trailer ${trailer.toString('hex')}, content ${actual.toString('hex')}`);
    summary.checksum = trailer.toString('hex');
    summary.bytes = input.offset;

    // A thin pack: the bases still missing are outside the pack.
    while (waitingOnOid.size > 0) {
      const [oid, list] = waitingOnOid.entries().next().value as [Oid, WaitingDelta[]];
      const ext = opts.resolveExternalBase ? await opts.resolveExternalBase(oid) : null;
      if (!ext) throw new PackError('delta-base-missing', `delta at offset ${list[0].offset}: base ${oid} is neither in the pack nor known`);
      if (hashObject(ext.type, ext.body) !== oid) throw new PackError('delta-base-missing', `external base ${oid} does not hash to its id`);
      summary.externalBases++;
      waitingOnOid.delete(oid);
      yield* settle(list.map((w) => ({ base: ext, baseOid: oid, baseDepth: 0, waiting: w })));
    }
    if (waitingOnOffset.size > 0 || unresolved.size > 0) {
      // Only reachable through a REF_DELTA cycle, which the loop above would have reported.
      throw new PackError('delta-cycle', `${unresolved.size} deltas could not be resolved`);
    }
    return summary;
  } finally {
    await input.close();
  }
}
