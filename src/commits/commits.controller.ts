import { Body, Controller, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ApiErrorResponses } from '../core/errors/api-errors.decorator';
import { CurrentRepo, RepoAccess } from '../repos/access/repo-access.decorator';
import type { RepoRecord } from '../repos/repo.types';
import { CommitsService } from './commits.service';
import { CommitResponseDto, CreatePrQueryDto, PreuploadDto, PreuploadResponseDto } from './dto/commits.dto';
import { publicBaseUrl } from '../core/http/public-base-url';

@ApiTags('commits')
@ApiErrorResponses(400, 404, 409)
@Controller(['api/models', 'api/datasets', 'api/spaces'])
export class CommitsController {
  constructor(private readonly commits: CommitsService) {}

  @Post(':namespace/:repo/preupload/*revision')
  @HttpCode(200)
  @RepoAccess('write', { pullRequest: true })
  @ApiOperation({ summary: 'For each file to upload: regular or LFS, and whether the same content is already there' })
  @ApiOkResponse({ type: PreuploadResponseDto })
  preupload(@CurrentRepo() repo: RepoRecord, @Param('revision') revision: string[], @Body() body: PreuploadDto): Promise<PreuploadResponseDto> {
    return this.commits.preupload(repo, revision.join('/'), body);
  }

  @Post(':namespace/:repo/commit/*revision')
  @HttpCode(200)
  @RepoAccess('write', { pullRequest: true })
  @ApiOperation({
    summary: 'Create a commit from an NDJSON stream: a header line, then file, lfsFile, deletedFile, deletedFolder and copyFile lines',
    description:
      'A stale header.parentCommit answers 412; without it, the commit is applied on the current head. With create_pr the commit lands only on a new refs/pr/N, and anyone who may read the repository may make it.',
  })
  @ApiConsumes('application/x-ndjson')
  @ApiBody({
    schema: { type: 'string', example: '{"key":"header","value":{"summary":"Add config"}}\n{"key":"file","value":{"path":"config.json","content":"e30=","encoding":"base64"}}\n' },
  })
  @ApiOkResponse({ type: CommitResponseDto })
  createCommit(
    @CurrentPrincipal() principal: Principal,
    @CurrentRepo() repo: RepoRecord,
    @Param('revision') revision: string[],
    @Query() query: CreatePrQueryDto,
    @Req() req: Request,
  ): Promise<CommitResponseDto> {
    return this.commits.commit(principal, repo, revision.join('/'), req, query.create_pr ?? false, publicBaseUrl(req));
  }
}
