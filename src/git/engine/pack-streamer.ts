import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { encodeOfsOffset } from '../codec/delta';
import { deflateBody } from '../codec/hash';
import { EventLoopTurn } from '../../core/event-loop';
import { type Oid, PACK_TYPE } from '../codec/object-types';
import { encodePackEntryHeader, encodePackHeader, MAX_ENTRY_HEADER_BYTES, OBJ_OFS_DELTA, OBJ_REF_DELTA, writePackEntryHeader } from '../codec/pack-writer';
import type { StoredObjectRow } from './git-objects.repository';
import { MissingObjectError, ObjectDatabase } from './object-database';
import type { PackPlan } from './pack-planner';

/** Pack bytes are gathered into chunks of about one side-band-64k packet. */
const CHUNK_BYTES = 65515;
/** Pack bytes in memory while streaming rows: about this many bytes of COPY data read ahead of the network. */
const BATCH_BYTES = 1024 * 1024;

export interface PackStreamOptions {
  /** The client understands OFS_DELTA (`ofs-delta`); otherwise deltas name their base by id (REF_DELTA). */
  ofsDelta: boolean;
}

/**
 * Writes the pack of a plan: header, each object's entry (its stored zlib stream copied as is,
 * inline bytes or streamed from the object store; or the planned delta against an earlier
 * entry), SHA-1 trailer. A pack's object order is free but for a delta's base coming before it:
 * the objects whose rows the plan holds (trees, the only deltas, after their bases) go first in
 * plan order, then the others (commits, tags, blobs) in the order the database reads them, as
 * they arrive (GitObjectsRepository.streamMany), so the database, this loop and the network work
 * at once and memory stays bounded by bytes whatever the pack size. Between chunks the event loop
 * gets a turn now and then: other requests are served during a clone.
 */
@Injectable()
export class PackStreamer {
  constructor(private readonly objects: ObjectDatabase) {}

  async *packStream(repoId: number, plan: PackPlan, opts: PackStreamOptions): AsyncGenerator<Buffer, void, undefined> {
    const out = new PackChunks();
    const turn = new EventLoopTurn();
    out.add(encodePackHeader(plan.objects.length));
    const bases = new Set<Oid>();
    for (const o of plan.objects) if (o.delta) bases.add(o.delta.base);
    const offsets = new Map<Oid, number>();
    const toLoad = new Set<Oid>();
    for (let i = 0; i < plan.objects.length; i++) {
      const o = plan.objects[i];
      // A clone plans 100,000 objects: other requests get turns while they are sorted out.
      if (i % 1024 === 1023) await turn.take();
      if (!o.row) {
        const before = toLoad.size;
        // Each is written once, as it is read: the count in the header must still hold.
        if (toLoad.add(o.oid).size === before) throw new Error(`the pack plan names ${o.oid} twice`);
        continue;
      }
      const offset = out.offset;
      if (bases.has(o.oid)) offsets.set(o.oid, offset);
      const baseOffset = o.delta ? offsets.get(o.delta.base) : undefined;
      if (o.delta && baseOffset !== undefined) {
        if (opts.ofsDelta) out.add(encodePackEntryHeader(OBJ_OFS_DELTA, o.delta.data.length), encodeOfsOffset(offset - baseOffset));
        else out.add(encodePackEntryHeader(OBJ_REF_DELTA, o.delta.data.length), Buffer.from(o.delta.base, 'hex'));
        out.add(deflateBody(o.delta.data));
      } else if (o.row.body) out.entry(PACK_TYPE[o.row.type], o.row.size, o.row.body, 0, o.row.body.length);
      else yield* this.streamed(o.row, out);
      if (out.pendingBytes >= CHUNK_BYTES) {
        yield* out.take();
        await turn.take();
      }
    }
    // Rows kept in the database are written into the pack as they are read (no other copy of
    // them); those in the object store are streamed once the read is over, since entries must not
    // interleave.
    const later: StoredObjectRow[] = [];
    const rows = this.objects.streamMany(repoId, toLoad, BATCH_BYTES, (o): StoredObjectRow | undefined => {
      if (!o.bytes) return { oid: o.oid, type: o.type, size: o.size, body: null, storageKey: o.storageKey };
      out.entry(PACK_TYPE[o.type], o.size, o.bytes, o.start, o.end);
      return undefined;
    });
    for (;;) {
      const next = await rows.next();
      if (next.done) {
        const [missing] = next.value;
        if (missing !== undefined) throw new MissingObjectError(missing);
        break;
      }
      for (const row of next.value) later.push(row);
      if (out.pendingBytes >= CHUNK_BYTES) {
        yield* out.take();
        await turn.take();
      }
    }
    for (const row of later) {
      yield* this.streamed(row, out);
      if (out.pendingBytes >= CHUNK_BYTES) yield* out.take();
    }
    yield* out.finish();
  }

  /** An undeltified entry whose zlib stream lives in the object store: streamed in chunks. */
  private async *streamed(row: StoredObjectRow, out: PackChunks): AsyncGenerator<Buffer, void, undefined> {
    out.add(encodePackEntryHeader(PACK_TYPE[row.type], row.size));
    const body = (await this.objects.deflatedBody(row)) as Readable;
    for await (const chunk of body) {
      out.add(chunk as Buffer);
      if (out.pendingBytes >= CHUNK_BYTES) yield* out.take();
    }
  }
}

/** Room of a fresh chunk buffer: one side-band-64k packet and the entry that crosses its end, mostly. */
const SLAB_BYTES = CHUNK_BYTES + 4096;

/**
 * Pack bytes on their way out: counted (entry offsets), copied once into chunk buffers as they
 * come (a clone has 100,000 entries of a few dozen bytes), hashed a chunk at a time.
 */
class PackChunks {
  private readonly hash = createHash('sha1');
  private full: Buffer[] = [];
  private slab = Buffer.allocUnsafe(SLAB_BYTES);
  private used = 0;
  /** Bytes added since the last `take()`. */
  pendingBytes = 0;
  /** Bytes added so far: the pack offset of the next entry. */
  offset = 0;

  add(a: Buffer, b?: Buffer): void {
    this.copy(a, 0, a.length);
    if (b) this.copy(b, 0, b.length);
  }

  /** An undeltified entry: its header, then its zlib stream (`body` from `start` to `end`). */
  entry(typeNumber: number, size: number, body: Buffer, start: number, end: number): void {
    this.room(MAX_ENTRY_HEADER_BYTES + end - start);
    const at = writePackEntryHeader(this.slab, this.used, typeNumber, size);
    const n = at - this.used + body.copy(this.slab, at, start, end);
    this.used += n;
    this.pendingBytes += n;
    this.offset += n;
  }

  /** What was added since the last call, hashed. */
  take(): Buffer[] {
    const out = this.full;
    if (this.used > 0) out.push(this.slab.subarray(0, this.used));
    for (const b of out) this.hash.update(b);
    this.full = [];
    this.slab = Buffer.allocUnsafe(SLAB_BYTES);
    this.used = 0;
    this.pendingBytes = 0;
    return out;
  }

  /** What is pending, then the trailer. */
  finish(): Buffer[] {
    const out = this.take();
    out.push(this.hash.digest());
    return out;
  }

  private copy(b: Buffer, start: number, end: number): void {
    this.room(end - start);
    const n = b.copy(this.slab, this.used, start, end);
    this.used += n;
    this.pendingBytes += n;
    this.offset += n;
  }

  /** Makes room for `n` more bytes in the current slab (a fresh one when the current one is short of it). */
  private room(n: number): void {
    if (this.used + n <= this.slab.length) return;
    if (this.used > 0) this.full.push(this.slab.subarray(0, this.used));
    this.slab = Buffer.allocUnsafe(Math.max(SLAB_BYTES, n));
    this.used = 0;
  }
}
