import type { Connection, Submittable } from 'pg';

/**
 * `COPY (<query>) TO STDOUT (FORMAT binary)` through a node-pg client, for reading many bytea
 * values fast. A plain SELECT returns bytea as hex text: PostgreSQL spends most of its time
 * encoding it and Node decoding twice as many bytes (about 60 ms + 25 ms for shape A's 10 MB of
 * stored blobs, against 15 ms for binary COPY). node-pg cannot ask for binary bytea results
 * itself (its binary mode decodes every field as a string), so this speaks the COPY sub-protocol
 * as a `Submittable`, the way pg-copy-streams does.
 *
 * COPY takes no bind parameters: callers build the query from validated values only.
 */

/** `PGCOPY\n\377\r\n\0`, then 32-bit flags and a 32-bit header extension length. */
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const HEADER_BYTES = SIGNATURE.length + 8;

export class BinaryCopyError extends Error {
  override readonly name = 'BinaryCopyError';
}

/**
 * One row of a binary COPY as read: where each field lies in the input, valid during the `onRow`
 * call only (node-pg reuses its read buffer). Reading a field makes no intermediate Buffer (a
 * clone reads five fields of 100,000 rows): only what the caller keeps is copied.
 */
export class CopyRow {
  buf: Buffer = Buffer.alloc(0);
  count = 0;
  /** The row's size in the COPY data. */
  bytes = 0;
  /** Start and end of field i at 2i and 2i + 1; a NULL field starts at -1. */
  readonly spans: number[] = [];

  isNull(i: number): boolean {
    return this.spans[2 * i] < 0;
  }

  latin1(i: number): string {
    return this.buf.toString('latin1', this.spans[2 * i], this.spans[2 * i + 1]);
  }

  utf8(i: number): string {
    return this.buf.toString('utf8', this.spans[2 * i], this.spans[2 * i + 1]);
  }

  /** Where field i starts in `buf` (-1 when NULL). */
  start(i: number): number {
    return this.spans[2 * i];
  }

  /** Where field i ends in `buf`. */
  end(i: number): number {
    return this.spans[2 * i + 1];
  }

  int32(i: number): number {
    return this.buf.readInt32BE(this.spans[2 * i]);
  }

  /** An int8 field, exact up to 2^53. */
  int64(i: number): number {
    const at = this.spans[2 * i];
    return this.buf.readInt32BE(at) * 2 ** 32 + this.buf.readUInt32BE(at + 4);
  }

  /** The field's bytes, copied out of the input. */
  copy(i: number): Buffer {
    const start = this.spans[2 * i];
    const end = this.spans[2 * i + 1];
    const out = Buffer.allocUnsafe(end - start);
    this.buf.copy(out, 0, start, end);
    return out;
  }

  /** Every field, copied (NULL as null). */
  fields(): (Buffer | null)[] {
    const out: (Buffer | null)[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.isNull(i) ? null : this.copy(i));
    return out;
  }
}

/** Gets each row as it is parsed (a view valid during the call only: see CopyRow). */
export type RowSink = (row: CopyRow) => void;

/**
 * Parses the binary COPY format (PostgreSQL docs, "COPY, Binary Format") from chunks in any
 * split: the header, then per row a 16-bit field count and per field a 32-bit length (-1: NULL)
 * and the bytes; a field count of -1 ends the data. Each complete row goes to `onRow`; without
 * one the rows are collected, their fields copied (`finish()`).
 */
export class BinaryCopyParser {
  private pending: Buffer = Buffer.alloc(0);
  private headerRead = false;
  private ended = false;
  readonly rows: (Buffer | null)[][] = [];
  private readonly onRow: RowSink;
  private readonly row = new CopyRow();

  constructor(onRow?: RowSink) {
    this.onRow = onRow ?? ((row) => void this.rows.push(row.fields()));
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.ended) throw new BinaryCopyError('data after the end of a binary COPY');
    const buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let pos = 0;
    if (!this.headerRead) {
      if (buf.length < HEADER_BYTES) return this.keep(buf, 0);
      if (!buf.subarray(0, SIGNATURE.length).equals(SIGNATURE)) throw new BinaryCopyError('not a binary COPY stream');
      const extension = buf.readUInt32BE(SIGNATURE.length + 4);
      if (buf.length < HEADER_BYTES + extension) return this.keep(buf, 0);
      pos = HEADER_BYTES + extension;
      this.headerRead = true;
    }
    const row = this.row;
    const spans = row.spans;
    row.buf = buf;
    for (;;) {
      if (buf.length - pos < 2) break;
      const count = buf.readInt16BE(pos);
      if (count === -1) {
        this.ended = true;
        if (pos + 2 !== buf.length) throw new BinaryCopyError('data after the end of a binary COPY');
        pos += 2;
        break;
      }
      if (count < 0) throw new BinaryCopyError(`bad field count ${count}`);
      let p = pos + 2;
      let read = 0;
      for (; read < count; read++) {
        if (buf.length - p < 4) break;
        const length = buf.readInt32BE(p);
        if (length === -1) {
          spans[2 * read] = -1;
          spans[2 * read + 1] = -1;
          p += 4;
          continue;
        }
        if (length < 0) throw new BinaryCopyError(`bad field length ${length}`);
        if (buf.length - p - 4 < length) break;
        spans[2 * read] = p + 4;
        spans[2 * read + 1] = p + 4 + length;
        p += 4 + length;
      }
      if (read < count) break; // the row goes on in the next chunk
      row.count = count;
      row.bytes = p - pos;
      this.onRow(row);
      pos = p;
    }
    row.buf = EMPTY;
    this.keep(buf, pos);
  }

  /** Throws unless the stream was complete. */
  finish(): (Buffer | null)[][] {
    if (!this.ended) throw new BinaryCopyError('binary COPY ended early');
    return this.rows;
  }

  private keep(buf: Buffer, from: number): void {
    this.pending = from >= buf.length ? EMPTY : Buffer.from(buf.subarray(from));
  }
}

const EMPTY = Buffer.alloc(0);

/**
 * A binary COPY read as it arrives, in batches of mapped rows (`for await`), so that the database,
 * the parsing and whoever consumes the rows work at once. A batch comes whenever rows were read,
 * even if the mapper kept none of them (it may have used them as they came). Backpressure: once
 * the rows waiting for the consumer took `highWaterBytes` of COPY data, the connection's socket
 * is paused until the consumer takes them (at most one socket read more arrives meanwhile). A
 * consumer that stops early (`return()`) lets the rest of the COPY drain unparsed, so the
 * connection can be reused.
 */
export class BinaryCopyStream<T> implements Submittable, AsyncIterable<T[]> {
  private readonly parser: BinaryCopyParser;
  private queued: T[] = [];
  private queuedBytes = 0;
  private done = false;
  private dropping = false;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;
  private socket: { pause(): void; resume(): void } | null = null;
  private paused = false;

  constructor(
    private readonly text: string,
    /** Turns a row into a value (copying what it keeps), or skips it (undefined). */
    map: (row: CopyRow) => T | undefined,
    private readonly highWaterBytes: number,
  ) {
    this.parser = new BinaryCopyParser((row) => {
      const value = map(row);
      if (value !== undefined) this.queued.push(value);
      this.queuedBytes += row.bytes;
    });
  }

  submit(connection: Connection): void {
    this.socket = (connection as unknown as { stream: { pause(): void; resume(): void } }).stream;
    connection.query(this.text);
  }

  handleCopyData(msg: { chunk: Buffer }): void {
    if (this.failure || this.dropping) return;
    try {
      this.parser.push(msg.chunk);
    } catch (err) {
      this.failure = err as Error;
    }
    if (this.queuedBytes >= this.highWaterBytes && !this.dropping && !this.paused) {
      this.paused = true;
      this.socket?.pause();
    }
    this.signal();
  }

  handleCommandComplete(): void {}

  handleReadyForQuery(): void {
    if (!this.failure && !this.dropping) {
      try {
        this.parser.finish();
      } catch (err) {
        this.failure = err as Error;
      }
    }
    this.done = true;
    this.signal();
  }

  handleError(err: Error): void {
    this.failure ??= err;
    this.done = true;
    this.resume();
    this.signal();
  }

  /** Resolves once the COPY is over (after an early stop too), whatever its outcome. */
  async drained(): Promise<void> {
    while (!this.done) await new Promise<void>((resolve) => (this.wake = resolve));
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T[], void, undefined> {
    try {
      for (;;) {
        if (this.failure) throw this.failure;
        if (this.queuedBytes > 0 || this.queued.length > 0) {
          const batch = this.queued;
          this.queued = [];
          this.queuedBytes = 0;
          this.resume();
          yield batch;
          continue;
        }
        if (this.done) return;
        this.resume();
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      this.dropping = true;
      this.queued = [];
      this.resume();
    }
  }

  private resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.socket?.resume();
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
