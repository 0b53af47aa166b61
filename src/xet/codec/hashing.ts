import { blake3 } from '@noble/hashes/blake3';
import { createBLAKE3, type IHasher } from 'hash-wasm';
import { XetFormatError } from './errors';

/**
 * Xet hashes (spec: hub-docs `docs/xet/hashing.md`, reference: xet-core
 * `xet_core_structures/src/merklehash/{data_hash.rs,aggregated_hashes.rs}`).
 *
 * A hash is always held as its 32 raw bytes, in the order they appear in the BLAKE3 output and
 * on the wire inside xorbs and shards. Only its *string* form is special: see {@link hashToHex}.
 */
export type XetHash = Uint8Array;

export const HASH_LENGTH = 32;

/** BLAKE3 key of chunk hashes. */
export const DATA_KEY: Uint8Array = Uint8Array.from([
  102, 151, 245, 119, 91, 149, 80, 222, 49, 53, 203, 172, 165, 151, 24, 28, 157, 228, 33, 16, 155, 235, 43, 88, 180,
  208, 176, 75, 147, 173, 242, 41,
]);

/** BLAKE3 key of merkle internal nodes (xorb and file hashes). */
export const INTERNAL_NODE_KEY: Uint8Array = Uint8Array.from([
  1, 126, 197, 199, 165, 71, 41, 150, 253, 148, 102, 102, 180, 138, 2, 230, 93, 221, 83, 111, 55, 199, 109, 210, 248,
  99, 82, 230, 74, 83, 113, 63,
]);

/** BLAKE3 key of term verification ("range") hashes in shard file info sections. */
export const VERIFICATION_KEY: Uint8Array = Uint8Array.from([
  127, 24, 87, 214, 206, 86, 237, 102, 18, 127, 249, 19, 231, 165, 195, 243, 164, 205, 38, 213, 181, 219, 73, 230, 65,
  36, 152, 127, 40, 251, 148, 195,
]);

/** The all-zero key a file hash is finished with ("file hash key" / salt when there is none). */
export const FILE_HASH_KEY: Uint8Array = new Uint8Array(HASH_LENGTH);

/** Mean branching factor of the aggregated (variable-branching) merkle tree. */
export const MERKLE_MEAN_BRANCHING_FACTOR = 4;

/** A chunk hash is eligible for the global dedup table when `hash % 1024 == 0`. */
export const GLOBAL_DEDUP_CHUNK_MODULUS = 1024;

export function zeroHash(): XetHash {
  return new Uint8Array(HASH_LENGTH);
}

/** The all-ones hash that marks the end of a shard section ("bookend"). */
export function bookendHash(): XetHash {
  return new Uint8Array(HASH_LENGTH).fill(0xff);
}

export function isZeroHash(h: Uint8Array): boolean {
  for (let i = 0; i < HASH_LENGTH; i++) if (h[i] !== 0) return false;
  return true;
}

export function isBookendHash(h: Uint8Array): boolean {
  for (let i = 0; i < HASH_LENGTH; i++) if (h[i] !== 0xff) return false;
  return true;
}

export function hashesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A copy of the 32 hash bytes at `offset` of `buf`. */
export function readHash(buf: Uint8Array, offset: number): XetHash {
  if (offset < 0 || offset + HASH_LENGTH > buf.length) {
    throw new XetFormatError('truncated', `hash at offset ${offset} runs past the end (${buf.length} bytes)`);
  }
  return copyBytes(buf.subarray(offset, offset + HASH_LENGTH));
}

/**
 * A fresh plain `Uint8Array` copy. (`Buffer#slice` does not copy, so codec code never calls
 * `.slice` on caller-supplied bytes.)
 */
export function copyBytes(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length);
  out.set(b);
  return out;
}

function assertHash(h: Uint8Array, what = 'hash'): void {
  if (!(h instanceof Uint8Array) || h.length !== HASH_LENGTH) {
    throw new XetFormatError('invalid_hash', `${what} must be ${HASH_LENGTH} bytes`);
  }
}

const HEX = '0123456789abcdef';

/**
 * The Xet string form of a hash (`MerkleHash::hex`): the 32 bytes are four little-endian u64
 * words, each printed as 16 lowercase hex digits, most significant first. Equivalently: reverse
 * the byte order inside each 8-byte group, then hex-encode. This is the form used in API paths
 * (`/v1/xorbs/default/{hash}`, `/v1/reconstructions/{file_id}`), in `X-Xet-Hash` and in JSON.
 */
export function hashToHex(h: Uint8Array): string {
  assertHash(h);
  let out = '';
  for (let w = 0; w < 4; w++) {
    for (let i = 7; i >= 0; i--) {
      const b = h[w * 8 + i];
      out += HEX[b >>> 4] + HEX[b & 15];
    }
  }
  return out;
}

const HASH_HEX_RE = /^[0-9a-fA-F]{64}$/;

/** True when `s` is 64 hex digits (the shape of a Xet hash string). */
export function isHashHex(s: string): boolean {
  return typeof s === 'string' && HASH_HEX_RE.test(s);
}

/** Inverse of {@link hashToHex} (`MerkleHash::from_hex`); accepts either case. */
export function hexToHash(hex: string): XetHash {
  if (!isHashHex(hex)) throw new XetFormatError('invalid_hash', `not a 64-digit hex hash: ${JSON.stringify(String(hex).slice(0, 80))}`);
  const out = new Uint8Array(HASH_LENGTH);
  for (let w = 0; w < 4; w++) {
    for (let i = 0; i < 8; i++) {
      const p = w * 16 + (7 - i) * 2;
      out[w * 8 + i] = parseInt(hex.slice(p, p + 2), 16);
    }
  }
  return out;
}

/** Plain byte-order hex (no word swap), for logs and debugging of raw bytes. */
export function bytesToPlainHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

// hash-wasm's BLAKE3 runs ~20x faster than the pure-JS one, but its hashers are created
// asynchronously: until {@link xetHashingReady} resolves (and for keys it was not asked to
// prepare), the pure-JS implementation answers. Both give the same bytes.
const wasmHashers = new Map<string, IHasher>();

/**
 * Prepares the fast BLAKE3 backend for the protocol's fixed keys (and `extraKeys`). Optional:
 * every hash is correct before it resolves, only slower.
 */
export async function xetHashingReady(extraKeys: readonly Uint8Array[] = []): Promise<void> {
  for (const key of [DATA_KEY, INTERNAL_NODE_KEY, VERIFICATION_KEY, FILE_HASH_KEY, ...extraKeys]) {
    const id = bytesToPlainHex(key);
    if (!wasmHashers.has(id)) wasmHashers.set(id, await createBLAKE3(256, key));
  }
}

/** BLAKE3 keyed hash (32-byte key, 32-byte output). The single place the BLAKE3 backend is used. */
export function keyedHash(key: Uint8Array, data: Uint8Array): XetHash {
  const hasher = wasmHashers.get(bytesToPlainHex(key));
  if (!hasher) return blake3(data, { key });
  hasher.init();
  hasher.update(data);
  return hasher.digest('binary');
}

/** Chunk hash: BLAKE3 keyed with {@link DATA_KEY} over the chunk's uncompressed bytes. */
export function computeChunkHash(data: Uint8Array): XetHash {
  return keyedHash(DATA_KEY, data);
}

/** `hash % n` as xet-core computes it: the last u64 word (bytes 24..32, little-endian) modulo n. */
export function hashMod(h: Uint8Array, n: number): number {
  if (!Number.isInteger(n) || n <= 0) throw new XetFormatError('invalid_argument', `bad modulus ${n}`);
  const lo = (h[24] | (h[25] << 8) | (h[26] << 16) | (h[27] << 24)) >>> 0;
  const hi = (h[28] | (h[29] << 8) | (h[30] << 16) | (h[31] << 24)) >>> 0;
  if (n <= 1 << 20) {
    // (hi * 2^32 + lo) mod n without leaving exact double range.
    const twoTo32ModN = 4294967296 % n;
    return ((hi % n) * twoTo32ModN + (lo % n)) % n;
  }
  return Number(((BigInt(hi) << 32n) | BigInt(lo)) % BigInt(n));
}

/** Whether a chunk hash is eligible for global dedup (`hash % 1024 == 0`). */
export function isGlobalDedupEligible(chunkHash: Uint8Array): boolean {
  return hashMod(chunkHash, GLOBAL_DEDUP_CHUNK_MODULUS) === 0;
}

/** A leaf or node of the aggregated merkle tree: a hash and the number of bytes it covers. */
export interface HashAndSize {
  hash: XetHash;
  size: number;
}

const textEncoder = new TextEncoder();

/**
 * Internal node hash: BLAKE3 keyed with {@link INTERNAL_NODE_KEY} over the text
 * `"{hash hex} : {size}\n"` for every child in order. Returns the node (hash, summed size).
 */
export function internalNodeHash(children: readonly HashAndSize[]): HashAndSize {
  let text = '';
  let total = 0;
  for (const c of children) {
    assertHash(c.hash, 'child hash');
    text += `${hashToHex(c.hash)} : ${c.size}\n`;
    total += c.size;
  }
  return { hash: keyedHash(INTERNAL_NODE_KEY, textEncoder.encode(text)), size: total };
}

/**
 * Where the next group of siblings ends (exclusive, relative to `start`), per xet-core's
 * `next_merge_cut`: groups hold 2..=9 nodes; within that window the group ends right after the
 * first node, from the third on, whose hash is 0 mod 4; otherwise after 9 nodes (or the end).
 */
function nextMergeCut(nodes: readonly HashAndSize[], start: number): number {
  const remaining = nodes.length - start;
  if (remaining <= 2) return remaining;
  const end = Math.min(2 * MERKLE_MEAN_BRANCHING_FACTOR + 1, remaining);
  for (let i = 2; i < end; i++) {
    if (hashMod(nodes[start + i].hash, MERKLE_MEAN_BRANCHING_FACTOR) === 0) return i + 1;
  }
  return end;
}

/** Root of the aggregated merkle tree over `leaves`; the zero hash when there are none. */
export function aggregatedHash(leaves: readonly HashAndSize[]): XetHash {
  if (leaves.length === 0) return zeroHash();
  let level: HashAndSize[] = leaves.slice();
  while (level.length > 1) {
    const next: HashAndSize[] = [];
    let i = 0;
    while (i < level.length) {
      const cut = i + nextMergeCut(level, i);
      next.push(internalNodeHash(level.slice(i, cut)));
      i = cut;
    }
    level = next;
  }
  return copyBytes(level[0].hash);
}

/** Xorb hash: the aggregated merkle root of the xorb's (chunk hash, uncompressed size) list. */
export function computeXorbHash(chunks: readonly HashAndSize[]): XetHash {
  return aggregatedHash(chunks);
}

/** `MerkleHash::hmac`: BLAKE3 keyed with `key` over the 32 bytes of `h`. */
export function hmacHash(h: Uint8Array, key: Uint8Array): XetHash {
  assertHash(h);
  assertHash(key, 'key');
  return keyedHash(key, h);
}

/**
 * File hash (the Xet file id): the aggregated merkle root of the file's chunks, then keyed-hashed
 * with `salt` (all zeros by default). An empty file hashes to the zero hash.
 */
export function computeFileHash(chunks: readonly HashAndSize[], salt: Uint8Array = FILE_HASH_KEY): XetHash {
  if (chunks.length === 0) return zeroHash();
  return hmacHash(aggregatedHash(chunks), salt);
}

/**
 * Term verification hash for a shard `FileVerificationEntry`: BLAKE3 keyed with
 * {@link VERIFICATION_KEY} over the raw bytes of the chunk hashes in the term's range, in order.
 */
export function computeVerificationHash(chunkHashes: readonly Uint8Array[]): XetHash {
  const buf = new Uint8Array(chunkHashes.length * HASH_LENGTH);
  chunkHashes.forEach((h, i) => {
    assertHash(h, 'chunk hash');
    buf.set(h, i * HASH_LENGTH);
  });
  return keyedHash(VERIFICATION_KEY, buf);
}

/**
 * The shard `FileMetadataExt.sha256` bytes for a SHA-256 digest. xet-core stores the digest as
 * `DataHash::from_be_bytes`, i.e. so that {@link hashToHex} of the stored bytes is the usual
 * SHA-256 hex string; accepts the 32-byte digest or its hex.
 */
export function sha256ToXetHash(sha256: Uint8Array | string): XetHash {
  const hex = typeof sha256 === 'string' ? sha256 : bytesToPlainHex(sha256);
  if (typeof sha256 !== 'string') assertHash(sha256, 'sha256');
  return hexToHash(hex.toLowerCase());
}

/** The usual SHA-256 hex string of a stored `FileMetadataExt.sha256`. */
export function xetHashToSha256Hex(h: Uint8Array): string {
  return hashToHex(h);
}
