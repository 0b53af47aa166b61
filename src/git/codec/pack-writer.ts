import { createHash, type Hash } from 'node:crypto';
import { Readable } from 'node:stream';
import { type GitObjectType, PACK_TYPE } from './object-types';

/**
 * An undeltified pack writer (gitformat-pack, version 2): `PACK`, version, object count, the
 * entries, then the SHA-1 of everything before it. Each entry is a header (type and inflated
 * size) followed by the object's zlib stream, which Hangar stores as is (`deflateBody`), so
 * writing a pack only copies bytes and hashes them.
 */

export interface PackObjectInput {
  type: GitObjectType;
  /** The inflated body's length (what the entry header declares). */
  size: number;
  /** The body as one zlib stream (`deflateBody(body)`), copied into the pack unchanged. */
  deflated: Buffer;
}

export class PackWriteError extends Error {
  override readonly name = 'PackWriteError';
}

/** Pack entry type numbers, including the two delta kinds. */
export const OBJ_OFS_DELTA = 6;
export const OBJ_REF_DELTA = 7;

/**
 * The entry header: the first byte holds a continuation bit, the 3 type bits and the low 4 bits of
 * the size; then 7 bits of size per byte, little-endian, high bit = more.
 */
export function encodePackEntryHeader(typeNumber: number, size: number): Buffer {
  const out = Buffer.allocUnsafe(MAX_ENTRY_HEADER_BYTES);
  return out.subarray(0, writePackEntryHeader(out, 0, typeNumber, size));
}

/** The longest entry header (a size up to 2^53). */
export const MAX_ENTRY_HEADER_BYTES = 10;

/** Writes the entry header into `target` at `at` (room for MAX_ENTRY_HEADER_BYTES); returns where it ends. */
export function writePackEntryHeader(target: Buffer, at: number, typeNumber: number, size: number): number {
  if (!Number.isInteger(typeNumber) || typeNumber < 1 || typeNumber > 7 || typeNumber === 5) throw new RangeError(`bad pack type ${typeNumber}`);
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`bad pack entry size ${size}`);
  let c = (typeNumber << 4) | (size % 16);
  let rest = Math.floor(size / 16);
  while (rest > 0) {
    target[at++] = c | 0x80;
    c = rest % 128;
    rest = Math.floor(rest / 128);
  }
  target[at++] = c;
  return at;
}

/** `PACK`, version 2, and the object count (both big-endian uint32). */
export function encodePackHeader(count: number): Buffer {
  if (!Number.isInteger(count) || count < 0 || count > 0xffffffff) throw new RangeError(`bad pack object count ${count}`);
  const h = Buffer.alloc(12);
  h.write('PACK', 0, 'latin1');
  h.writeUInt32BE(2, 4);
  h.writeUInt32BE(count, 8);
  return h;
}

/** A zlib stream starts with CMF (deflate, method 8) and FLG such that CMF·256 + FLG is a multiple of 31. */
function looksLikeZlib(b: Buffer): boolean {
  return b.length >= 6 && (b[0] & 0x0f) === 8 && ((b[0] << 8) | b[1]) % 31 === 0;
}

/**
 * The synchronous encoder: call `header()`, then `entry()` once per object, then `finish()`.
 * It hashes what it returns; the caller writes the buffers in order. `finish()` throws a
 * `PackWriteError` unless exactly `count` entries were written, and `entry()` refuses one more.
 */
export class PackWriter {
  private readonly hash: Hash = createHash('sha1');
  private state: 'new' | 'entries' | 'done' = 'new';
  private objects = 0;
  private bytes = 0;

  constructor(readonly count: number) {
    encodePackHeader(count); // validates
  }

  /** Objects written so far. */
  get written(): number {
    return this.objects;
  }

  /** Pack bytes produced so far. */
  get bytesWritten(): number {
    return this.bytes;
  }

  header(): Buffer {
    if (this.state !== 'new') throw new PackWriteError('pack header already written');
    this.state = 'entries';
    return this.emit(encodePackHeader(this.count));
  }

  /** The entry header and the stored zlib stream (the same Buffer, not a copy). */
  entry(obj: PackObjectInput): [Buffer, Buffer] {
    if (this.state !== 'entries') throw new PackWriteError(this.state === 'new' ? 'pack header not written yet' : 'pack already finished');
    if (this.objects >= this.count) throw new PackWriteError(`pack declared ${this.count} objects; refusing object ${this.objects + 1}`);
    const typeNumber = PACK_TYPE[obj.type];
    if (!typeNumber) throw new PackWriteError(`bad object type ${String(obj.type)}`);
    if (!looksLikeZlib(obj.deflated)) throw new PackWriteError('entry body is not a zlib stream (store bodies with deflateBody)');
    const head = encodePackEntryHeader(typeNumber, obj.size);
    this.objects++;
    return [this.emit(head), this.emit(obj.deflated)];
  }

  /** The 20-byte trailer. */
  finish(): Buffer {
    if (this.state !== 'entries') throw new PackWriteError(this.state === 'new' ? 'pack header not written yet' : 'pack already finished');
    if (this.objects !== this.count) throw new PackWriteError(`pack declared ${this.count} objects but ${this.objects} were written`);
    this.state = 'done';
    const trailer = this.hash.digest();
    this.bytes += trailer.length;
    return trailer;
  }

  private emit(b: Buffer): Buffer {
    this.hash.update(b);
    this.bytes += b.length;
    return b;
  }
}

export interface WritePackOptions {
  /**
   * Small pieces are gathered into chunks of about this many bytes (default 65515, one
   * side-band-64k packet); a stored body at least this big goes out on its own, uncopied.
   */
  chunkSize?: number;
}

/**
 * The pack for `count` objects, as chunks. Pull-driven: the next object is taken from `objects`
 * only when the consumer asks for more, so piping it gives backpressure end to end. Throws a
 * `PackWriteError` if `objects` yields more or fewer than `count` objects.
 */
export async function* writePack(
  count: number,
  objects: Iterable<PackObjectInput> | AsyncIterable<PackObjectInput>,
  opts: WritePackOptions = {},
): AsyncGenerator<Buffer, void, undefined> {
  const chunkSize = opts.chunkSize ?? 65515;
  const writer = new PackWriter(count);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const take = (): Buffer => {
    const out = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    return out;
  };
  pending.push(writer.header());
  pendingBytes += 12;
  for await (const obj of objects) {
    for (const piece of writer.entry(obj)) {
      if (piece.length >= chunkSize) {
        if (pendingBytes) yield take();
        yield piece;
        continue;
      }
      pending.push(piece);
      pendingBytes += piece.length;
      if (pendingBytes >= chunkSize) yield take();
    }
  }
  const trailer = writer.finish();
  pending.push(trailer);
  pendingBytes += trailer.length;
  yield take();
}

/** `writePack` as a byte `Readable`, for `pipe`/`pipeline` (e.g. through `sidebandStream(1)` into a response). */
export function packReadable(count: number, objects: Iterable<PackObjectInput> | AsyncIterable<PackObjectInput>, opts: WritePackOptions = {}): Readable {
  return Readable.from(writePack(count, objects, opts), { objectMode: false, highWaterMark: opts.chunkSize ?? 65515 });
}
