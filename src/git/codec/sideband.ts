import { Transform, type TransformCallback } from 'node:stream';
import { PktLineError, PktLineReader, type Packet, PKT_MAX_LENGTH } from './pktline';

/**
 * Side-band multiplexing (gitprotocol-pack): each packet's payload is a band byte then data.
 * Band 1 carries the pack (or a nested pkt-line report), band 2 progress text for "remote: …",
 * band 3 a fatal error after which the stream ends.
 */
export type Band = 1 | 2 | 3;

/** side-band-64k: 65520 − 4 (length) − 1 (band) bytes of data per packet. */
export const SIDEBAND_64K_MAX_DATA = PKT_MAX_LENGTH - 5;
/** Plain side-band: packets of at most 1000 bytes. */
export const SIDEBAND_MAX_DATA = 1000 - 5;

const HEX = '0123456789abcdef';

function bandHeader(band: Band, dataLength: number): Buffer {
  const total = dataLength + 5;
  const h = Buffer.allocUnsafe(5);
  h[0] = HEX.charCodeAt((total >> 12) & 15);
  h[1] = HEX.charCodeAt((total >> 8) & 15);
  h[2] = HEX.charCodeAt((total >> 4) & 15);
  h[3] = HEX.charCodeAt(total & 15);
  h[4] = band;
  return h;
}

function checkArgs(band: number, maxData: number): void {
  if (band !== 1 && band !== 2 && band !== 3) throw new RangeError(`bad side-band ${band}`);
  if (!Number.isInteger(maxData) || maxData < 1 || maxData > SIDEBAND_64K_MAX_DATA) throw new RangeError(`bad side-band packet size ${maxData}`);
}

/**
 * `data` as side-band packets, as a list of buffers to write in order: a 5-byte header then a view
 * of `data` (no copy) per packet. Empty data gives no packets (an empty band packet would carry nothing).
 */
export function sidebandFrames(band: Band, data: Buffer | string, maxData: number = SIDEBAND_64K_MAX_DATA): Buffer[] {
  checkArgs(band, maxData);
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const out: Buffer[] = [];
  for (let pos = 0; pos < buf.length; pos += maxData) {
    const piece = buf.subarray(pos, Math.min(pos + maxData, buf.length));
    out.push(bandHeader(band, piece.length), piece);
  }
  return out;
}

/** `data` as side-band packets in one buffer, split into chunks of at most `maxData` (65515 for side-band-64k). */
export function sideband(band: Band, data: Buffer | string, maxData: number = SIDEBAND_64K_MAX_DATA): Buffer {
  return Buffer.concat(sidebandFrames(band, data, maxData));
}

/** A stream that wraps whatever goes through it into side-band packets of `band` (e.g. a pack into band 1). */
export function sidebandStream(band: Band, maxData: number = SIDEBAND_64K_MAX_DATA): Transform {
  checkArgs(band, maxData);
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
      for (const frame of sidebandFrames(band, chunk, maxData)) this.push(frame);
      cb();
    },
  });
}

export interface Demuxed {
  /** Band 1, concatenated. */
  data: Buffer;
  /** Band 2, concatenated as text. */
  progress: string;
  /** Band 3 text, or null when no band-3 packet came. */
  error: string | null;
  /** Whether a flush ended the side-band section. */
  flushed: boolean;
  /** Packets that came before the first band packet (e.g. `NAK`, `ACK …`, `packfile`), untouched. */
  preamble: Packet[];
  /** Raw bytes after the terminating flush, if any. */
  rest: Buffer;
}

/**
 * Splits a side-band response (for tests and diagnostics). Leading non-band packets are returned
 * in `preamble` when `skipPreamble` recognises them (by default: `NAK`, `ACK …`, `shallow …`,
 * `unshallow …`, section headers and delims); the side-band part runs to the first flush.
 */
export function demuxSideband(
  input: Buffer,
  opts: { skipPreamble?: (p: Packet) => boolean } = {},
): Demuxed {
  const isPreamble =
    opts.skipPreamble ??
    ((p: Packet) =>
      p.type === 'delim' ||
      (p.type === 'data' && /^(NAK|ACK |shallow |unshallow |packfile|acknowledgments|shallow-info|ready)/.test(p.payload.toString('latin1', 0, 16))));
  const reader = new PktLineReader();
  reader.push(input);
  const preamble: Packet[] = [];
  const data: Buffer[] = [];
  const progress: Buffer[] = [];
  let error: Buffer[] | null = null;
  let inBands = false;
  let flushed = false;
  for (let p = reader.read(); p; p = reader.read()) {
    if (!inBands && isPreamble(p)) {
      preamble.push(p);
      continue;
    }
    if (p.type === 'flush') {
      // A flush before any band packet still ends a preamble-only answer (e.g. "shallow …" + 0000).
      flushed = true;
      break;
    }
    if (p.type !== 'data' || p.payload.length === 0) throw new PktLineError('bad-length', `unexpected ${p.type} packet in side-band stream`);
    inBands = true;
    const band = p.payload[0];
    const body = p.payload.subarray(1);
    if (band === 1) data.push(body);
    else if (band === 2) progress.push(body);
    else if (band === 3) (error ??= []).push(body);
    else throw new PktLineError('bad-length', `bad side-band ${band}`);
  }
  return {
    data: Buffer.concat(data),
    progress: Buffer.concat(progress).toString('utf8'),
    error: error ? Buffer.concat(error).toString('utf8') : null,
    flushed,
    preamble,
    rest: reader.takeRest(),
  };
}
