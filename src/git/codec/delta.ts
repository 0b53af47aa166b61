/**
 * Git's delta format (gitformat-pack, "Deltified representation") and the OFS_DELTA base offset.
 *
 * A delta is two size varints (7 bits per byte, little-endian, high bit = more) for the source
 * and the target, then instructions:
 * - `1xxxxxxx`: copy from the source. Bits 0–3 say which of 4 offset bytes follow, bits 4–6 which
 *   of 3 size bytes follow (little-endian); a size of 0 means 0x10000.
 * - `0xxxxxxx` with x ≠ 0: insert the next x bytes of the delta.
 * - `0x00`: reserved, an error.
 */

export type DeltaErrorCode = 'truncated' | 'bad-opcode' | 'source-size' | 'target-size' | 'out-of-bounds' | 'too-large';

export class DeltaError extends Error {
  override readonly name = 'DeltaError';
  constructor(
    readonly code: DeltaErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Reads a delta size varint at `pos`. Sizes past 2^53 are refused rather than silently rounded. */
function readSize(delta: Buffer, pos: number): { value: number; pos: number } {
  let value = 0;
  let scale = 1;
  for (;;) {
    if (pos >= delta.length) throw new DeltaError('truncated', 'delta ends inside its header');
    const c = delta[pos++];
    value += (c & 0x7f) * scale;
    scale *= 128;
    if (!(c & 0x80)) return { value, pos };
    if (scale > 2 ** 49) throw new DeltaError('too-large', 'delta size varint too long');
  }
}

export interface DeltaHeader {
  sourceSize: number;
  targetSize: number;
  /** Where the instructions start. */
  offset: number;
}

/** The source and target sizes a delta declares (to check limits before applying it). */
export function readDeltaHeader(delta: Buffer): DeltaHeader {
  const s = readSize(delta, 0);
  const t = readSize(delta, s.pos);
  return { sourceSize: s.value, targetSize: t.value, offset: t.pos };
}

/**
 * Applies `delta` to `base`. Throws `DeltaError` when the declared source size is not
 * `base.length`, an instruction is malformed or reads outside the base, or the result is not
 * exactly the declared target size. `maxTargetSize` refuses a larger declared target before allocating.
 */
export function applyDelta(base: Buffer, delta: Buffer, maxTargetSize: number = Number.MAX_SAFE_INTEGER): Buffer {
  const { sourceSize, targetSize, offset } = readDeltaHeader(delta);
  if (sourceSize !== base.length) throw new DeltaError('source-size', `delta source size ${sourceSize} does not match base size ${base.length}`);
  if (targetSize > maxTargetSize) throw new DeltaError('too-large', `delta target size ${targetSize} exceeds ${maxTargetSize}`);
  const out = Buffer.allocUnsafe(targetSize);
  let outPos = 0;
  let pos = offset;
  const end = delta.length;
  while (pos < end) {
    const op = delta[pos++];
    if (op & 0x80) {
      const { copyOffset, copySize, next } = readCopy(delta, op, pos);
      pos = next;
      if (copyOffset + copySize > base.length) {
        throw new DeltaError('out-of-bounds', `delta copies ${copySize} bytes at ${copyOffset} from a ${base.length}-byte base`);
      }
      if (outPos + copySize > targetSize) throw new DeltaError('target-size', `delta writes past its declared target size ${targetSize}`);
      base.copy(out, outPos, copyOffset, copyOffset + copySize);
      outPos += copySize;
    } else if (op !== 0) {
      if (pos + op > end) throw new DeltaError('truncated', 'delta insert runs past the end of the delta');
      if (outPos + op > targetSize) throw new DeltaError('target-size', `delta writes past its declared target size ${targetSize}`);
      delta.copy(out, outPos, pos, pos + op);
      outPos += op;
      pos += op;
    } else {
      throw new DeltaError('bad-opcode', 'delta opcode 0 is reserved');
    }
  }
  if (outPos !== targetSize) throw new DeltaError('target-size', `delta produced ${outPos} bytes, declared ${targetSize}`);
  return out;
}

/** The operands of a copy opcode `op` whose operand bytes start at `pos`, and the position after them. */
function readCopy(delta: Buffer, op: number, pos: number): { copyOffset: number; copySize: number; next: number } {
  let copyOffset = 0;
  let copySize = 0;
  // Offset: up to 4 bytes (bits 0–3), size: up to 3 bytes (bits 4–6), little-endian.
  // Multiplication, not shifts: a 4th offset byte ≥ 0x80 would turn negative as an int32.
  if (op & 0x01) copyOffset = readByte(delta, pos++);
  if (op & 0x02) copyOffset += readByte(delta, pos++) * 0x100;
  if (op & 0x04) copyOffset += readByte(delta, pos++) * 0x10000;
  if (op & 0x08) copyOffset += readByte(delta, pos++) * 0x1000000;
  if (op & 0x10) copySize = readByte(delta, pos++);
  if (op & 0x20) copySize += readByte(delta, pos++) * 0x100;
  if (op & 0x40) copySize += readByte(delta, pos++) * 0x10000;
  return { copyOffset, copySize: copySize === 0 ? 0x10000 : copySize, next: pos };
}

function readByte(delta: Buffer, pos: number): number {
  if (pos >= delta.length) throw new DeltaError('truncated', 'delta ends inside a copy instruction');
  return delta[pos];
}

/**
 * The OFS_DELTA base distance (entry offset − base offset) as git writes it: big-endian 7-bit
 * groups, high bit = more, and each continuation adds one (`off = ((off + 1) << 7) | next`), so
 * there is exactly one encoding per value.
 */
export function encodeOfsOffset(distance: number): Buffer {
  if (!Number.isSafeInteger(distance) || distance < 0) throw new RangeError(`bad OFS_DELTA distance ${distance}`);
  const bytes = [distance % 128];
  let n = Math.floor(distance / 128);
  while (n > 0) {
    n -= 1;
    bytes.push(0x80 | n % 128);
    n = Math.floor(n / 128);
  }
  return Buffer.from(bytes.reverse());
}

/** Decodes an OFS_DELTA distance at `pos`; `length` is how many bytes it took. Throws `DeltaError` when truncated or too long. */
export function decodeOfsOffset(buf: Buffer, pos = 0): { distance: number; length: number } {
  let i = pos;
  if (i >= buf.length) throw new DeltaError('truncated', 'OFS_DELTA offset truncated');
  let c = buf[i++];
  let distance = c & 0x7f;
  while (c & 0x80) {
    if (i >= buf.length) throw new DeltaError('truncated', 'OFS_DELTA offset truncated');
    if (i - pos >= 8) throw new DeltaError('too-large', 'OFS_DELTA offset too long');
    c = buf[i++];
    distance = (distance + 1) * 128 + (c & 0x7f);
  }
  return { distance, length: i - pos };
}

/** A copy instruction of a delta: `length` bytes of the source at `sourceOffset` land at `targetOffset`. */
export interface DeltaCopy {
  targetOffset: number;
  sourceOffset: number;
  length: number;
}

/**
 * The copy instructions of a well-formed delta, in target order (what parts of the target are
 * known to be the same bytes as the source). Throws `DeltaError` for a malformed delta; copies
 * are not checked against a source (there is none here): use it on deltas `applyDelta` accepted
 * or `encodeDelta` wrote.
 */
export function deltaCopies(delta: Buffer): DeltaCopy[] {
  const { targetSize, offset } = readDeltaHeader(delta);
  const out: DeltaCopy[] = [];
  let outPos = 0;
  let pos = offset;
  while (pos < delta.length) {
    const op = delta[pos++];
    if (op & 0x80) {
      const { copyOffset, copySize, next } = readCopy(delta, op, pos);
      pos = next;
      const last = out[out.length - 1];
      // Adjacent copies of adjacent source bytes (a long copy split in 64 KiB pieces) become one.
      if (last && last.targetOffset + last.length === outPos && last.sourceOffset + last.length === copyOffset) last.length += copySize;
      else out.push({ targetOffset: outPos, sourceOffset: copyOffset, length: copySize });
      outPos += copySize;
    } else if (op !== 0) {
      if (pos + op > delta.length) throw new DeltaError('truncated', 'delta insert runs past the end of the delta');
      outPos += op;
      pos += op;
    } else {
      throw new DeltaError('bad-opcode', 'delta opcode 0 is reserved');
    }
  }
  if (outPos !== targetSize) throw new DeltaError('target-size', `delta produced ${outPos} bytes, declared ${targetSize}`);
  return out;
}
