import { applyDecorators, Controller, Get, Param, ParseEnumPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AdminApi } from '../../auth/auth.decorators';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { BadRequestError } from '../../core/errors/domain-error';
import { REPO_TYPES, type RepoType } from '../../repos/repo.types';
import {
  AdminRepoDetailsDto,
  AdminRepoFilesDto,
  AdminRepoListDto,
  ListReposAdminQueryDto,
  RepoFilesQueryDto,
  StorageBreakdownDto,
  toAdminRepo,
  toAdminRepoFile,
  toStorageBreakdown,
} from './admin-repos.dto';
import { AdminReposService } from './admin-repos.service';

export const repoTypeParam = new ParseEnumPipe(Object.fromEntries(REPO_TYPES.map((t) => [t, t])), {
  exceptionFactory: () => new BadRequestError(`The repository type must be one of ${REPO_TYPES.join(', ')}`),
});

export const RepoPath = () =>
  applyDecorators(ApiParam({ name: 'repo_type', enum: REPO_TYPES }), ApiParam({ name: 'namespace', example: 'alice' }), ApiParam({ name: 'name', example: 'my-model' }));

@ApiTags('admin: repositories')
@AdminApi()
@ApiErrorResponses(400, 404)
@Controller('admin/api/repositories')
export class AdminReposController {
  constructor(private readonly service: AdminReposService) {}

  @Get()
  @ApiOperation({ summary: 'Every repository (any visibility) with owner and quota usage; search, type, namespace, sort, pagination' })
  @ApiOkResponse({ type: AdminRepoListDto })
  async adminListRepositories(@Query() q: ListReposAdminQueryDto): Promise<AdminRepoListDto> {
    const limit = q.limit ?? 100;
    const offset = q.offset ?? 0;
    const { rows, total } = await this.service.list({ search: q.search, type: q.repo_type, namespace: q.namespace, sort: q.sort, order: q.order, limit, offset });
    return { repositories: rows.map(toAdminRepo), total, limit, offset, search: q.search ?? null };
  }

  @Get(':repo_type/:namespace/:name')
  @RepoPath()
  @ApiOperation({ summary: 'One repository: usage, file count and size at the default branch, commit count' })
  @ApiOkResponse({ type: AdminRepoDetailsDto })
  async adminGetRepository(
    @Param('repo_type', repoTypeParam) type: RepoType,
    @Param('namespace') namespace: string,
    @Param('name') name: string,
  ): Promise<AdminRepoDetailsDto> {
    const d = await this.service.details(type, namespace, name);
    return { ...toAdminRepo(d.row), file_count: d.fileCount, commit_count: d.commitCount, total_size: d.totalSize };
  }

  @Get(':repo_type/:namespace/:name/files')
  @RepoPath()
  @ApiOperation({ summary: 'Files at a ref with LFS flag, sha256 and how many versions each path had' })
  @ApiOkResponse({ type: AdminRepoFilesDto })
  async adminListRepositoryFiles(
    @Param('repo_type', repoTypeParam) type: RepoType,
    @Param('namespace') namespace: string,
    @Param('name') name: string,
    @Query() q: RepoFilesQueryDto,
  ): Promise<AdminRepoFilesDto> {
    const { ref, files } = await this.service.files(type, namespace, name, q.ref);
    return { files: files.map(toAdminRepoFile), ref, count: files.length };
  }

  @Get(':repo_type/:namespace/:name/storage-breakdown')
  @RepoPath()
  @ApiOperation({ summary: 'Regular vs LFS bytes at the default branch, distinct LFS objects, dedup savings, LFS bytes kept for every version' })
  @ApiOkResponse({ type: StorageBreakdownDto })
  async adminRepositoryStorageBreakdown(
    @Param('repo_type', repoTypeParam) type: RepoType,
    @Param('namespace') namespace: string,
    @Param('name') name: string,
  ): Promise<StorageBreakdownDto> {
    const { row, breakdown } = await this.service.storageBreakdown(type, namespace, name);
    return toStorageBreakdown(row, breakdown);
  }
}
