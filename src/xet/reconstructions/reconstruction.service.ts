import { Inject, Injectable } from '@nestjs/common';
import type { HangarConfig } from '../../core/config/config';
import { InjectConfig } from '../../core/config/config.module';
import { BadRequestError, NotFoundError } from '../../core/errors/domain-error';
import { OBJECT_STORE, type ObjectStore } from '../../core/storage/object-store';
import { RangeNotSatisfiableError } from '../../core/storage/storage-errors';
import { LfsService } from '../../lfs/lfs.service';
import { isHashHex, parseRangeHeader, toReconstructionResponseV1, toReconstructionResponseV2, XetFormatError, type FileByteRange, type ReconstructionPlan } from '../codec';
import { XetFileReader } from '../storage/xet-file-reader';
import { XetRepository, type XorbRow } from '../storage/xet.repository';
import type { XetGrant } from '../tokens/xet-token.service';
import type { ReconstructionV1Dto, ReconstructionV2Dto } from './reconstruction.dto';

/**
 * Signed xorb URLs carry one byte range each: S3 presigned GETs and Hangar's fs storage route
 * answer a single range, not multipart/byteranges. hf_xet (by default) and @huggingface/hub fetch
 * one range per request anyway when an entry lists one.
 */
const RANGES_PER_FETCH = 1;

/**
 * `GET /v1|v2/reconstructions/{file}`: which chunks of which xorbs make a file (or a byte range
 * of it), with signed, Range-capable URLs to the xorbs in the object store. A token sees only the
 * files its repository holds; any other hash is the same 404 as an unknown one.
 */
@Injectable()
export class XetReconstructionService {
  constructor(
    @InjectConfig() private readonly config: HangarConfig,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    private readonly xet: XetRepository,
    private readonly reader: XetFileReader,
    private readonly lfs: LfsService,
  ) {}

  async v1(grant: XetGrant, fileHash: string, rangeHeader: string | undefined, baseUrl: string): Promise<ReconstructionV1Dto> {
    const { plan, urls } = await this.prepare(grant, fileHash, rangeHeader, baseUrl);
    return toReconstructionResponseV1(plan, (hex) => urls.get(hex)!);
  }

  async v2(grant: XetGrant, fileHash: string, rangeHeader: string | undefined, baseUrl: string): Promise<ReconstructionV2Dto> {
    const { plan, urls } = await this.prepare(grant, fileHash, rangeHeader, baseUrl);
    return toReconstructionResponseV2(plan, (hex) => urls.get(hex)!, RANGES_PER_FETCH);
  }

  private async prepare(grant: XetGrant, fileHash: string, rangeHeader: string | undefined, baseUrl: string): Promise<{ plan: ReconstructionPlan; urls: Map<string, string> }> {
    if (!isHashHex(fileHash)) throw new BadRequestError('The file id must be a Xet hash (64 hex digits)', 'InvalidXetHash');
    const hash = fileHash.toLowerCase();
    const file = (await this.lfs.xetFileVisible(grant.repoId, hash, grant.op)) ? await this.xet.findFile(hash) : null;
    if (!file) throw new NotFoundError('No such file in this repository', 'XetFileNotFound');
    const { plan, xorbs } = await this.reader.plan(file.terms, byteRange(rangeHeader, file.size));
    return { plan, urls: await this.signedXorbUrls([...plan.fetches.keys()], xorbs, baseUrl) };
  }

  /** One URL per xorb (it grants the whole object; the plan says which bytes to ask for). */
  private async signedXorbUrls(hashes: string[], xorbs: Map<string, XorbRow>, baseUrl: string): Promise<Map<string, string>> {
    const expiresInSeconds = this.config.storage.signedUrlTtlSeconds;
    const urls = await Promise.all(hashes.map((h) => this.store.signedUrl(xorbs.get(h)!.storageKey, 'GET', { expiresInSeconds, baseUrl })));
    return new Map(hashes.map((h, i) => [h, urls[i]]));
  }
}

/** The file range a reconstruction `Range` header asks for; 416 past the end, 400 when malformed. */
function byteRange(header: string | undefined, fileSize: number): FileByteRange {
  try {
    return parseRangeHeader(header, fileSize);
  } catch (e) {
    if (!(e instanceof XetFormatError)) throw e;
    if (e.code === 'range_not_satisfiable') throw new RangeNotSatisfiableError(e.message);
    throw new BadRequestError(e.message, 'InvalidRange');
  }
}
