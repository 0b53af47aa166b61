import { QuotaService } from '../../quota/quota.service';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { LfsService } from '../../lfs/lfs.service';
import {
  CHUNK_FLAG_GLOBAL_DEDUP,
  computeFileHash,
  HASH_LENGTH,
  hashesEqual,
  hashToHex,
  isZeroHash,
  MAX_SHARD_BYTES,
  parseShard,
  readHash,
  shardFileSize,
  validateUploadShard,
  xetHashingReady,
  XetFormatError,
  type KnownXorb,
  type ParsedShard,
  type ShardFileInfo,
  type ShardUploadIssue,
} from '../codec';
import { XetFileReader } from '../storage/xet-file-reader';
import { XetRepository, xorbChunkHashHex, type XorbRow } from '../storage/xet.repository';
import type { XetGrant } from '../tokens/xet-token.service';
import { readCasBody } from './cas-body';
import { shardRejected } from './cas-errors';
import { XetXorbsService } from './xet-xorbs.service';

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const ISSUE_CODES: Record<ShardUploadIssue['code'], string> = {
  missing_verification: 'MissingVerification',
  unknown_xorb: 'UnknownXorb',
  chunk_range: 'InvalidShard',
  term_size: 'InvalidShard',
  verification_hash: 'VerificationHashMismatch',
  xorb_listing: 'XorbListingMismatch',
};

/** A shard file that passed every check, ready to record. */
interface CheckedFile {
  fileHash: string;
  sha256: string;
  size: number;
  file: ShardFileInfo;
}

/**
 * Shard uploads: registering files. Everything is checked against what Hangar itself stored —
 * never against the shard's own claims — before anything is recorded: every xorb the shard
 * names is stored and readable for the uploader, every term and verification hash matches the
 * stored chunk list, the file hash is the merkle hash of the file's chunks (so a file id can
 * never be bound to other bytes), and the file's bytes reassembled from the xorbs hash to the
 * sha256 the shard declares (the sha256 is what the LFS pointer in the commit will name).
 */
@Injectable()
export class XetShardsService implements OnModuleInit {
  constructor(
    private readonly xet: XetRepository,
    private readonly reader: XetFileReader,
    private readonly lfs: LfsService,
    private readonly xorbs: XetXorbsService,
    private readonly quota: QuotaService,
  ) {}

  /** File and verification hashes are computed here, on the main thread: use the fast BLAKE3. */
  onModuleInit(): Promise<void> {
    return xetHashingReady();
  }

  /** Validates and records an uploaded shard; returns the number of files it registered. */
  async uploadShard(grant: XetGrant, body: Readable & { headers: Record<string, string | string[] | undefined> }): Promise<number> {
    const shard = parse(await readCasBody(body, MAX_SHARD_BYTES));
    const stored = await this.referencedXorbs(grant, shard);
    const issues = validateUploadShard(shard, (h) => known(stored.get(hashToHex(h))));
    if (issues.length) throw shardRejected(ISSUE_CODES[issues[0].code], issues.map((i) => i.message).join('; '));
    const files: CheckedFile[] = [];
    for (const file of shard.files) files.push(await this.checkFile(file, stored));
    // The early quota check: files the repository could not commit are not registered for it.
    await this.quota.assertFits({ id: grant.repoId }, files.reduce((n, f) => n + f.size, 0));
    await this.xet.transaction(async (m) => {
      // Held until commit: the garbage collector cannot delete a xorb these files are built on.
      const still = await this.xet.lockXorbs(m, [...stored.keys()]);
      const gone = [...stored.keys()].find((h) => !still.has(h));
      if (gone) throw shardRejected('UnknownXorb', `xorb ${gone} has not been uploaded (or is not readable with this token)`);
      for (const f of files) {
        await this.xet.insertFile(m, { fileHash: f.fileHash, sha256: f.sha256, size: f.size, terms: f.file.terms });
        await this.lfs.recordXetUpload(m, grant.repoId, { sha256: f.sha256, size: f.size, xetHash: f.fileHash });
      }
      // The repository's files are built on these xorbs (some maybe found through global dedup
      // in another repository): holding them keeps them usable for this repository's next
      // uploads whatever becomes of the other one.
      for (const hash of stored.keys()) await this.xet.holdXorb(m, grant.repoId, hash);
      for (const [xorbHash, chunks] of dedupChunksOfShard(shard, stored)) await this.xet.indexDedupChunks(m, xorbHash, chunks);
    });
    return files.length;
  }

  /**
   * The stored rows of every xorb the shard names (in terms or in its CAS section). Each must be
   * stored and readable for the grant (or uploaded by its user: hf_xet never sends again a xorb
   * it remembers uploading) — unknown and unreadable answer alike — and a listed
   * xorb's chunks must be exactly the stored ones.
   */
  private async referencedXorbs(grant: XetGrant, shard: ParsedShard): Promise<Map<string, XorbRow>> {
    const hashes = [...new Set([...shard.xorbs.map((x) => hashToHex(x.xorbHash)), ...shard.files.flatMap((f) => f.terms.map((t) => hashToHex(t.xorbHash)))])];
    const [stored, readable] = await Promise.all([
      this.xet.findXorbs(hashes),
      this.xet.xorbsReadableBy(hashes, await this.xorbs.readerOf(grant)),
    ]);
    for (const h of hashes) {
      if (!stored.has(h) || !readable.has(h)) throw shardRejected('UnknownXorb', `xorb ${h} has not been uploaded (or is not readable with this token)`);
    }
    for (const x of shard.xorbs) {
      const row = stored.get(hashToHex(x.xorbHash))!;
      const same =
        x.chunks.length === row.chunkSizes.length &&
        x.chunks.every((c, i) => c.unpackedSegmentBytes === row.chunkSizes[i] && hashToHex(c.chunkHash) === xorbChunkHashHex(row, i));
      if (!same) throw shardRejected('XorbListingMismatch', `the chunks listed for xorb ${row.hash} are not the ones it holds`);
    }
    return stored;
  }

  private async checkFile(file: ShardFileInfo, stored: Map<string, XorbRow>): Promise<CheckedFile> {
    const fileHash = hashToHex(file.fileHash);
    const chunks = file.terms.flatMap((t) => {
      const x = stored.get(hashToHex(t.xorbHash))!;
      return x.chunkSizes.slice(t.chunkIndexStart, t.chunkIndexEnd).map((size, k) => ({ hash: readHash(x.chunkHashes, (t.chunkIndexStart + k) * HASH_LENGTH), size }));
    });
    if (!hashesEqual(computeFileHash(chunks), file.fileHash)) throw shardRejected('FileHashMismatch', `file ${fileHash} is not the hash of its chunks`);
    if (!file.sha256 || !file.sha256Hex) throw shardRejected('MissingSha256', `file ${fileHash} has no sha256 (metadata extension)`);
    const size = shardFileSize(file);
    // hf_xet sends an all-zero sha256 for an empty file; anything else must be the real one.
    if (size === 0 && isZeroHash(file.sha256)) return { fileHash, sha256: EMPTY_SHA256, size, file };
    const actual = await this.sha256Of(file);
    if (actual !== file.sha256Hex) throw shardRejected('Sha256Mismatch', `file ${fileHash} declares sha256 ${file.sha256Hex}, its bytes hash to ${actual}`);
    return { fileHash, sha256: actual, size, file };
  }

  /** SHA-256 of the file as reassembled from the stored xorbs (streamed, a few chunks in memory). */
  private async sha256Of(file: ShardFileInfo): Promise<string> {
    const hash = createHash('sha256');
    for await (const piece of await this.reader.open(file.terms)) hash.update(piece as Buffer);
    return hash.digest('hex');
  }
}

function parse(buf: Uint8Array): ParsedShard {
  try {
    // The spec's upload form has no footer, but @huggingface/hub sends one (the public hub takes
    // it): allowed, and ignored — only the file and CAS sections are read.
    return parseShard(buf, { footer: 'allow' });
  } catch (err) {
    if (err instanceof XetFormatError) throw shardRejected('InvalidShard', err.message);
    throw err;
  }
}

function known(x: XorbRow | undefined): KnownXorb | undefined {
  return x && { chunks: x.chunkSizes.map((size, i) => ({ chunkHash: readHash(x.chunkHashes, i * HASH_LENGTH), unpackedSegmentBytes: size })) };
}

/**
 * What a shard adds to the global dedup index, as xet-core's server does: the chunk each file
 * starts with, and the chunks the client flagged for global dedup.
 */
function dedupChunksOfShard(shard: ParsedShard, stored: Map<string, XorbRow>): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  const add = (xorbHash: string, index: number) => {
    const row = stored.get(xorbHash)!;
    if (!out.has(xorbHash)) out.set(xorbHash, new Set());
    out.get(xorbHash)!.add(xorbChunkHashHex(row, index));
  };
  for (const f of shard.files) if (f.terms.length) add(hashToHex(f.terms[0].xorbHash), f.terms[0].chunkIndexStart);
  for (const x of shard.xorbs) x.chunks.forEach((c, i) => (c.flags & CHUNK_FLAG_GLOBAL_DEDUP ? add(hashToHex(x.xorbHash), i) : undefined));
  return new Map([...out].map(([k, v]) => [k, [...v]]));
}
