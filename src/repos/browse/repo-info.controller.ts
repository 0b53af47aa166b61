import { Body, Controller, Get, Param, Put, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { OptionalPrincipal } from '../../auth/auth.decorators';
import type { Principal } from '../../auth/principal';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { CurrentRepo, RepoAccess } from '../access/repo-access.decorator';
import { repoTypeOf } from '../access/repo-access.guard';
import { repoNotFound } from '../access/repo-access.service';
import { isPrivate, LfsSettingsDto, ListReposQueryDto, OkResponseDto, RepoInfoDto, RepoInfoQueryDto, RepoSettingsDto } from '../dto/repos.dto';
import { toRepoInfo } from '../repo-info.presenter';
import type { RepoRecord } from '../repo.types';
import { ReposService } from '../repos.service';
import { BrowseService } from './browse.service';
import { RepoListingService } from '../repo-listing.service';
import { nextPageLink } from '../browse/next-link';

@ApiTags('repositories')
@ApiErrorResponses(400, 404)
@Controller(['api/models', 'api/datasets', 'api/spaces'])
export class RepoInfoController {
  constructor(
    private readonly repos: ReposService,
    private readonly listing: RepoListingService,
    private readonly browse: BrowseService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List and search repositories (cursor pagination through the Link header)' })
  @ApiOkResponse({ type: [RepoInfoDto] })
  async listRepos(@Req() req: Request, @Res({ passthrough: true }) res: Response, @OptionalPrincipal() principal: Principal | null, @Query() q: ListReposQueryDto): Promise<RepoInfoDto[]> {
    const { items, nextCursor } = await this.listing.list(principal, repoTypeOf(req), q);
    if (nextCursor) res.setHeader('Link', nextPageLink(req, 'cursor', nextCursor));
    return items;
  }

  @Get(':namespace/:repo')
  @RepoAccess('read')
  @ApiOperation({ summary: 'Repository info at the default branch (sha, siblings, card data)' })
  @ApiOkResponse({ type: RepoInfoDto })
  async repoInfo(@CurrentRepo() repo: RepoRecord, @Query() q: RepoInfoQueryDto): Promise<RepoInfoDto> {
    return this.info(repo, undefined, q);
  }

  @Get(':namespace/:repo/revision/*revision')
  @RepoAccess('read')
  @ApiOperation({ summary: 'Repository info at a revision (branch, tag, commit or refs/pr/N)' })
  @ApiOkResponse({ type: RepoInfoDto })
  async repoInfoAtRevision(@CurrentRepo() repo: RepoRecord, @Param('revision') revision: string[], @Query() q: RepoInfoQueryDto): Promise<RepoInfoDto> {
    return this.info(repo, revision.join('/'), q);
  }

  // Every Hangar repository has a namespace; a bare id must still answer RepoNotFound (not a
  // generic 404) so that repo_exists / file_exists return False instead of raising.
  @Get([':repo', ':repo/revision/*revision'])
  @ApiExcludeEndpoint() // not an operation: the answer the clients need for an id Hangar can't hold
  repoWithoutNamespace(@Param('repo') name: string, @OptionalPrincipal() principal: Principal | null): never {
    throw repoNotFound(principal);
  }

  @Put(':namespace/:repo/settings')
  @RepoAccess('admin')
  @ApiOperation({ summary: 'Change visibility (private or visibility), gating, discussions (discussionsDisabled) and LFS settings; fields Hangar has no use for (xetEnabled) are accepted and ignored' })
  @ApiOkResponse({ type: OkResponseDto })
  async updateRepoSettings(@CurrentRepo() repo: RepoRecord, @Body() body: RepoSettingsDto): Promise<OkResponseDto> {
    await this.repos.updateSettings(repo, {
      private: isPrivate(body),
      gated: body.gated,
      discussionsDisabled: body.discussionsDisabled ?? body.discussions_disabled,
      lfsThresholdBytes: body.lfs_threshold_bytes,
      lfsSuffixRules: body.lfs_suffix_rules,
      lfsKeepVersions: body.lfs_keep_versions,
    });
    return { success: true };
  }

  @Get(':namespace/:repo/lfs/settings')
  @RepoAccess('read')
  @ApiOperation({ summary: 'LFS settings: threshold, suffix rules, versions kept; each with its effective value and source' })
  @ApiOkResponse({ type: LfsSettingsDto })
  async getLfsSettings(@CurrentRepo() repo: RepoRecord): Promise<LfsSettingsDto> {
    const s = await this.repos.lfsSettings(repo);
    return {
      lfs_threshold_bytes: s.threshold.value,
      lfs_threshold_bytes_effective: s.threshold.effective,
      lfs_threshold_bytes_source: s.threshold.source,
      lfs_suffix_rules: s.suffixRules.value,
      lfs_suffix_rules_effective: s.suffixRules.effective,
      lfs_suffix_rules_source: s.suffixRules.source,
      lfs_keep_versions: s.keepVersions.value,
      lfs_keep_versions_effective: s.keepVersions.effective,
      lfs_keep_versions_source: s.keepVersions.source,
    };
  }

  private async info(repo: RepoRecord, revision: string | undefined, q: RepoInfoQueryDto): Promise<RepoInfoDto> {
    const blobs = q.blobs === true || q.files_metadata === true;
    const d = await this.browse.repoDetails(repo, revision, blobs);
    return toRepoInfo(repo, { sha: d.sha, lastModified: d.lastModified, tags: d.tags, cardData: d.cardData, siblings: d.siblings, blobs });
  }
}
