import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { StrictInput } from '../../core/errors/validation';
import { PageQueryDto } from '../../core/http/page-query.dto';
import { pct, RecalculateAllQueryDto } from '../../quota/quota.dto';
import { REPO_TYPES } from '../../repos/repo.types';
import { REPO_SORTS, type AdminRepoRow, type RepoSort } from './admin-repos.repository';
import type { AdminRepoFile, StorageBreakdown } from './admin-repos.service';

const REPO_SORT_KEYS = Object.keys(REPO_SORTS) as RepoSort[];

/** The recalculate-all filter (repo_type, namespace) plus search, sort and pagination. */
@StrictInput()
export class ListReposAdminQueryDto extends IntersectionType(PageQueryDto, RecalculateAllQueryDto) {
  @ApiPropertyOptional({ description: 'Substring of the name or of namespace/name', example: 'bert' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string;

  @ApiPropertyOptional({ enum: REPO_SORT_KEYS, default: 'id' })
  @IsOptional()
  @IsIn(REPO_SORT_KEYS)
  sort?: RepoSort;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';
}

@StrictInput()
export class RepoFilesQueryDto {
  @ApiPropertyOptional({ default: 'main', description: 'Branch, tag or commit (default: the repository’s default branch)' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  ref?: string;
}

export class AdminRepoDto {
  @ApiProperty({ example: 1 }) id: number;
  @ApiProperty({ enum: REPO_TYPES, example: 'model' }) repo_type: string;
  @ApiProperty({ example: 'alice' }) namespace: string;
  @ApiProperty({ example: 'my-model' }) name: string;
  @ApiProperty({ example: 'alice/my-model' }) full_id: string;
  @ApiProperty({ example: false }) private: boolean;
  @ApiProperty({ example: 1, description: 'The owning namespace (user or organization) id' }) owner_id: number;
  @ApiProperty({ example: 'alice' }) owner_username: string;
  @ApiProperty({ example: false }) owner_is_org: boolean;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) created_at: string;
  @ApiProperty({ nullable: true, type: Number, example: null, description: "The repository's own quota (null: inherits the namespace's)" }) quota_bytes: number | null;
  @ApiProperty({ example: 536870912 }) used_bytes: number;
  @ApiProperty({ nullable: true, type: Number, example: 5.0, description: 'Of the effective quota (own, else the namespace bucket’s); null: unlimited' }) percentage_used: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 10737418240 }) effective_quota_bytes: number | null;
  @ApiProperty({ example: true }) is_inheriting: boolean;
}

export class AdminRepoListDto {
  @ApiProperty({ type: [AdminRepoDto] }) repositories: AdminRepoDto[];
  @ApiProperty({ example: 150 }) total: number;
  @ApiProperty({ example: 100 }) limit: number;
  @ApiProperty({ example: 0 }) offset: number;
  @ApiProperty({ nullable: true, type: String, example: null }) search: string | null;
}

export class AdminRepoDetailsDto extends AdminRepoDto {
  @ApiProperty({ example: 15, description: 'Files at the default branch' }) file_count: number;
  @ApiProperty({ example: 42, description: 'Commits stored (every branch, tag and PR ref)' }) commit_count: number;
  @ApiProperty({ example: 536870912, description: 'Bytes of the files at the default branch (LFS files by their content size)' }) total_size: number;
}

export class AdminRepoFileDto {
  @ApiProperty({ example: 'model.safetensors' }) path: string;
  @ApiProperty({ example: 536870912 }) size: number;
  @ApiProperty({ example: 'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', description: '"sha256:<hex>" for LFS files, else the git blob id' }) checksum: string;
  @ApiProperty({ example: 1737360932, description: 'Unix seconds: when the current version appeared (within the history walked)' }) mtime: number;
  @ApiProperty({ example: true }) is_lfs: boolean;
  @ApiProperty({ nullable: true, type: String, example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' }) sha256: string | null;
  @ApiProperty({ example: 3, description: 'Distinct contents this path held over the last 500 commits of the ref' }) version_count: number;
}

export class AdminRepoFilesDto {
  @ApiProperty({ type: [AdminRepoFileDto] }) files: AdminRepoFileDto[];
  @ApiProperty({ example: 'main' }) ref: string;
  @ApiProperty({ example: 2 }) count: number;
}

export class StorageBreakdownDto {
  @ApiProperty({ example: 10485760, description: 'Non-LFS files at the default branch' }) regular_files_size: number;
  @ApiProperty({ example: 526385152, description: 'LFS files at the default branch, each path counted' }) lfs_files_size: number;
  @ApiProperty({ example: 536870912 }) total_size: number;
  @ApiProperty({ example: 15, description: 'LFS files (paths) at the default branch' }) lfs_object_count: number;
  @ApiProperty({ example: 10, description: 'Distinct LFS objects (sha256) among them' }) unique_lfs_objects: number;
  @ApiProperty({ example: 175456051, description: 'lfs_files_size minus the bytes of the distinct objects' }) deduplication_savings: number;
  @ApiProperty({ example: 20, description: 'LFS objects the repository keeps (every version)' }) stored_lfs_objects: number;
  @ApiProperty({ example: 700000000 }) stored_lfs_bytes: number;
  @ApiProperty({ example: 0, description: 'Of stored_lfs_bytes, objects other repositories hold too (stored once)' }) shared_lfs_bytes: number;
  @ApiProperty({ example: 536870912, description: 'What the quota charges the repository' }) used_bytes: number;
}

export function toAdminRepo(r: AdminRepoRow): AdminRepoDto {
  const effective = r.quotaBytes ?? r.namespaceQuotaBytes;
  return {
    id: r.id,
    repo_type: r.type,
    namespace: r.namespace,
    name: r.name,
    full_id: `${r.namespace}/${r.name}`,
    private: r.private,
    owner_id: r.namespaceId,
    owner_username: r.namespace,
    owner_is_org: r.namespaceKind === 'org',
    created_at: new Date(r.createdAt).toISOString(),
    quota_bytes: r.quotaBytes,
    used_bytes: r.usedBytes,
    percentage_used: pct(r.usedBytes, effective),
    effective_quota_bytes: effective,
    is_inheriting: r.quotaBytes === null,
  };
}

export function toAdminRepoFile(f: AdminRepoFile): AdminRepoFileDto {
  return {
    path: f.path,
    size: f.size,
    checksum: f.lfsSha256 ? `sha256:${f.lfsSha256}` : f.blobId,
    mtime: Math.floor(f.since.getTime() / 1000),
    is_lfs: f.lfsSha256 !== null,
    sha256: f.lfsSha256,
    version_count: f.versionCount,
  };
}

export function toStorageBreakdown(row: AdminRepoRow, b: StorageBreakdown): StorageBreakdownDto {
  return {
    regular_files_size: b.regularBytes,
    lfs_files_size: b.lfsBytes,
    total_size: b.regularBytes + b.lfsBytes,
    lfs_object_count: b.lfsFiles,
    unique_lfs_objects: b.uniqueLfsObjects,
    deduplication_savings: b.lfsBytes - b.uniqueLfsBytes,
    stored_lfs_objects: b.storedLfsObjects,
    stored_lfs_bytes: b.storedLfsBytes,
    shared_lfs_bytes: b.sharedLfsBytes,
    used_bytes: row.usedBytes,
  };
}
