import { Controller, Get, Head, Logger, Param, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiExtraModels, ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { DomainError } from '../../core/errors/domain-error';
import { PRUNED_MESSAGE } from '../../lfs/lfs.service';
import { HfErrorDto } from '../../core/errors/hf-error.dto';
import { parseRangeHeader } from '../../core/storage/http-range';
import { RangeNotSatisfiableError } from '../../core/storage/storage-errors';
import { OptionalPrincipal } from '../../auth/auth.decorators';
import type { Principal } from '../../auth/principal';
import { CurrentRepo, PrefetchedRef, RepoAccess } from '../access/repo-access.decorator';
import type { RefHint } from '../../git/engine/engine.types';
import { repoNotFound } from '../access/repo-access.service';
import type { RepoRecord } from '../repo.types';
import { ResolveQueryDto, XetFileInfoDto } from './browse.dto';
import { BrowseService } from './browse.service';
import { basename, joined } from './route-params';
import { contentDisposition, contentTypeFor, etagMatches } from './file-headers';
import { XetTokenService } from '../../xet/tokens/xet-token.service';
import { acceptsXetFileInfo, XET_FILEINFO_TYPE, xetLinkHeader } from './xet-headers';
import { publicBaseUrl } from '../../core/http/public-base-url';
import { DownloadRecorder } from '../../stats/downloads/download-recorder';

/** Headers a browser client (e.g. @huggingface/hub) may read across origins. */
const EXPOSED_HEADERS = [
  'X-Repo-Commit',
  'X-Linked-Etag',
  'X-Linked-Size',
  'ETag',
  'Content-Length',
  'Content-Range',
  'Accept-Ranges',
  'Content-Disposition',
  'X-Error-Code',
  'X-Error-Message',
  'X-Request-Id',
  'X-Xet-Hash',
  'Link',
].join(', ');

const REV_PARAM = { name: 'rev', type: String, example: 'main', description: 'Branch, tag, commit id (full or ≥ 7 hex) or refs/pr/N, URL-encoded' };
const PATH_PARAM = { name: 'path', type: String, example: 'config.json', description: 'File path inside the repository (may contain slashes)' };
const FILE_HEADERS = {
  'X-Repo-Commit': { description: 'The commit the revision resolved to (40 hex)', schema: { type: 'string' } },
  ETag: { description: 'Quoted git blob id of the file', schema: { type: 'string' } },
  'Content-Length': { description: 'Bytes in this answer', schema: { type: 'integer' } },
  'Accept-Ranges': { description: '`bytes`', schema: { type: 'string' } },
  'X-Xet-Hash': { description: 'LFS files stored as Xet: the Xet file hash', schema: { type: 'string' } },
  Link: { description: 'LFS files stored as Xet: `<…/xet-read-token/{commit}>; rel="xet-auth", <…/v1/reconstructions/{hash}>; rel="xet-reconstruction-info"`', schema: { type: 'string' } },
};

/**
 * A file's bytes, typed from its name (`config.json` is application/json, `README.md`
 * text/markdown, unknown ones application/octet-stream); no schema type, since a JSON file is
 * served as JSON and parses as one.
 */
const FILE_BYTES = { '*/*': { schema: { description: "The file's bytes" } } };

/** Wildcard params arrive as their decoded segments (path-to-regexp v8). */

/**
 * Downloads: `/{namespace}/{repo}/resolve/{rev}/{path}` (models), `/datasets/…`, `/spaces/…`,
 * and `/raw/` (same bytes). HEAD answers the headers hf_hub_download reads (X-Repo-Commit, ETag,
 * Content-Length) without opening the file; GET streams it, honouring a single Range and
 * If-None-Match. HEAD routes are declared first so Express does not send HEAD to the GET route.
 */
@ApiTags('files')
@ApiExtraModels(XetFileInfoDto)
@ApiErrorResponses(400, 404)
@Controller(['datasets', 'spaces', ''])
export class ResolveController {
  private readonly logger = new Logger('ResolveController');

  constructor(
    private readonly browse: BrowseService,
    private readonly xet: XetTokenService,
    private readonly downloads: DownloadRecorder,
  ) {}

  @Head(':namespace/:repo/resolve/:rev/*path')
  @RepoAccess('files')
  @ApiOperation({ summary: 'File metadata at a revision: X-Repo-Commit, ETag, Content-Length (no body)' })
  @ApiParam(REV_PARAM)
  @ApiParam(PATH_PARAM)
  @ApiResponse({ status: 200, description: 'The file exists', headers: FILE_HEADERS, content: FILE_BYTES })
  @ApiResponse({ status: 304, description: 'If-None-Match matched the ETag' })
  async headResolvedFile(@Req() req: Request, @Res() res: Response, @CurrentRepo() repo: RepoRecord, @PrefetchedRef() hint: RefHint | null, @Param('rev') rev: string, @Param('path') path: string[] | string, @Query() q: ResolveQueryDto): Promise<void> {
    await this.serve(req, res, repo, { rev, hint }, joined(path), q.download === true, false);
  }

  @Get(':namespace/:repo/resolve/:rev/*path')
  @RepoAccess('files')
  @ApiOperation({ summary: 'Download a file at a revision (Range and If-None-Match supported)' })
  @ApiParam(REV_PARAM)
  @ApiParam(PATH_PARAM)
  @ApiProduces('*/*', XET_FILEINFO_TYPE)
  @ApiResponse({
    status: 200,
    description: 'The whole file; for an LFS file stored as Xet asked for with `Accept: application/vnd.xet-fileinfo+json`, its Xet file info (any Range is then ignored)',
    headers: FILE_HEADERS,
    content: { ...FILE_BYTES, [XET_FILEINFO_TYPE]: { schema: { $ref: getSchemaPath(XetFileInfoDto) } } },
  })
  @ApiResponse({ status: 206, description: 'The requested byte range (Content-Range)', content: FILE_BYTES })
  @ApiResponse({ status: 304, description: 'If-None-Match matched the ETag' })
  @ApiResponse({ status: 416, description: 'Range not satisfiable (Content-Range: bytes */size)', type: HfErrorDto })
  async downloadResolvedFile(@Req() req: Request, @Res() res: Response, @CurrentRepo() repo: RepoRecord, @PrefetchedRef() hint: RefHint | null, @Param('rev') rev: string, @Param('path') path: string[] | string, @Query() q: ResolveQueryDto): Promise<void> {
    await this.serve(req, res, repo, { rev, hint }, joined(path), q.download === true, true);
  }

  @Head(':namespace/:repo/raw/:rev/*path')
  @RepoAccess('files')
  @ApiOperation({ summary: 'Raw file metadata at a revision (no body)' })
  @ApiParam(REV_PARAM)
  @ApiParam(PATH_PARAM)
  @ApiResponse({ status: 200, description: 'The file exists', headers: FILE_HEADERS, content: FILE_BYTES })
  async headRawFile(@Req() req: Request, @Res() res: Response, @CurrentRepo() repo: RepoRecord, @PrefetchedRef() hint: RefHint | null, @Param('rev') rev: string, @Param('path') path: string[] | string, @Query() q: ResolveQueryDto): Promise<void> {
    await this.serve(req, res, repo, { rev, hint }, joined(path), q.download === true, false, true);
  }

  @Get(':namespace/:repo/raw/:rev/*path')
  @RepoAccess('files')
  @ApiOperation({ summary: 'Raw file at a revision (the git blob as stored)' })
  @ApiParam(REV_PARAM)
  @ApiParam(PATH_PARAM)
  @ApiProduces('*/*')
  @ApiResponse({ status: 200, description: 'The whole file', headers: FILE_HEADERS, content: FILE_BYTES })
  @ApiResponse({ status: 206, description: 'The requested byte range (Content-Range)', content: FILE_BYTES })
  @ApiResponse({ status: 416, description: 'Range not satisfiable (Content-Range: bytes */size)', type: HfErrorDto })
  async downloadRawFile(@Req() req: Request, @Res() res: Response, @CurrentRepo() repo: RepoRecord, @PrefetchedRef() hint: RefHint | null, @Param('rev') rev: string, @Param('path') path: string[] | string, @Query() q: ResolveQueryDto): Promise<void> {
    await this.serve(req, res, repo, { rev, hint }, joined(path), q.download === true, true, true);
  }

  // Every Hangar repository has a namespace; a bare id answers RepoNotFound so that
  // file_exists / hf_hub_download report a missing repository (Express sends HEAD here too).
  @Get(':repo/resolve/:rev/*path')
  @ApiExcludeEndpoint() // not an operation: the answer the clients need for an id Hangar can't hold
  resolveWithoutNamespace(@Param('repo') name: string, @OptionalPrincipal() principal: Principal | null): never {
    throw repoNotFound(principal);
  }

  private async serve(req: Request, res: Response, repo: RepoRecord, at: { rev: string; hint: RefHint | null }, path: string, download: boolean, withBody: boolean, raw = false): Promise<void> {
    const file = await this.browse.file(repo, at.rev, path, at.hint);
    // resolve serves an LFS file's content; raw serves the pointer blob as git stores it.
    const lfs = raw ? undefined : file.entry.lfs;
    if (lfs?.pruned) throw new DomainError(410, 'LfsVersionPruned', PRUNED_MESSAGE);
    const size = lfs?.size ?? file.entry.size;
    const etag = `"${lfs?.oid ?? file.entry.oid}"`;
    res.setHeader('X-Repo-Commit', file.commitOid);
    res.setHeader('ETag', etag);
    if (lfs) {
      res.setHeader('X-Linked-Etag', etag);
      res.setHeader('X-Linked-Size', String(lfs.size));
    }
    // Xet clients (hf_xet through huggingface_hub, @huggingface/hub) download through the CAS.
    const xetLinks = lfs?.xetHash ? this.xet.downloadLinks(publicBaseUrl(req), repo, file.commitOid, lfs.xetHash) : null;
    if (xetLinks) {
      res.setHeader('X-Xet-Hash', lfs!.xetHash!);
      res.setHeader('Link', xetLinkHeader(xetLinks));
      res.setHeader('Vary', 'Accept');
    }
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (etagMatches(req.get('if-none-match'), etag)) {
      res.status(304).end();
      return;
    }
    if (xetLinks && withBody && acceptsXetFileInfo(req.get('accept'))) {
      // The JS client's probe (sent with `Range: bytes=0-0`): it reads the headers above and
      // downloads through the CAS; the body says the same for other readers.
      const info: XetFileInfoDto = { hash: lfs!.xetHash!, size: size, etag, refreshUrl: xetLinks.xetAuth, reconstructionUrl: xetLinks.reconstruction };
      res.status(200).type(XET_FILEINFO_TYPE).send(JSON.stringify(info));
      return;
    }
    let range = parseRangeHeader(req.get('range'), size);
    // If-Range: the range only applies to the version the client already has part of.
    const ifRange = req.get('if-range');
    if (range !== undefined && ifRange !== undefined && !etagMatches(ifRange, etag)) range = undefined;
    // No range of an empty file is satisfiable, and a server may ignore Range: the whole (empty)
    // file answers. @huggingface/hub probes every download with `bytes=0-0` and reads the size
    // from Content-Range, which therefore comes along (`bytes */0`).
    if (range === 'unsatisfiable' && size === 0) {
      range = undefined;
      res.setHeader('Content-Range', 'bytes */0');
    }
    if (range === 'unsatisfiable') {
      res.setHeader('Content-Range', `bytes */${size}`);
      throw new RangeNotSatisfiableError(`Range ${String(req.get('range')).slice(0, 100)} is outside the file (${size} bytes)`);
    }
    // HEADs and range continuations are part of a download counted already.
    if (withBody && (!range || range.start === 0)) this.downloads.record(req, repo);
    if (lfs) {
      const target = await this.browse.lfsDownload(lfs.oid, basename(file.entry.path));
      if ('redirect' in target) {
        // S3: the client fetches the bytes from the store (huggingface_hub reads these headers first).
        res.setHeader('Location', target.redirect);
        res.status(302).end();
        return;
      }
    }
    // Opened before the length is announced, so a failure here is still a clean error answer.
    const body = withBody ? await this.browse.open(repo, file, range, lfs?.oid) : null;
    res.status(range ? 206 : 200);
    if (range) res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
    res.setHeader('Content-Length', String(range ? range.end - range.start + 1 : size));
    res.setHeader('Content-Type', contentTypeFor(file.entry.path));
    res.setHeader('Content-Disposition', contentDisposition(file.entry.path, download ? 'attachment' : 'inline'));
    if (!body) {
      res.end();
      return;
    }
    // pipeline destroys the blob stream when the client goes away, and cuts the answer short
    // (rather than ending it cleanly) when reading the blob fails half way.
    pipeline(body, res, (err) => {
      if (err && (err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') {
        this.logger.warn({ err, repoId: repo.id, oid: file.entry.oid }, 'download stream failed');
      }
    });
  }
}
