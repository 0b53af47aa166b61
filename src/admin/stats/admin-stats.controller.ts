import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminApi } from '../../auth/auth.decorators';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { BasicStatsDto, DetailedStatsDto, TimeseriesDto, TimeseriesQueryDto, TopReposDto, TopReposQueryDto } from './admin-stats.dto';
import { AdminStatsService } from './admin-stats.service';

@ApiTags('admin: stats')
@AdminApi()
@ApiErrorResponses(400)
@Controller('admin/api/stats')
export class AdminStatsController {
  constructor(private readonly service: AdminStatsService) {}

  @Get()
  @ApiOperation({ summary: 'Users, organizations and repositories (private and public)' })
  @ApiOkResponse({ type: BasicStatsDto })
  adminStats(): Promise<BasicStatsDto> {
    return this.service.basic();
  }

  @Get('detailed')
  @ApiOperation({ summary: 'Accounts, repositories by type, commits and top contributors, LFS objects, storage charged' })
  @ApiOkResponse({ type: DetailedStatsDto })
  adminStatsDetailed(): Promise<DetailedStatsDto> {
    return this.service.detailed();
  }

  @Get('timeseries')
  @ApiOperation({ summary: 'Per UTC day of the last `days` days (≤ 365): repositories created by type, commits, new users' })
  @ApiOkResponse({ type: TimeseriesDto })
  adminStatsTimeseries(@Query() q: TimeseriesQueryDto): Promise<TimeseriesDto> {
    return this.service.timeseries(q.days ?? 30);
  }

  @Get('top-repos')
  @ApiOperation({ summary: 'Repositories with the most commits, or the most bytes charged' })
  @ApiOkResponse({ type: TopReposDto })
  adminStatsTopRepos(@Query() q: TopReposQueryDto): Promise<TopReposDto> {
    return this.service.topRepos(q.by ?? 'commits', q.limit ?? 10);
  }
}
