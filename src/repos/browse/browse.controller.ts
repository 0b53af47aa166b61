import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal } from '../../auth/auth.decorators';
import type { Principal } from '../../auth/principal';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { HfErrorDto } from '../../core/errors/hf-error.dto';
import { CurrentRepo, RepoAccess, PrefetchedRef } from '../access/repo-access.decorator';
import type { RefHint } from '../../git/engine/engine.types';
import type { RepoRecord } from '../repo.types';
import {
  CommitDto,
  CommitsQueryDto,
  CreateBranchDto,
  CreateTagDto,
  EmptyResponseDto,
  GitRefsDto,
  PATHS_INFO_LARGE,
  PathsInfoDto,
  RefsQueryDto,
  SquashBranchDto,
  SquashedBranchDto,
  TreeEntryDto,
  TreeQueryDto,
} from './browse.dto';
import { toCommit, toTreeEntry } from './browse.presenter';
import { BrowseService } from './browse.service';
import { joined } from './route-params';
import { nextPageLink } from './next-link';
import { publicBaseUrl } from '../../core/http/public-base-url';
import { ApiBusyResponse, ConcurrencyLimits } from '../../core/http/concurrency-limits';

const REV_PARAM = { name: 'rev', type: String, example: 'main', description: 'Branch, tag, commit id (full or ≥ 7 hex) or refs/pr/N, URL-encoded' };
const PATH_PARAM = { name: 'path', type: String, example: 'checkpoints', description: 'Folder inside the repository (may contain slashes)' };
const LINK_HEADER = { Link: { description: '`<url>; rel="next"` when more entries remain', schema: { type: 'string' } } };

/** Wildcard params arrive as their decoded segments (path-to-regexp v8). */

/**
 * Browsing a repository at a revision (tree, paths-info, refs, history) and managing its
 * branches and tags: the `/api/{models,datasets,spaces}/{namespace}/{repo}/…` routes that
 * huggingface_hub's list_repo_tree, get_paths_info, list_repo_refs, list_repo_commits,
 * create/delete_branch and create/delete_tag call.
 */
@ApiTags('files')
@ApiErrorResponses(400, 404)
@Controller(['api/models', 'api/datasets', 'api/spaces'])
export class BrowseController {
  constructor(
    private readonly browse: BrowseService,
    private readonly limits: ConcurrencyLimits,
  ) {}

  @Get(':namespace/:repo/tree/:rev')
  @RepoAccess('read')
  @ApiOperation({ summary: 'List the root folder of a revision (cursor pagination through the Link header)' })
  @ApiParam(REV_PARAM)
  @ApiOkResponse({ type: [TreeEntryDto], headers: LINK_HEADER })
  @ApiBusyResponse('HANGAR_LIMIT_LISTINGS (recursive listings)')
  async listRepoTree(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentRepo() repo: RepoRecord,
    @PrefetchedRef() hint: RefHint | null,
    @Param('rev') rev: string,
    @Query() q: TreeQueryDto,
  ): Promise<TreeEntryDto[]> {
    return this.treePage(req, res, repo, { rev, hint }, undefined, q);
  }

  @Get(':namespace/:repo/tree/:rev/*path')
  @RepoAccess('read')
  @ApiOperation({ summary: 'List a folder of a revision (cursor pagination through the Link header)' })
  @ApiParam(REV_PARAM)
  @ApiParam(PATH_PARAM)
  @ApiOkResponse({ type: [TreeEntryDto], headers: LINK_HEADER })
  @ApiBusyResponse('HANGAR_LIMIT_LISTINGS (recursive listings)')
  async listRepoTreeFolder(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentRepo() repo: RepoRecord,
    @PrefetchedRef() hint: RefHint | null,
    @Param('rev') rev: string,
    @Param('path') path: string[] | string,
    @Query() q: TreeQueryDto,
  ): Promise<TreeEntryDto[]> {
    return this.treePage(req, res, repo, { rev, hint }, joined(path), q);
  }

  @Post(':namespace/:repo/paths-info/:rev')
  @HttpCode(200)
  @RepoAccess('read')
  @ApiOperation({ summary: 'Information about given paths of a revision (missing paths are left out)' })
  @ApiParam(REV_PARAM)
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded')
  @ApiBody({ type: PathsInfoDto })
  @ApiOkResponse({ type: [TreeEntryDto] })
  @ApiResponse({ status: 413, description: 'More than 1000 paths (X-Error-Code: PayloadTooLarge)', type: HfErrorDto })
  @ApiBusyResponse(`HANGAR_LIMIT_LISTINGS (requests for more than ${PATHS_INFO_LARGE} paths)`)
  async getPathsInfo(
    @Res({ passthrough: true }) res: Response,
    @CurrentRepo() repo: RepoRecord,
    @PrefetchedRef() hint: RefHint | null,
    @Param('rev') rev: string,
    @Body() body: PathsInfoDto,
  ): Promise<TreeEntryDto[]> {
    if (body.paths.length > PATHS_INFO_LARGE) this.limits.enter('listings', res);
    const expand = body.expand === true;
    const entries = await this.browse.pathsInfo(repo, rev, body.paths, expand, hint);
    return entries.map((e) => toTreeEntry(e, expand));
  }

  @Get(':namespace/:repo/refs')
  @RepoAccess('read')
  @ApiOperation({ summary: 'Branches and tags (and pull-request refs with include_prs) with their commits' })
  @ApiOkResponse({ type: GitRefsDto })
  async listRepoRefs(@CurrentRepo() repo: RepoRecord, @Query() q: RefsQueryDto): Promise<GitRefsDto> {
    const refs = await this.browse.refs(repo);
    return { branches: refs.branches, tags: refs.tags, converts: [], ...(q.include_prs ? { pullRequests: refs.pullRequests } : {}) };
  }

  @Get(':namespace/:repo/commits/:rev')
  @RepoAccess('read')
  @ApiOperation({ summary: 'Commit history from a revision, newest first (pages through the Link header)' })
  @ApiParam(REV_PARAM)
  @ApiOkResponse({
    type: [CommitDto],
    headers: { ...LINK_HEADER, 'X-Total-Count': { description: 'Commits reachable from the revision', schema: { type: 'integer' } } },
  })
  async listRepoCommits(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentRepo() repo: RepoRecord,
    @Param('rev') rev: string,
    @Query() q: CommitsQueryDto,
  ): Promise<CommitDto[]> {
    const page = q.p ?? 0;
    const limit = q.limit ?? 50;
    const { commits, total } = await this.browse.commits(repo, rev, page, limit);
    res.setHeader('X-Total-Count', String(total));
    if ((page + 1) * limit < total) res.setHeader('Link', nextPageLink(req, 'p', String(page + 1)));
    const formatted = (q.expand ?? []).includes('formatted');
    return commits.map((c) => toCommit(c, formatted, publicBaseUrl(req)));
  }

  @Post(':namespace/:repo/branch/*branch')
  @HttpCode(200)
  @RepoAccess('write')
  @ApiOperation({ summary: 'Create a branch (from startingPoint, default: the default branch head)' })
  @ApiParam({ name: 'branch', example: 'dev', description: 'Branch name (may contain slashes)' })
  @ApiBody({ type: CreateBranchDto, required: false })
  @ApiOkResponse({ type: EmptyResponseDto })
  @ApiResponse({ status: 409, description: 'The branch exists and neither exist_ok nor overwrite was given (X-Error-Code: BranchExists)', type: HfErrorDto })
  async createBranch(
    @CurrentPrincipal() principal: Principal,
    @CurrentRepo() repo: RepoRecord,
    @Param('branch') branch: string[] | string,
    @Body() body: CreateBranchDto,
  ): Promise<EmptyResponseDto> {
    await this.browse.createBranch(
      principal,
      repo,
      joined(branch),
      { startingPoint: body.startingPoint, empty: body.emptyBranch === true },
      { existOk: body.exist_ok === true, overwrite: body.overwrite === true },
    );
    return {};
  }

  @Post(':namespace/:repo/super-squash/*branch')
  @HttpCode(200)
  @RepoAccess('write')
  @ApiOperation({ summary: "Squash a branch's history into one parentless commit with the head's files (huggingface_hub's super_squash_history)" })
  @ApiParam({ name: 'branch', example: 'main', description: 'Branch name (may contain slashes); a tag is refused (400 InvalidReference)' })
  @ApiBody({ type: SquashBranchDto, required: false })
  @ApiOkResponse({ type: SquashedBranchDto })
  async superSquash(
    @CurrentPrincipal() principal: Principal,
    @CurrentRepo() repo: RepoRecord,
    @Param('branch') branch: string[] | string,
    @Body() body: SquashBranchDto,
  ): Promise<SquashedBranchDto> {
    const name = joined(branch);
    return { commitOid: await this.browse.squashBranch(principal, repo, name, body.message || `Super-squash branch '${name}'`) };
  }

  @Delete(':namespace/:repo/branch/*branch')
  @RepoAccess('write')
  @ApiOperation({ summary: 'Delete a branch (not the default branch)' })
  @ApiParam({ name: 'branch', example: 'dev', description: 'Branch name (may contain slashes)' })
  @ApiOkResponse({ type: EmptyResponseDto })
  async deleteBranch(@CurrentRepo() repo: RepoRecord, @Param('branch') branch: string[] | string): Promise<EmptyResponseDto> {
    await this.browse.deleteBranch(repo, joined(branch));
    return {};
  }

  @Post(':namespace/:repo/tag/:rev')
  @HttpCode(200)
  @RepoAccess('write')
  @ApiOperation({ summary: 'Tag a revision (annotated when a message is given)' })
  @ApiParam(REV_PARAM)
  @ApiOkResponse({ type: EmptyResponseDto })
  @ApiResponse({ status: 409, description: 'The tag exists (X-Error-Code: TagExists)', type: HfErrorDto })
  async createTag(
    @CurrentPrincipal() principal: Principal,
    @CurrentRepo() repo: RepoRecord,
    @Param('rev') rev: string,
    @Body() body: CreateTagDto,
  ): Promise<EmptyResponseDto> {
    await this.browse.createTag(principal, repo, rev, body.tag, body.message, body.exist_ok === true);
    return {};
  }

  @Delete(':namespace/:repo/tag/*tag')
  @RepoAccess('write')
  @ApiOperation({ summary: 'Delete a tag' })
  @ApiParam({ name: 'tag', example: 'v1.0', description: 'Tag name (may contain slashes)' })
  @ApiOkResponse({ type: EmptyResponseDto })
  async deleteTag(@CurrentRepo() repo: RepoRecord, @Param('tag') tag: string[] | string): Promise<EmptyResponseDto> {
    await this.browse.deleteTag(repo, joined(tag));
    return {};
  }

  private async treePage(req: Request, res: Response, repo: RepoRecord, at: { rev: string; hint: RefHint | null }, path: string | undefined, q: TreeQueryDto): Promise<TreeEntryDto[]> {
    if (q.recursive === true) this.limits.enter('listings', res);
    const page = await this.browse.tree(repo, at.rev, path, q, at.hint);
    if (page.nextCursor) res.setHeader('Link', nextPageLink(req, 'cursor', page.nextCursor));
    const expand = q.expand === true;
    return page.entries.map((e) => toTreeEntry(e, expand));
  }
}
