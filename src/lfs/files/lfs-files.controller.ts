import { Body, Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal } from '../../auth/auth.decorators';
import type { Principal } from '../../auth/principal';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { HfErrorDto } from '../../core/errors/hf-error.dto';
import { CurrentRepo, RepoAccess } from '../../repos/access/repo-access.decorator';
import type { RepoRecord } from '../../repos/repo.types';
import { CursorPageQueryDto } from '../../stats/stats.dto';
import { paged } from '../../stats/paging';
import { DeletedLfsFilesDto, DeleteLfsFilesDto, LfsFileDto } from './lfs-files.dto';
import { LfsFilesService } from './lfs-files.service';

@ApiTags('lfs')
@ApiErrorResponses(400, 401, 403, 404)
@Controller(['api/models', 'api/datasets', 'api/spaces'])
export class LfsFilesController {
  constructor(private readonly files: LfsFilesService) {}

  @Get(':namespace/:repo/lfs-files')
  @RepoAccess('write')
  @ApiOperation({ summary: "The repository's LFS files, newest first, with a path and ref that hold each (cursor pagination through the Link header)" })
  @ApiOkResponse({ type: [LfsFileDto] })
  async listLfsFiles(@Req() req: Request, @Res({ passthrough: true }) res: Response, @CurrentRepo() repo: RepoRecord, @Query() q: CursorPageQueryDto): Promise<LfsFileDto[]> {
    const page = await paged(req, res, q, (limit, offset) => this.files.list(repo, limit, offset));
    return page.map((f) => ({ fileOid: f.oid, oid: f.pointerOid, size: f.size, filename: f.filename ?? '', pushedAt: f.pushedAt.toISOString(), ref: f.ref, xetHash: f.xetHash }));
  }

  @Post(':namespace/:repo/lfs-files/batch')
  @HttpCode(200)
  @RepoAccess('admin')
  @ApiOperation({ summary: 'Permanently delete LFS files; files a ref still reaches need rewriteHistory (the refs are rewritten without them), else 409 LfsFileReferenced' })
  @ApiOkResponse({ type: DeletedLfsFilesDto })
  @ApiResponse({ status: 409, description: 'A ref still reaches a file and rewriteHistory is false (X-Error-Code: LfsFileReferenced; `files` lists refs and paths)', type: HfErrorDto })
  async deleteLfsFiles(@CurrentPrincipal() principal: Principal, @CurrentRepo() repo: RepoRecord, @Body() body: DeleteLfsFilesDto): Promise<DeletedLfsFilesDto> {
    return this.files.delete(principal, repo, body.deletions.sha, body.deletions.rewriteHistory === true);
  }
}
