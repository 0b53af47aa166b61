import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminApi } from '../../auth/auth.decorators';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { AdminSearchDto, AdminSearchQueryDto, SEARCH_TYPES } from './admin-search.dto';
import { AdminSearchService } from './admin-search.service';

@ApiTags('admin: search')
@AdminApi()
@ApiErrorResponses(400)
@Controller('admin/api/search')
export class AdminSearchController {
  constructor(private readonly service: AdminSearchService) {}

  @Get()
  @ApiOperation({ summary: 'Users, repositories (any visibility) and commits matching a text, up to `limit` of each' })
  @ApiOkResponse({ type: AdminSearchDto })
  adminSearch(@Query() q: AdminSearchQueryDto): Promise<AdminSearchDto> {
    return this.service.search(q.q, new Set(q.types ?? SEARCH_TYPES), q.limit ?? 20);
  }
}
