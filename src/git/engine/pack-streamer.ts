import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { encodeOfsOffset } from '../codec/delta';
import { deflateBody } from '../codec/hash';
import { EventLoopTurn } from '../../core/event-loop';
import { type Oid, PACK_TYPE } from '../codec/object-types';
import { encodePackEntryHeader, encodePackHeader, OBJ_OFS_DELTA, OBJ_REF_DELTA } from '../codec/pack-writer';
import type { StoredObjectRow } from './git-objects.repository';
import { MissingObjectError, ObjectDatabase } from './object-database';
import type { PackPlan } from './pack-planner';

/** Pack bytes are gathered into chunks of about one side-band-64k packet. */
const CHUNK_BYTES = 65515;
/** Rows (bodies included) in memory while streaming: about this many bytes of COPY data read ahead. */
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
    const toLoad: Oid[] = [];
    for (const o of plan.objects) {
      if (!o.row) {
        toLoad.push(o.oid);
        continue;
      }
      const offset = out.offset;
      if (bases.has(o.oid)) offsets.set(o.oid, offset);
      const baseOffset = o.delta ? offsets.get(o.delta.base) : undefined;
      if (o.delta && baseOffset !== undefined) {
        if (opts.ofsDelta) out.add(encodePackEntryHeader(OBJ_OFS_DELTA, o.delta.data.length), encodeOfsOffset(offset - baseOffset));
        else out.add(encodePackEntryHeader(OBJ_REF_DELTA, o.delta.data.length), Buffer.from(o.delta.base, 'hex'));
        out.add(deflateBody(o.delta.data));
      } else if (o.row.body) out.add(entryHeader(o.row), o.row.body);
      else yield* this.streamed(o.row, out);
      if (out.pendingBytes >= CHUNK_BYTES) {
        yield out.take();
        await turn.take();
      }
    }
    const rows = this.objects.streamMany(repoId, toLoad, BATCH_BYTES);
    for (;;) {
      const next = await rows.next();
      if (next.done) {
        const [missing] = next.value;
        if (missing !== undefined) throw new MissingObjectError(missing);
        break;
      }
      for (const row of next.value) {
        if (row.body) out.add(entryHeader(row), row.body);
        else yield* this.streamed(row, out);
        if (out.pendingBytes >= CHUNK_BYTES) {
          yield out.take();
          await turn.take();
        }
      }
    }
    yield out.finish();
  }

  /** An undeltified entry whose zlib stream lives in the object store: streamed in chunks. */
  private async *streamed(row: StoredObjectRow, out: PackChunks): AsyncGenerator<Buffer, void, undefined> {
    out.add(entryHeader(row));
    const body = (await this.objects.deflatedBody(row)) as Readable;
    for await (const chunk of body) {
      out.add(chunk as Buffer);
      if (out.pendingBytes >= CHUNK_BYTES) yield out.take();
    }
  }
}

const entryHeader = (row: StoredObjectRow): Buffer => encodePackEntryHeader(PACK_TYPE[row.type], row.size);

/** Pack bytes on their way out: hashed, counted (entry offsets), gathered into chunks. */
class PackChunks {
  private readonly hash = createHash('sha1');
  private pending: Buffer[] = [];
  pendingBytes = 0;
  /** Bytes added so far: the pack offset of the next entry. */
  offset = 0;

  add(a: Buffer, b?: Buffer): void {
    this.pending.push(a);
    this.pendingBytes += a.length;
    this.offset += a.length;
    if (b) this.add(b);
  }

  /** What is pending, as one buffer, hashed (once per chunk rather than per entry: a clone has 100,000 small ones). */
  take(): Buffer {
    const out = Buffer.concat(this.pending, this.pendingBytes);
    this.hash.update(out);
    this.pending = [];
    this.pendingBytes = 0;
    return out;
  }

  /** What is pending, then the trailer. */
  finish(): Buffer {
    const rest = this.take();
    return Buffer.concat([rest, this.hash.digest()]);
  }
}
