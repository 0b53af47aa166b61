import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminApi } from '../../auth/auth.decorators';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { AdminCommitListDto, ListCommitsAdminQueryDto, toAdminCommit } from './admin-commits.dto';
import { AdminCommitsService } from './admin-commits.service';

@ApiTags('admin: commits')
@AdminApi()
@ApiErrorResponses(400)
@Controller('admin/api/commits')
export class AdminCommitsController {
  constructor(private readonly service: AdminCommitsService) {}

  @Get()
  @ApiOperation({ summary: 'Commits across every repository, newest first; filter by repository and author' })
  @ApiOkResponse({ type: AdminCommitListDto })
  async adminListCommits(@Query() q: ListCommitsAdminQueryDto): Promise<AdminCommitListDto> {
    const limit = q.limit ?? 100;
    const offset = q.offset ?? 0;
    const rows = await this.service.list({ repoFullId: q.repo_full_id, repoType: q.repo_type, username: q.username, sort: q.sort, order: q.order, limit, offset });
    return { commits: rows.map(toAdminCommit), limit, offset };
  }
}
