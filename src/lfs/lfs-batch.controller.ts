import { Body, Controller, Headers, HttpCode, Post, Res } from '@nestjs/common';
import { ApiConsumes, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { OptionalPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ApiErrorResponses } from '../core/errors/api-errors.decorator';
import { DomainError } from '../core/errors/domain-error';
import { CurrentRepo, RepoAccess } from '../repos/access/repo-access.decorator';
import { repoId, type RepoRecord } from '../repos/repo.types';
import { BatchRequestDto, BatchResponseDto } from './dto/batch.dto';
import { LfsService } from './lfs.service';
import { PublicBaseUrl } from '../core/http/public-base-url';
import { DownloadRecorder } from '../stats/downloads/download-recorder';

const LFS_MEDIA_TYPE = 'application/vnd.git-lfs+json';

@ApiTags('lfs')
@ApiErrorResponses(401, 404, 422)
@Controller(['', 'datasets', 'spaces'])
export class LfsBatchController {
  constructor(
    private readonly lfs: LfsService,
    private readonly downloads: DownloadRecorder,
  ) {}

  @Post(':namespace/:repo.git/info/lfs/objects/batch')
  @HttpCode(200)
  @RepoAccess('read', { challenge: 'lfs' })
  @ApiConsumes(LFS_MEDIA_TYPE, 'application/json')
  @ApiProduces(LFS_MEDIA_TYPE)
  @ApiOperation({
    summary: 'git-lfs batch API: upload (basic, or HF multipart when listed in transfers) and download actions',
    description: 'Objects the caller may already read get no upload actions (the client skips them). Per-object errors (404, 422) keep the 200.',
  })
  @ApiOkResponse({ type: BatchResponseDto })
  async lfsBatch(
    @OptionalPrincipal() principal: Principal | null,
    @CurrentRepo() repo: RepoRecord,
    @Headers('accept') accept: string | undefined,
    @Body() body: BatchRequestDto,
    @Res({ passthrough: true }) res: Response,
    @PublicBaseUrl() baseUrl: string,
  ): Promise<BatchResponseDto> {
    if (accept && !/application\/vnd\.git-lfs\+json|application\/json|\*\/\*/.test(accept)) {
      throw new DomainError(406, 'NotAcceptable', `Accept must allow ${LFS_MEDIA_TYPE}`);
    }
    res.type(LFS_MEDIA_TYPE);
    if (body.operation === 'download') this.downloads.record(res.req, repo);
    return this.lfs.batch(principal, repo, repoId(repo), body, baseUrl);
  }
}
