import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { StrictInput } from '../../core/errors/validation';
import { QueryInt } from '../../core/http/query-transforms';

@StrictInput()
export class TimeseriesQueryDto {
  @ApiPropertyOptional({ default: 30, minimum: 1, maximum: 365 })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(365)
  days?: number;
}

@StrictInput()
export class TopReposQueryDto {
  @ApiPropertyOptional({ default: 10, minimum: 1, maximum: 100 })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ enum: ['commits', 'size'], default: 'commits' })
  @IsOptional()
  @IsIn(['commits', 'size'])
  by?: 'commits' | 'size';
}

export class RepoCountsDto {
  @ApiProperty({ example: 500 }) total: number;
  @ApiProperty({ example: 200 }) private: number;
  @ApiProperty({ example: 300 }) public: number;
}

export class BasicStatsDto {
  @ApiProperty({ example: 150 }) users: number;
  @ApiProperty({ example: 25 }) organizations: number;
  @ApiProperty({ type: RepoCountsDto }) repositories: RepoCountsDto;
}

class UserCountsDto {
  @ApiProperty({ example: 150 }) total: number;
  @ApiProperty({ example: 145 }) active: number;
  @ApiProperty({ example: 140 }) verified: number;
  @ApiProperty({ example: 5 }) inactive: number;
}
class OrgCountsDto {
  @ApiProperty({ example: 25 }) total: number;
}
class RepoDetailCountsDto extends RepoCountsDto {
  @ApiProperty({ example: { model: 350, dataset: 100, space: 50 }, type: 'object', additionalProperties: { type: 'integer' } }) by_type: Record<string, number>;
}
class ContributorDto {
  @ApiProperty({ example: 'alice' }) username: string;
  @ApiProperty({ example: 500 }) commit_count: number;
}
class CommitCountsDto {
  @ApiProperty({ example: 5000 }) total: number;
  @ApiProperty({ type: [ContributorDto] }) top_contributors: ContributorDto[];
}
class LfsCountsDto {
  @ApiProperty({ example: 2500 }) total_objects: number;
  @ApiProperty({ example: 107374182400 }) total_size: number;
}
class StorageCountsDto {
  @ApiProperty({ example: 53687091200 }) private_used: number;
  @ApiProperty({ example: 26843545600 }) public_used: number;
  @ApiProperty({ example: 80530636800 }) total_used: number;
}

export class DetailedStatsDto {
  @ApiProperty({ type: UserCountsDto }) users: UserCountsDto;
  @ApiProperty({ type: OrgCountsDto }) organizations: OrgCountsDto;
  @ApiProperty({ type: RepoDetailCountsDto }) repositories: RepoDetailCountsDto;
  @ApiProperty({ type: CommitCountsDto }) commits: CommitCountsDto;
  @ApiProperty({ type: LfsCountsDto }) lfs: LfsCountsDto;
  @ApiProperty({ type: StorageCountsDto }) storage: StorageCountsDto;
}

export class TimeseriesDto {
  @ApiProperty({ type: 'object', additionalProperties: { type: 'object', additionalProperties: { type: 'integer' } }, example: { '2026-12-01': { model: 5, dataset: 2, space: 1 } } })
  repositories_by_day: Record<string, Record<string, number>>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { '2026-12-01': 15 } }) commits_by_day: Record<string, number>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { '2026-12-01': 2 } }) users_by_day: Record<string, number>;
}

export class TopRepoDto {
  @ApiProperty({ example: 'alice/popular-model' }) repo_full_id: string;
  @ApiProperty({ example: 'model' }) repo_type: string;
  @ApiProperty({ example: 250 }) commit_count: number;
  @ApiProperty({ example: 536870912 }) used_bytes: number;
  @ApiProperty({ example: false }) private: boolean;
}

export class TopReposDto {
  @ApiProperty({ type: [TopRepoDto] }) top_repositories: TopRepoDto[];
  @ApiProperty({ enum: ['commits', 'size'] }) sorted_by: string;
}
