import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OptionalAuth, OptionalPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ApiErrorResponses } from '../core/errors/api-errors.decorator';
import { CurrentRepo, RepoAccess } from '../repos/access/repo-access.decorator';
import type { RepoRecord } from '../repos/repo.types';
import { RecentStatsDto, RecentStatsQueryDto, RepoStatsDto, TrendingDto, TrendingQueryDto } from './stats.dto';
import { StatsService } from './stats.service';

@ApiTags('stats')
@ApiErrorResponses(400, 404)
@Controller(['api/models', 'api/datasets', 'api/spaces'])
export class RepoStatsController {
  constructor(private readonly stats: StatsService) {}

  @Get(':namespace/:repo/stats')
  @RepoAccess('read')
  @ApiOperation({ summary: 'Downloads (30 days and all time), likes and trending score of a repository' })
  @ApiOkResponse({ type: RepoStatsDto })
  repoStats(@CurrentRepo() repo: RepoRecord): RepoStatsDto {
    return this.stats.repoStats(repo);
  }

  @Get(':namespace/:repo/stats/recent')
  @RepoAccess('read')
  @ApiOperation({ summary: 'Daily downloads of the last `days` days (default 30), from the daily rollup' })
  @ApiOkResponse({ type: RecentStatsDto })
  recentStats(@CurrentRepo() repo: RepoRecord, @Query() q: RecentStatsQueryDto): Promise<RecentStatsDto> {
    return this.stats.recent(repo, q.days ?? 30);
  }
}

@ApiTags('stats')
@ApiErrorResponses(400)
@Controller('api/trending')
export class TrendingController {
  constructor(private readonly stats: StatsService) {}

  @Get()
  @OptionalAuth()
  @ApiOperation({ summary: 'Trending repositories by the score the daily rollup keeps' })
  @ApiOkResponse({ type: TrendingDto })
  trending(@OptionalPrincipal() principal: Principal | null, @Query() q: TrendingQueryDto): Promise<TrendingDto> {
    return this.stats.trending(principal, q.repo_type ?? 'model', q.days ?? 7, q.limit ?? 20);
  }
}
