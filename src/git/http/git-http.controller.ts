import { Controller, Get, Headers, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, OptionalPrincipal } from '../../auth/auth.decorators';
import type { Principal } from '../../auth/principal';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { DomainError } from '../../core/errors/domain-error';
import { ApiBusyResponse, ConcurrencyLimits } from '../../core/http/concurrency-limits';
import { CurrentRepo, RepoAccess } from '../../repos/access/repo-access.decorator';
import type { RepoRecord } from '../../repos/repo.types';
import { PktLineError } from '../codec/pktline';
import { GitProtocolError, isGitService, wantsProtocolV2 } from './protocol';
import { ReceivePackService } from './receive-pack.service';
import { assertContentType, decodedBody, readBody, sendGitStream } from './request-body';
import { UploadPackService } from './upload-pack.service';
import { DownloadRecorder } from '../../stats/downloads/download-recorder';

/** An upload-pack request is wants, haves and a few options; git sends a few hundred haves at most per round. */
const MAX_UPLOAD_REQUEST_BYTES = 32 * 1024 * 1024;

const BINARY = { type: 'string', format: 'binary' } as const;
const GIT_PROTOCOL_HEADER = { name: 'Git-Protocol', required: false, description: '`version=2` selects protocol v2 (upload-pack only)' };

/** Malformed protocol input is the client's fault: 400, nothing changed. */
async function protocol<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof GitProtocolError || err instanceof PktLineError) throw new DomainError(400, 'GitProtocolError', `Malformed git request: ${err.message}`);
    throw err;
  }
}

/**
 * git over smart HTTP (clone, fetch, pull, push) at the URLs of the public hub:
 * `/{ns}/{name}`, `/datasets/{ns}/{name}`, `/spaces/{ns}/{name}`, with or without `.git`.
 * The `.git` routes come first: `:repo` alone would also match `name.git`.
 */
@ApiTags('git')
@ApiSecurity('basic')
@ApiErrorResponses(400, 401, 403, 404, 413, 415)
@Controller(['', 'datasets', 'spaces'])
export class GitHttpController {
  constructor(
    private readonly uploadPack: UploadPackService,
    private readonly downloads: DownloadRecorder,
    private readonly receivePack: ReceivePackService,
    private readonly limits: ConcurrencyLimits,
  ) {}

  @Get(':namespace/:repo.git/info/refs')
  @RepoAccess('files', { challenge: 'git' })
  @ApiOperation({ summary: 'git ref discovery (smart HTTP; `.git` form of the URL)' })
  @ApiQuery({ name: 'service', enum: ['git-upload-pack', 'git-receive-pack'] })
  @ApiHeader(GIT_PROTOCOL_HEADER)
  @ApiProduces('application/x-git-upload-pack-advertisement', 'application/x-git-receive-pack-advertisement')
  @ApiResponse({ status: 200, description: 'pkt-line ref advertisement (v0) or capability advertisement (v2)', content: { 'application/x-git-upload-pack-advertisement': { schema: BINARY }, 'application/x-git-receive-pack-advertisement': { schema: BINARY } } })
  async gitInfoRefsDotGit(@Res() res: Response, @OptionalPrincipal() principal: Principal | null, @CurrentRepo() repo: RepoRecord, @Query('service') service: unknown, @Headers('git-protocol') gitProtocol: string | undefined): Promise<void> {
    await this.infoRefs(res, principal, repo, service, gitProtocol);
  }

  @Post(':namespace/:repo.git/git-upload-pack')
  @RepoAccess('files', { challenge: 'git' })
  @ApiOperation({ summary: 'git fetch/clone negotiation and pack (smart HTTP, protocol v0 and v2; `.git` form of the URL)' })
  @ApiHeader(GIT_PROTOCOL_HEADER)
  @ApiConsumes('application/x-git-upload-pack-request')
  @ApiBody({ schema: BINARY })
  @ApiProduces('application/x-git-upload-pack-result')
  @ApiResponse({ status: 200, description: 'Acknowledgments and the pack in side-band', content: { 'application/x-git-upload-pack-result': { schema: BINARY } } })
  @ApiBusyResponse('HANGAR_LIMIT_GIT_PACKS')
  async gitUploadPackDotGit(@Req() req: Request, @Res() res: Response, @CurrentRepo() repo: RepoRecord): Promise<void> {
    await this.serveUploadPack(req, res, repo);
  }

  @Post(':namespace/:repo.git/git-receive-pack')
  @RepoAccess('contribute', { challenge: 'git' })
  @ApiOperation({ summary: 'git push: ref updates and a pack, answered with report-status; writers move any ref, a pull request\'s author only its refs/pr/N (smart HTTP; `.git` form of the URL)' })
  @ApiConsumes('application/x-git-receive-pack-request')
  @ApiBody({ schema: BINARY })
  @ApiProduces('application/x-git-receive-pack-result')
  @ApiResponse({ status: 200, description: 'report-status, in side-band when asked', content: { 'application/x-git-receive-pack-result': { schema: BINARY } } })
  async gitReceivePackDotGit(@Req() req: Request, @Res() res: Response, @CurrentPrincipal() principal: Principal, @CurrentRepo() repo: RepoRecord): Promise<void> {
    await this.serveReceivePack(req, res, principal, repo);
  }

  @Get(':namespace/:repo/info/refs')
  @RepoAccess('files', { challenge: 'git' })
  @ApiOperation({ summary: 'git ref discovery (smart HTTP)' })
  @ApiQuery({ name: 'service', enum: ['git-upload-pack', 'git-receive-pack'] })
  @ApiHeader(GIT_PROTOCOL_HEADER)
  @ApiProduces('application/x-git-upload-pack-advertisement', 'application/x-git-receive-pack-advertisement')
  @ApiResponse({ status: 200, description: 'pkt-line ref advertisement (v0) or capability advertisement (v2)', content: { 'application/x-git-upload-pack-advertisement': { schema: BINARY }, 'application/x-git-receive-pack-advertisement': { schema: BINARY } } })
  async gitInfoRefs(@Res() res: Response, @OptionalPrincipal() principal: Principal | null, @CurrentRepo() repo: RepoRecord, @Query('service') service: unknown, @Headers('git-protocol') gitProtocol: string | undefined): Promise<void> {
    await this.infoRefs(res, principal, repo, service, gitProtocol);
  }

  @Post(':namespace/:repo/git-upload-pack')
  @RepoAccess('files', { challenge: 'git' })
  @ApiOperation({ summary: 'git fetch/clone negotiation and pack (smart HTTP, protocol v0 and v2)' })
  @ApiHeader(GIT_PROTOCOL_HEADER)
  @ApiConsumes('application/x-git-upload-pack-request')
  @ApiBody({ schema: BINARY })
  @ApiProduces('application/x-git-upload-pack-result')
  @ApiResponse({ status: 200, description: 'Acknowledgments and the pack in side-band', content: { 'application/x-git-upload-pack-result': { schema: BINARY } } })
  @ApiBusyResponse('HANGAR_LIMIT_GIT_PACKS')
  async gitUploadPack(@Req() req: Request, @Res() res: Response, @CurrentRepo() repo: RepoRecord): Promise<void> {
    await this.serveUploadPack(req, res, repo);
  }

  @Post(':namespace/:repo/git-receive-pack')
  @RepoAccess('contribute', { challenge: 'git' })
  @ApiOperation({ summary: 'git push: ref updates and a pack, answered with report-status; writers move any ref, a pull request\'s author only its refs/pr/N (smart HTTP)' })
  @ApiConsumes('application/x-git-receive-pack-request')
  @ApiBody({ schema: BINARY })
  @ApiProduces('application/x-git-receive-pack-result')
  @ApiResponse({ status: 200, description: 'report-status, in side-band when asked', content: { 'application/x-git-receive-pack-result': { schema: BINARY } } })
  async gitReceivePack(@Req() req: Request, @Res() res: Response, @CurrentPrincipal() principal: Principal, @CurrentRepo() repo: RepoRecord): Promise<void> {
    await this.serveReceivePack(req, res, principal, repo);
  }

  private async infoRefs(res: Response, principal: Principal | null, repo: RepoRecord, service: unknown, gitProtocol: string | undefined): Promise<void> {
    // No `service`: a dumb-protocol client. Hangar serves only the smart protocol.
    if (!isGitService(service)) throw new DomainError(403, 'Forbidden', 'Only the smart git protocol is served: git-upload-pack or git-receive-pack');
    const body = await this.uploadPack.advertise(principal, repo, service, wantsProtocolV2(gitProtocol));
    res.status(200).setHeader('Content-Type', `application/x-${service}-advertisement`);
    res.setHeader('Cache-Control', 'no-cache');
    res.end(body);
  }

  private async serveUploadPack(req: Request, res: Response, repo: RepoRecord): Promise<void> {
    this.limits.enter('gitPacks', res);
    assertContentType(req, 'application/x-git-upload-pack-request');
    const body = await readBody(decodedBody(req), MAX_UPLOAD_REQUEST_BYTES);
    const v2 = wantsProtocolV2(req.headers['git-protocol']);
    // A clone or fetch sends wants; a bare ref listing (v2 ls-refs) downloads nothing.
    if (body.includes('want ')) this.downloads.record(req, repo);
    await protocol(() => sendGitStream(res, 'application/x-git-upload-pack-result', this.uploadPack.uploadPack(repo, body, v2)));
  }

  private async serveReceivePack(req: Request, res: Response, principal: Principal, repo: RepoRecord): Promise<void> {
    assertContentType(req, 'application/x-git-receive-pack-request');
    await protocol(() => sendGitStream(res, 'application/x-git-receive-pack-result', this.receivePack.receivePack(principal, repo, decodedBody(req))));
  }
}
