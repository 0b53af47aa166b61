import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { encodeOfsOffset } from '../codec/delta';
import { deflateBody } from '../codec/hash';
import { type Oid, PACK_TYPE } from '../codec/object-types';
import { encodePackEntryHeader, encodePackHeader, OBJ_OFS_DELTA, OBJ_REF_DELTA } from '../codec/pack-writer';
import type { StoredObjectRow } from './git-objects.repository';
import { MissingObjectError, ObjectDatabase } from './object-database';
import type { PackPlan } from './pack-planner';

/** Pack bytes are gathered into chunks of about one side-band-64k packet. */
const CHUNK_BYTES = 65515;
/** Rows (bodies included) loaded per query while streaming: about this many stored bytes... */
const BATCH_BYTES = 4 * 1024 * 1024;
/** ...and at most this many rows. */
const BATCH_ROWS = 1000;

export interface PackStreamOptions {
  /** The client understands OFS_DELTA (`ofs-delta`); otherwise deltas name their base by id (REF_DELTA). */
  ofsDelta: boolean;
}

/**
 * Writes the pack of a plan: header, each object's entry (its stored zlib stream copied as is,
 * inline bytes or streamed from the object store; or the planned delta against an earlier
 * entry), SHA-1 trailer. Rows are loaded in batches of a few MiB, the next batch while the
 * current one goes out, so the database and the network work at once and memory stays bounded
 * whatever the pack size.
 */
@Injectable()
export class PackStreamer {
  constructor(private readonly objects: ObjectDatabase) {}

  async *packStream(repoId: number, plan: PackPlan, opts: PackStreamOptions): AsyncGenerator<Buffer, void, undefined> {
    const out = new PackChunks();
    out.add(encodePackHeader(plan.objects.length));
    const bases = new Set<Oid>();
    for (const o of plan.objects) if (o.delta) bases.add(o.delta.base);
    const offsets = new Map<Oid, number>();
    const batches = this.rowBatches(
      repoId,
      plan.objects.filter((o) => !o.row).map((o) => o.oid),
    );
    let loaded = new Map<Oid, StoredObjectRow>();
    try {
      for (const o of plan.objects) {
        let row = o.row;
        if (!row) {
          if (!loaded.has(o.oid)) {
            const next = await batches.next();
            if (!next.done) loaded = next.value;
          }
          row = loaded.get(o.oid);
          if (!row) throw new MissingObjectError(o.oid);
        }
        const offset = out.offset;
        if (bases.has(o.oid)) offsets.set(o.oid, offset);
        const baseOffset = o.delta ? offsets.get(o.delta.base) : undefined;
        if (o.delta && baseOffset !== undefined) {
          if (opts.ofsDelta) out.add(encodePackEntryHeader(OBJ_OFS_DELTA, o.delta.data.length), encodeOfsOffset(offset - baseOffset));
          else out.add(encodePackEntryHeader(OBJ_REF_DELTA, o.delta.data.length), Buffer.from(o.delta.base, 'hex'));
          out.add(deflateBody(o.delta.data));
        } else {
          out.add(encodePackEntryHeader(PACK_TYPE[row.type], row.size));
          const body = await this.objects.deflatedBody(row);
          if (Buffer.isBuffer(body)) out.add(body);
          else {
            for await (const chunk of body as Readable) {
              out.add(chunk as Buffer);
              if (out.pendingBytes >= CHUNK_BYTES) yield out.take();
            }
          }
        }
        if (out.pendingBytes >= CHUNK_BYTES) yield out.take();
      }
    } finally {
      await batches.return(undefined);
    }
    yield out.finish();
  }

  /**
   * The rows of `oids`, in order, in batches of about BATCH_BYTES stored bytes (their lengths are
   * asked first, in one query); the next batch is already being read while the caller uses one.
   */
  private async *rowBatches(repoId: number, oids: Oid[]): AsyncGenerator<Map<Oid, StoredObjectRow>, void, undefined> {
    if (oids.length === 0) return;
    const lengths = await this.objects.storedLengths(repoId, oids);
    const groups: Oid[][] = [];
    let group: Oid[] = [];
    let bytes = 0;
    for (const oid of oids) {
      group.push(oid);
      bytes += lengths.get(oid) ?? 0;
      if (bytes >= BATCH_BYTES || group.length >= BATCH_ROWS) {
        groups.push(group);
        group = [];
        bytes = 0;
      }
    }
    if (group.length) groups.push(group);
    let pending: Promise<StoredObjectRow[]> | null = this.objects.readMany(repoId, groups[0]);
    try {
      for (let i = 0; i < groups.length; i++) {
        const rows: StoredObjectRow[] = await pending!;
        pending = i + 1 < groups.length ? this.objects.readMany(repoId, groups[i + 1]) : null;
        yield new Map(rows.map((r) => [r.oid, r]));
      }
    } finally {
      // Stopped early (client gone, error): nobody will await the read ahead.
      pending?.catch(() => undefined);
    }
  }
}

/** Pack bytes on their way out: hashed, counted (entry offsets), gathered into chunks. */
class PackChunks {
  private readonly hash = createHash('sha1');
  private pending: Buffer[] = [];
  pendingBytes = 0;
  /** Bytes added so far: the pack offset of the next entry. */
  offset = 0;

  add(...parts: Buffer[]): void {
    for (const b of parts) {
      this.hash.update(b);
      this.pending.push(b);
      this.pendingBytes += b.length;
      this.offset += b.length;
    }
  }

  take(): Buffer {
    const out = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    return out;
  }

  /** What is pending, then the trailer. */
  finish(): Buffer {
    const trailer = this.hash.digest();
    this.pending.push(trailer);
    this.pendingBytes += trailer.length;
    return this.take();
  }
}
