import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal } from '../../auth/auth.decorators';
import type { Principal } from '../../auth/principal';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { HfErrorDto } from '../../core/errors/hf-error.dto';
import { PublicBaseUrl } from '../../core/http/public-base-url';
import { LfsService } from '../../lfs/lfs.service';
import { CurrentRepo, RepoAccess } from '../access/repo-access.decorator';
import { isPrivate } from '../dto/repos.dto';
import type { RepoRecord } from '../repo.types';
import { ReposService } from '../repos.service';
import { DuplicatedRepoDto, DuplicateRepoDto } from './repo-duplicate.dto';

@ApiTags('repositories')
@ApiErrorResponses(400, 401, 403, 404)
@Controller(['api/models', 'api/datasets', 'api/spaces'])
export class RepoDuplicateController {
  constructor(
    private readonly repos: ReposService,
    private readonly lfs: LfsService,
  ) {}

  @Post(':namespace/:repo/duplicate')
  @HttpCode(200)
  @Authenticated('write')
  @RepoAccess('files')
  @ApiOperation({ summary: 'Copy a repository with all its branches, tags and history (duplicate_repo, duplicate_space); its stored bytes count towards the new owner\'s usage' })
  @ApiOkResponse({ type: DuplicatedRepoDto })
  @ApiResponse({ status: 409, description: 'The new repository exists (X-Error-Code: RepoExists; `url` names it)', type: HfErrorDto })
  @ApiResponse({ status: 413, description: 'The copy would take the new owner past a quota (X-Error-Code: QuotaExceeded)', type: HfErrorDto })
  async duplicateRepo(
    @CurrentPrincipal() principal: Principal,
    @CurrentRepo() source: RepoRecord,
    @Body() body: DuplicateRepoDto,
    @PublicBaseUrl() baseUrl: string,
  ): Promise<DuplicatedRepoDto> {
    const copy = await this.repos.duplicate(principal, source, { id: body.repository, private: isPrivate(body) }, baseUrl, (m, from, to) => this.lfs.copyHolds(m, from, to));
    return { url: this.repos.url(baseUrl, copy), filesCopyPending: false };
  }
}
