import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AdminApi } from '../../auth/auth.decorators';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { RepoGrantsService } from '../../repos/access/repo-grants.service';
import { toGrantsResponse } from '../../repos/controllers/access.presenters';
import { RepoGrantDto, RepoGrantsResponseDto } from '../../repos/dto/access.dto';
import { OkResponseDto } from '../../repos/dto/repos.dto';
import { REPO_TYPES, type RepoType } from '../../repos/repo.types';
import { Audited } from '../audit/audit.interceptor';
import { repoTypeParam } from './admin-repos.controller';

const typeParam = repoTypeParam;

/** The admin API's side of per-repository grants: the same rules, on any repository. */
@ApiTags('admin: repositories')
@AdminApi()
@ApiErrorResponses(400, 404)
@ApiParam({ name: 'type', enum: REPO_TYPES })
@ApiParam({ name: 'namespace', example: 'alice' })
@ApiParam({ name: 'name', example: 'my-model' })
@Controller('admin/api/repositories/:type/:namespace/:name/access')
export class AdminRepoAccessController {
  constructor(private readonly grants: RepoGrantsService) {}

  @Get()
  @ApiOperation({ summary: 'Users granted read, write or admin on a repository' })
  @ApiOkResponse({ type: RepoGrantsResponseDto })
  async adminListRepoGrants(@Param('type', typeParam) type: RepoType, @Param('namespace') namespace: string, @Param('name') name: string): Promise<RepoGrantsResponseDto> {
    return toGrantsResponse(await this.grants.list(await this.grants.findForAdminApi(type, namespace, name)));
  }

  @Post()
  @HttpCode(200)
  @Audited('repo.grant')
  @ApiOperation({ summary: 'Grant (or change) a user’s role on a repository' })
  @ApiOkResponse({ type: OkResponseDto })
  async adminGrantRepoAccess(@Param('type', typeParam) type: RepoType, @Param('namespace') namespace: string, @Param('name') name: string, @Body() body: RepoGrantDto): Promise<OkResponseDto> {
    await this.grants.grant(await this.grants.findForAdminApi(type, namespace, name), body.username, body.role);
    return { success: true };
  }

  @Delete(':username')
  @Audited('repo.revoke')
  @ApiParam({ name: 'username', example: 'bob' })
  @ApiOperation({ summary: 'Revoke a user’s grant on a repository' })
  @ApiOkResponse({ type: OkResponseDto })
  async adminRevokeRepoAccess(@Param('type', typeParam) type: RepoType, @Param('namespace') namespace: string, @Param('name') name: string, @Param('username') username: string): Promise<OkResponseDto> {
    await this.grants.revoke(await this.grants.findForAdminApi(type, namespace, name), username);
    return { success: true };
  }
}
