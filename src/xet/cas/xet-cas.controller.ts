import { Controller, Get, HttpCode, Param, Post, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { ApiBusyResponse, ConcurrencyLimits } from '../../core/http/concurrency-limits';
import { CurrentXetGrant, XetCasAuth } from '../tokens/xet-cas-auth';
import type { XetGrant } from '../tokens/xet-token.service';
import { UploadShardResponseDto, UploadXorbResponseDto } from './xet-cas.dto';
import { XetShardsService } from './xet-shards.service';
import { XetXorbsService } from './xet-xorbs.service';

const BINARY = { schema: { type: 'string', format: 'binary' } } as const;
const HASH_PARAM = { name: 'hash', description: 'Xet hash string (64 hex digits, word-swapped as xet-core prints it)' };

/**
 * The CAS upload endpoints, at the root of `casUrl` (Hangar itself), authenticated by the Xet
 * token of `xet-write-token` / `xet-read-token`. Paths and answers are xet-core's: the client
 * (hf_xet, @huggingface/hub) is the authority, not HF error conventions, except for error bodies.
 */
@ApiTags('xet')
@ApiErrorResponses(400, 403)
@Controller()
export class XetCasController {
  constructor(
    private readonly xorbs: XetXorbsService,
    private readonly shards: XetShardsService,
    private readonly limits: ConcurrencyLimits,
  ) {}

  @Post('v1/xorbs/default/:hash')
  @HttpCode(200)
  @XetCasAuth('write')
  @ApiOperation({ summary: 'Upload a serialized xorb; it is decompressed and hashed, and stored once' })
  @ApiParam(HASH_PARAM)
  @ApiConsumes('application/octet-stream')
  @ApiBody(BINARY)
  @ApiOkResponse({ type: UploadXorbResponseDto })
  @ApiErrorResponses(413)
  async uploadXorb(@CurrentXetGrant() grant: XetGrant, @Param('hash') hash: string, @Req() req: Request): Promise<UploadXorbResponseDto> {
    return { was_inserted: await this.xorbs.uploadXorb(grant, hash, req) };
  }

  @Post('v1/shards')
  @HttpCode(200)
  @XetCasAuth('write')
  @ApiOperation({ summary: 'Upload a shard: register its files (checked against the stored xorbs) as LFS objects of the repository' })
  @ApiConsumes('application/octet-stream')
  @ApiBody(BINARY)
  @ApiOkResponse({ type: UploadShardResponseDto })
  @ApiErrorResponses(413)
  @ApiBusyResponse('HANGAR_LIMIT_XET_VERIFICATIONS')
  async uploadShardV1(@CurrentXetGrant() grant: XetGrant, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<UploadShardResponseDto> {
    this.limits.enter('xetVerifications', res);
    return { result: (await this.shards.uploadShard(grant, req)) > 0 ? 1 : 0 };
  }

  @Post('v2/shards')
  @HttpCode(200)
  @XetCasAuth('write')
  @ApiOperation({
    summary: 'Upload a shard, answered as NDJSON progress events ending in {"type":"result"}',
    description: 'Same checks as /v1/shards. They all run before the answer starts, so a rejected shard is a 4xx (never an in-stream error event).',
  })
  @ApiConsumes('application/octet-stream')
  @ApiBody(BINARY)
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({ description: 'NDJSON: validating, committing, then {"type":"result","result":0|1}', schema: { type: 'string' } })
  @ApiErrorResponses(413)
  @ApiBusyResponse('HANGAR_LIMIT_XET_VERIFICATIONS')
  async uploadShardV2(@CurrentXetGrant() grant: XetGrant, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<string> {
    this.limits.enter('xetVerifications', res);
    const files = await this.shards.uploadShard(grant, req);
    // Set here, not with @Header: those also go on error answers, whose JSON body must say so.
    res.setHeader('Content-Type', 'application/x-ndjson');
    res.setHeader('Cache-Control', 'no-cache');
    const events = [
      { type: 'validating', verified: files, total: files },
      { type: 'committing', stage: 'uploading' },
      { type: 'committing', stage: 'syncing' },
      { type: 'result', result: files > 0 ? 1 : 0 },
    ];
    return events.map((e) => JSON.stringify(e) + '\n').join('');
  }

  @Get('v1/chunks/default/:hash')
  @XetCasAuth('read')
  @ApiOperation({ summary: 'Global dedup: a shard listing the chunks of the xorb holding this chunk (404 if unknown or not readable)' })
  @ApiParam(HASH_PARAM)
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: 'Shard (with footer, no files)', ...BINARY })
  @ApiErrorResponses(404)
  async dedupChunk(@CurrentXetGrant() grant: XetGrant, @Param('hash') hash: string): Promise<StreamableFile> {
    return new StreamableFile(await this.xorbs.dedupShard(grant, hash), { type: 'application/octet-stream' });
  }

  @Get('v1/chunks/default-merkledb/:hash')
  @XetCasAuth('read')
  @ApiOperation({ summary: 'Global dedup under the prefix the specification names (same answer as /v1/chunks/default/{hash})' })
  @ApiParam(HASH_PARAM)
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: 'Shard (with footer, no files)', ...BINARY })
  @ApiErrorResponses(404)
  async dedupChunkMerkledb(@CurrentXetGrant() grant: XetGrant, @Param('hash') hash: string): Promise<StreamableFile> {
    return this.dedupChunk(grant, hash);
  }
}
