import { Controller, Get, Header, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { OptionalPrincipal } from '../../auth/auth.decorators';
import type { Principal } from '../../auth/principal';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { CurrentRepo, RepoAccess } from '../../repos/access/repo-access.decorator';
import type { RepoRecord } from '../../repos/repo.types';
import { XetTokenDto } from './xet-token.dto';
import { XetTokenService, type XetOperation } from './xet-token.service';
import { DownloadRecorder } from '../../stats/downloads/download-recorder';
import { PublicBaseUrl } from '../../core/http/public-base-url';

/**
 * CAS access tokens for one repository. huggingface_hub reads the answer from the `X-Xet-*`
 * headers, @huggingface/hub from the JSON body: both carry it.
 */
@ApiTags('xet')
@ApiErrorResponses(401, 403, 404)
@Controller(['api/models', 'api/datasets', 'api/spaces'])
export class XetTokenController {
  constructor(
    private readonly tokens: XetTokenService,
    private readonly downloads: DownloadRecorder,
  ) {}

  @Get(':namespace/:repo/xet-write-token/*revision')
  @RepoAccess('write', { pullRequest: true })
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'A short-lived CAS token to upload xorbs and shards for this repository' })
  @ApiQuery({ name: 'create_pr', required: false, description: 'The upload is for a pull request: anyone who may read the repository may make one' })
  @ApiOkResponse({ type: XetTokenDto })
  xetWriteToken(@OptionalPrincipal() principal: Principal | null, @CurrentRepo() repo: RepoRecord, @Param('revision') _revision: string[], @Res({ passthrough: true }) res: Response, @PublicBaseUrl() baseUrl: string): XetTokenDto {
    return this.answer(res, principal, repo, 'write', baseUrl);
  }

  @Get(':namespace/:repo/xet-read-token/*revision')
  @RepoAccess('files')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'A short-lived CAS token to download this repository’s Xet files (the resolve `xet-auth` link)' })
  @ApiOkResponse({ type: XetTokenDto })
  xetReadToken(
    @OptionalPrincipal() principal: Principal | null,
    @CurrentRepo() repo: RepoRecord,
    @Param('revision') _revision: string[],
    @Query('create_pr') _createPr: string | undefined,
    @Res({ passthrough: true }) res: Response,
    @PublicBaseUrl() baseUrl: string,
  ): XetTokenDto {
    // hf_xet fetches a read token before reconstructing files; reconstructions name no repository.
    this.downloads.record(res.req, repo);
    return this.answer(res, principal, repo, 'read', baseUrl);
  }

  private answer(res: Response, principal: Principal | null, repo: RepoRecord, op: XetOperation, baseUrl: string): XetTokenDto {
    const t = this.tokens.issue(principal, repo.id, op, baseUrl);
    res.setHeader('X-Xet-Cas-Url', t.casUrl);
    res.setHeader('X-Xet-Access-Token', t.accessToken);
    res.setHeader('X-Xet-Token-Expiration', String(t.exp));
    return t;
  }
}
