import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited } from '../admin/audit/audit.interceptor';
import { AdminApi } from '../auth/auth.decorators';
import { MessageResponseDto } from '../auth/dto/auth.dto';
import { ApiErrorResponses } from '../core/errors/api-errors.decorator';
import {
  CreateFallbackSourceDto,
  FallbackCacheClearDto,
  FallbackCacheStatsDto,
  FallbackCachedRepoDto,
  FallbackEvictionDto,
  FallbackSourceDto,
  ListFallbackSourcesQueryDto,
  SourceIdParamDto,
  UpdateFallbackSourceDto,
} from './dto/fallback-sources.dto';
import { fromCreateDto, fromUpdateDto, toFallbackSourceDto } from './fallback-source.presenter';
import { FallbackSourcesService } from './fallback-sources.service';
import { FallbackCacheService } from './read-through/fallback-cache.service';
import { RepoPath, repoTypeParam } from '../admin/repositories/admin-repos.controller';
import type { RepoType } from '../repos/repo.types';


@ApiTags('admin')
@AdminApi()
@ApiErrorResponses(400, 404)
@Controller('admin/api/fallback-sources')
export class AdminFallbackSourcesController {
  constructor(
    private readonly sources: FallbackSourcesService,
    private readonly cache: FallbackCacheService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List fallback sources (highest priority first), tokens masked' })
  @ApiOkResponse({ type: [FallbackSourceDto] })
  async adminListFallbackSources(@Query() q: ListFallbackSourcesQueryDto): Promise<FallbackSourceDto[]> {
    return (await this.sources.list({ namespace: q.namespace, enabled: q.enabled })).map(toFallbackSourceDto);
  }

  @Get('cache/stats')
  @ApiOperation({ summary: 'Fallback cache figures: cached contents and bytes against HANGAR_FALLBACK_CACHE_MAX_BYTES' })
  @ApiOkResponse({ type: FallbackCacheStatsDto })
  async adminFallbackCacheStats(): Promise<FallbackCacheStatsDto> {
    const f = await this.cache.figures();
    return {
      size: f.entries,
      maxsize: f.maxBytes ?? 0,
      ttl_seconds: f.refTtlSeconds,
      usage_percent: f.maxBytes ? Math.round((f.bytes / f.maxBytes) * 10000) / 100 : 0,
      bytes: f.bytes,
      max_bytes: f.maxBytes,
    };
  }

  @Delete('cache/clear')
  @Audited('fallback_source.cache_clear')
  @ApiOperation({ summary: 'Clear the fallback cache: resolutions, metadata, and every content not pinned or being downloaded' })
  @ApiOkResponse({ type: FallbackCacheClearDto })
  async adminClearFallbackCache(): Promise<FallbackCacheClearDto> {
    const before = (await this.cache.figures()).entries;
    const gone = await this.cache.clear();
    return { success: true, message: `Fallback cache cleared: ${gone.entries} files (${gone.bytes} bytes) evicted`, old_size: before };
  }

  @Get('cache/repos')
  @ApiOperation({ summary: 'Upstream repositories with cached contents: files, bytes, pinned, last use (most recent first)' })
  @ApiOkResponse({ type: [FallbackCachedRepoDto] })
  async adminListFallbackCachedRepos(): Promise<FallbackCachedRepoDto[]> {
    return (await this.cache.listRepos()).map((r) => ({
      repo_type: r.repoType,
      repo_id: r.repoId,
      files: r.files,
      bytes: r.bytes,
      pinned: r.pinned,
      last_accessed_at: new Date(r.lastAccessedAt).toISOString(),
    }));
  }

  @Put('cache/repos/:repo_type/:namespace/:name/pin')
  @RepoPath()
  @Audited('fallback_source.cache_pin')
  @ApiOperation({ summary: 'Pin an upstream repository: eviction keeps its cached contents' })
  @ApiOkResponse({ type: MessageResponseDto })
  async adminPinFallbackRepo(@Param('repo_type', repoTypeParam) type: RepoType, @Param('namespace') namespace: string, @Param('name') name: string): Promise<MessageResponseDto> {
    await this.cache.pin(type, `${namespace}/${name}`);
    return { success: true, message: `${namespace}/${name} pinned` };
  }

  @Delete('cache/repos/:repo_type/:namespace/:name/pin')
  @RepoPath()
  @Audited('fallback_source.cache_unpin')
  @ApiOperation({ summary: 'Unpin an upstream repository (nothing to do when it is not pinned)' })
  @ApiOkResponse({ type: MessageResponseDto })
  async adminUnpinFallbackRepo(@Param('repo_type', repoTypeParam) type: RepoType, @Param('namespace') namespace: string, @Param('name') name: string): Promise<MessageResponseDto> {
    await this.cache.unpin(type, `${namespace}/${name}`);
    return { success: true, message: `${namespace}/${name} not pinned` };
  }

  @Delete('cache/repos/:repo_type/:namespace/:name')
  @RepoPath()
  @Audited('fallback_source.cache_evict')
  @ApiOperation({ summary: "Evict an upstream repository: forget its resolutions and metadata, delete its cached contents (those not pinned or being downloaded)" })
  @ApiOkResponse({ type: FallbackEvictionDto })
  async adminEvictFallbackRepo(@Param('repo_type', repoTypeParam) type: RepoType, @Param('namespace') namespace: string, @Param('name') name: string): Promise<FallbackEvictionDto> {
    const gone = await this.cache.evictRepo(type, `${namespace}/${name}`);
    return { success: true, evicted_files: gone.entries, evicted_bytes: gone.bytes };
  }

  @Post()
  @HttpCode(200)
  @Audited('fallback_source.create')
  @ApiOperation({ summary: 'Add a fallback source; its token is stored encrypted and never answered whole' })
  @ApiOkResponse({ type: FallbackSourceDto })
  async adminCreateFallbackSource(@Body() body: CreateFallbackSourceDto): Promise<FallbackSourceDto> {
    return toFallbackSourceDto(await this.sources.create(fromCreateDto(body)));
  }

  @Get(':source_id')
  @ApiOperation({ summary: 'One fallback source, token masked' })
  @ApiOkResponse({ type: FallbackSourceDto })
  async adminGetFallbackSource(@Param() p: SourceIdParamDto): Promise<FallbackSourceDto> {
    return toFallbackSourceDto(await this.sources.get(p.source_id));
  }

  @Put(':source_id')
  @Audited('fallback_source.update')
  @ApiOperation({ summary: 'Change a fallback source (fields left out keep their value; token null removes it)' })
  @ApiOkResponse({ type: FallbackSourceDto })
  async adminUpdateFallbackSource(@Param() p: SourceIdParamDto, @Body() body: UpdateFallbackSourceDto): Promise<FallbackSourceDto> {
    return toFallbackSourceDto(await this.sources.update(p.source_id, fromUpdateDto(body)));
  }

  @Delete(':source_id')
  @Audited('fallback_source.delete')
  @ApiOperation({ summary: 'Delete a fallback source' })
  @ApiOkResponse({ type: MessageResponseDto })
  async adminDeleteFallbackSource(@Param() p: SourceIdParamDto): Promise<MessageResponseDto> {
    const deleted = await this.sources.delete(p.source_id);
    return { success: true, message: `Fallback source ${deleted.name} deleted` };
  }
}
