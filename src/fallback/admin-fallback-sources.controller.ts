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
  FallbackSourceDto,
  ListFallbackSourcesQueryDto,
  SourceIdParamDto,
  UpdateFallbackSourceDto,
} from './dto/fallback-sources.dto';
import { fromCreateDto, fromUpdateDto, toFallbackSourceDto } from './fallback-source.presenter';
import { FallbackSourcesService } from './fallback-sources.service';

const NO_CACHE_YET =
  'Hangar does not read through to fallback sources yet (issue 18), so there is no fallback cache: these figures are zeros because nothing is cached, not because a cache is empty.';

@ApiTags('admin')
@AdminApi()
@ApiErrorResponses(400, 404)
@Controller('admin/api/fallback-sources')
export class AdminFallbackSourcesController {
  constructor(private readonly sources: FallbackSourcesService) {}

  @Get()
  @ApiOperation({ summary: 'List fallback sources (highest priority first), tokens masked' })
  @ApiOkResponse({ type: [FallbackSourceDto] })
  async adminListFallbackSources(@Query() q: ListFallbackSourcesQueryDto): Promise<FallbackSourceDto[]> {
    return (await this.sources.list({ namespace: q.namespace, enabled: q.enabled })).map(toFallbackSourceDto);
  }

  @Get('cache/stats')
  @ApiOperation({ summary: 'Fallback cache figures', description: NO_CACHE_YET })
  @ApiOkResponse({ type: FallbackCacheStatsDto })
  adminFallbackCacheStats(): FallbackCacheStatsDto {
    return { size: 0, maxsize: 0, ttl_seconds: 0, usage_percent: 0 };
  }

  @Delete('cache/clear')
  @Audited('fallback_source.cache_clear')
  @ApiOperation({ summary: 'Clear the fallback cache', description: NO_CACHE_YET })
  @ApiOkResponse({ type: FallbackCacheClearDto })
  adminClearFallbackCache(): FallbackCacheClearDto {
    return { success: true, message: 'No fallback cache yet: nothing to clear', old_size: 0 };
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
