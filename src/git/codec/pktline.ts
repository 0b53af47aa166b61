/**
 * pkt-line framing (gitprotocol-common): a 4-hex-digit length that includes itself, then the
 * payload. `0000` flush, `0001` delim and `0002` response-end are the special packets; `0003` is
 * invalid, and no packet may exceed 65520 bytes in total.
 */

/** Largest packet, length prefix included. */
export const PKT_MAX_LENGTH = 65520;
/** Largest payload of one packet. */
export const PKT_MAX_PAYLOAD = PKT_MAX_LENGTH - 4;

export const FLUSH: Buffer = Buffer.from('0000', 'latin1');
export const DELIM: Buffer = Buffer.from('0001', 'latin1');
export const RESPONSE_END: Buffer = Buffer.from('0002', 'latin1');

export type Packet =
  | { type: 'data'; payload: Buffer }
  | { type: 'flush' }
  | { type: 'delim' }
  | { type: 'response-end' };

export type PktLineErrorCode = 'bad-length' | 'too-long' | 'truncated';

export class PktLineError extends Error {
  override readonly name = 'PktLineError';
  constructor(
    readonly code: PktLineErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const HEX = '0123456789abcdef';

/** One data packet. Strings are UTF-8. Throws a `PktLineError` ('too-long') past 65516 bytes of payload. */
export function pkt(data: Buffer | string): Buffer {
  const payloadLength = typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : data.length;
  const total = payloadLength + 4;
  if (total > PKT_MAX_LENGTH) throw new PktLineError('too-long', `pkt-line of ${total} bytes exceeds ${PKT_MAX_LENGTH}`);
  const out = Buffer.allocUnsafe(total);
  out[0] = HEX.charCodeAt((total >> 12) & 15);
  out[1] = HEX.charCodeAt((total >> 8) & 15);
  out[2] = HEX.charCodeAt((total >> 4) & 15);
  out[3] = HEX.charCodeAt(total & 15);
  if (typeof data === 'string') out.write(data, 4, 'utf8');
  else data.copy(out, 4);
  return out;
}

/** A text packet: appends the LF git's text lines end with, unless `line` already has one. */
export function pktLine(line: string): Buffer {
  return pkt(line.endsWith('\n') ? line : `${line}\n`);
}

/** `ERR <msg>`: the error packet a server may send instead of any other. */
export function pktError(message: string): Buffer {
  return pktLine(`ERR ${message}`);
}

/** The payload of a text packet as a string, without its trailing LF (readers must accept lines without one). */
export function pktText(packet: Packet | Buffer): string {
  const payload = Buffer.isBuffer(packet) ? packet : packet.type === 'data' ? packet.payload : null;
  if (!payload) throw new PktLineError('bad-length', `expected a data packet, got ${(packet as Packet).type}`);
  const end = payload.length > 0 && payload[payload.length - 1] === 0x0a ? payload.length - 1 : payload.length;
  return payload.toString('utf8', 0, end);
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10; // git's hex parser takes upper case too
  return -1;
}

/** Parses a 4-byte length prefix at `pos`; throws on non-hex digits. */
function parseLength(buf: Buffer, pos: number): number {
  let n = 0;
  for (let i = 0; i < 4; i++) {
    const d = hexDigit(buf[pos + i]);
    if (d < 0) throw new PktLineError('bad-length', `bad pkt-line length ${JSON.stringify(buf.toString('latin1', pos, pos + 4))}`);
    n = (n << 4) | d;
  }
  return n;
}

const EMPTY = Buffer.alloc(0);

/**
 * Incremental pkt-line parser. `push()` chunks as they arrive, `read()` one packet at a time (null
 * when the next one is not complete yet). It never parses ahead of `read()`, so after a flush
 * `takeRest()` returns the raw bytes that follow it (receive-pack: the pack after the commands).
 * Payloads are views into the pushed chunks, not copies.
 */
export class PktLineReader {
  private buf: Buffer = EMPTY;
  private pos = 0;
  /** Chunks after `buf`, joined only once a whole packet is there (so tiny chunks cost no repeated copies). */
  private tail: Buffer[] = [];
  private tailBytes = 0;

  push(chunk: Buffer | string): void {
    const c = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    if (c.length === 0) return;
    if (this.pos >= this.buf.length && this.tailBytes === 0) {
      this.buf = c;
      this.pos = 0;
    } else {
      this.tail.push(c);
      this.tailBytes += c.length;
    }
  }

  /** Bytes pushed but not yet returned as packets. */
  get buffered(): number {
    return this.buf.length - this.pos + this.tailBytes;
  }

  /** Makes at least `n` buffered bytes contiguous at `pos` (the caller checked they are there). */
  private contiguous(n: number): void {
    if (this.buf.length - this.pos >= n) return;
    this.buf = Buffer.concat([this.buf.subarray(this.pos), ...this.tail]);
    this.pos = 0;
    this.tail = [];
    this.tailBytes = 0;
  }

  /** The next complete packet, or null if more input is needed. Throws `PktLineError` on a malformed length. */
  read(): Packet | null {
    if (this.buffered < 4) return null;
    this.contiguous(4);
    const length = parseLength(this.buf, this.pos);
    if (length < 4) {
      if (length === 3) throw new PktLineError('bad-length', 'bad pkt-line length 0003');
      this.pos += 4;
      return length === 0 ? { type: 'flush' } : length === 1 ? { type: 'delim' } : { type: 'response-end' };
    }
    if (length > PKT_MAX_LENGTH) throw new PktLineError('too-long', `pkt-line length ${length} exceeds ${PKT_MAX_LENGTH}`);
    if (this.buffered < length) return null;
    this.contiguous(length);
    const payload = this.buf.subarray(this.pos + 4, this.pos + length);
    this.pos += length;
    return { type: 'data', payload };
  }

  /** Every packet that is complete now. */
  *drain(): Generator<Packet> {
    for (let p = this.read(); p; p = this.read()) yield p;
  }

  [Symbol.iterator](): Generator<Packet> {
    return this.drain();
  }

  /** Removes and returns the unparsed bytes (everything after the last packet `read()` returned). */
  takeRest(): Buffer {
    this.contiguous(this.buffered);
    const rest = this.buf.subarray(this.pos);
    this.buf = EMPTY;
    this.pos = 0;
    return rest;
  }

  /** Call when the input ended: throws `PktLineError` ('truncated') if a partial packet is left. */
  end(): void {
    if (this.buffered > 0) throw new PktLineError('truncated', `input ended inside a pkt-line (${this.buffered} bytes left)`);
  }
}

/** Parses a complete buffer into packets; throws if it ends inside one. */
export function parsePktLines(data: Buffer | string): Packet[] {
  const reader = new PktLineReader();
  reader.push(data);
  const out = [...reader.drain()];
  reader.end();
  return out;
}

/** A byte source: a stream, an async generator, or (for tests and small bodies) an array of chunks. */
export type ByteSource = AsyncIterable<Buffer | Uint8Array | string> | Iterable<Buffer | Uint8Array | string>;

/** An async iterator over either kind of iterable. */
export function byteIterator(source: ByteSource): AsyncIterator<Buffer | Uint8Array | string> {
  if (Symbol.asyncIterator in source) return (source as AsyncIterable<Buffer | Uint8Array | string>)[Symbol.asyncIterator]();
  const it = (source as Iterable<Buffer | Uint8Array | string>)[Symbol.iterator]();
  return {
    next: async () => it.next(),
    return: async () => it.return?.() ?? { done: true, value: undefined },
  };
}

const toBuffer = (c: Buffer | Uint8Array | string): Buffer =>
  Buffer.isBuffer(c) ? c : typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.from(c.buffer, c.byteOffset, c.byteLength);

/** Every packet of a byte stream (e.g. a request body), to its end. Throws if it ends inside a packet. */
export async function* readPktLines(source: ByteSource): AsyncGenerator<Packet, void, undefined> {
  const reader = new PktLineReader();
  const it = byteIterator(source);
  let finished = false;
  try {
    for (;;) {
      const next = await it.next();
      if (next.done) break;
      reader.push(toBuffer(next.value));
      yield* reader.drain();
    }
    finished = true;
  } finally {
    if (!finished) await it.return?.();
  }
  reader.end();
}

export interface PktSection {
  /** The packets before the flush (the flush itself is not included); delims are kept. */
  packets: Packet[];
  /** The raw bytes after the flush: what is left of the source, unparsed. Iterate it at most once. */
  rest: AsyncIterable<Buffer>;
}

/**
 * Reads packets up to the first flush and hands back the rest of the stream untouched: a
 * receive-pack body is commands, `0000`, then the pack to the end of the body. `maxBytes` bounds
 * the section (default 16 MiB); a source ending before the flush is a `PktLineError` ('truncated').
 */
export async function readUntilFlush(source: ByteSource, opts: { maxBytes?: number } = {}): Promise<PktSection> {
  const maxBytes = opts.maxBytes ?? 16 * 1024 * 1024;
  const it = byteIterator(source);
  const reader = new PktLineReader();
  const packets: Packet[] = [];
  let sectionBytes = 0;
  try {
    for (;;) {
      let packet: Packet | null;
      while ((packet = reader.read())) {
        if (packet.type === 'flush') {
          const leftover = reader.takeRest();
          return { packets, rest: continueWith(leftover, it) };
        }
        sectionBytes += packet.type === 'data' ? packet.payload.length + 4 : 4;
        if (sectionBytes > maxBytes) throw new PktLineError('too-long', `pkt-line section exceeds ${maxBytes} bytes`);
        packets.push(packet);
      }
      const next = await it.next();
      if (next.done) {
        reader.end();
        throw new PktLineError('truncated', 'input ended before a flush packet');
      }
      reader.push(toBuffer(next.value));
    }
  } catch (err) {
    await it.return?.();
    throw err;
  }
}

async function* continueWith(first: Buffer, it: AsyncIterator<Buffer | Uint8Array | string>): AsyncGenerator<Buffer> {
  let finished = false;
  try {
    if (first.length) yield first;
    for (;;) {
      const next = await it.next();
      if (next.done) {
        finished = true;
        return;
      }
      yield toBuffer(next.value);
    }
  } finally {
    // Stopped early: let the underlying source release its resources.
    if (!finished) await it.return?.();
  }
}
