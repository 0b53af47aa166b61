import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { CurrentRepo, RepoAccess } from '../access/repo-access.decorator';
import { RepoGrantsService } from '../access/repo-grants.service';
import { RepoGrantDto, RepoGrantsResponseDto } from '../dto/access.dto';
import { OkResponseDto } from '../dto/repos.dto';
import type { RepoRecord } from '../repo.types';
import { toGrantsResponse } from './access.presenters';

/** Per-repository grants, managed by the repository's admins. */
@ApiTags('access')
@ApiErrorResponses(400, 403, 404)
@Controller(['api/models', 'api/datasets', 'api/spaces'])
export class RepoGrantsController {
  constructor(private readonly grants: RepoGrantsService) {}

  @Get(':namespace/:repo/access')
  @RepoAccess('admin')
  @ApiOperation({ summary: 'Users granted read, write or admin on this repository' })
  @ApiOkResponse({ type: RepoGrantsResponseDto })
  async listRepoGrants(@CurrentRepo() repo: RepoRecord): Promise<RepoGrantsResponseDto> {
    return toGrantsResponse(await this.grants.list(repo));
  }

  @Post(':namespace/:repo/access')
  @HttpCode(200)
  @RepoAccess('admin')
  @ApiOperation({ summary: 'Grant (or change) a user’s role on this repository' })
  @ApiOkResponse({ type: OkResponseDto })
  async grantRepoAccess(@CurrentRepo() repo: RepoRecord, @Body() body: RepoGrantDto): Promise<OkResponseDto> {
    await this.grants.grant(repo, body.username, body.role);
    return { success: true };
  }

  @Delete(':namespace/:repo/access/:username')
  @RepoAccess('admin')
  @ApiParam({ name: 'username', example: 'bob' })
  @ApiOperation({ summary: 'Revoke a user’s grant on this repository (effective on their next request)' })
  @ApiOkResponse({ type: OkResponseDto })
  async revokeRepoAccess(@CurrentRepo() repo: RepoRecord, @Param('username') username: string): Promise<OkResponseDto> {
    await this.grants.revoke(repo, username);
    return { success: true };
  }
}
