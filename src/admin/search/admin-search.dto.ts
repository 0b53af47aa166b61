import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayNotEmpty, IsArray, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { StrictInput } from '../../core/errors/validation';
import { QueryInt } from '../../core/http/query-transforms';

export const SEARCH_TYPES = ['users', 'repos', 'commits'] as const;
export type SearchType = (typeof SEARCH_TYPES)[number];

@StrictInput()
export class AdminSearchQueryDto {
  @ApiProperty({ example: 'alice', description: 'Substring of a username or email, a repository name, a commit message or id prefix' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  q: string;

  @ApiPropertyOptional({ example: 'users,repos,commits', description: 'Comma-separated (or repeated) types; default all' })
  @IsOptional()
  @Transform(({ value }) => (Array.isArray(value) ? value : String(value).split(',')).map((v: string) => v.trim()).filter(Boolean))
  @IsArray()
  @ArrayNotEmpty()
  @IsIn(SEARCH_TYPES, { each: true })
  types?: SearchType[];

  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 100 })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

class SearchUserDto {
  @ApiProperty({ example: 1 }) id: number;
  @ApiProperty({ example: 'alice' }) username: string;
  @ApiProperty({ example: 'alice@example.com' }) email: string;
  @ApiProperty({ example: true }) email_verified: boolean;
  @ApiProperty({ example: true }) is_active: boolean;
}
class SearchRepoDto {
  @ApiProperty({ example: 1 }) id: number;
  @ApiProperty({ example: 'alice/my-model' }) full_id: string;
  @ApiProperty({ example: 'model' }) repo_type: string;
  @ApiProperty({ example: 'alice' }) namespace: string;
  @ApiProperty({ example: 'my-model' }) name: string;
  @ApiProperty({ example: false }) private: boolean;
  @ApiProperty({ example: 'alice' }) owner_username: string;
}
class SearchCommitDto {
  @ApiProperty({ example: 1 }) id: number;
  @ApiProperty({ example: '4b825dc642cb6eb9a060e54bf8d69288fbee4904' }) commit_id: string;
  @ApiProperty({ example: 'Initial commit' }) message: string;
  @ApiProperty({ example: 'alice' }) username: string;
  @ApiProperty({ example: 'alice/my-model' }) repo_full_id: string;
  @ApiProperty({ example: 'model' }) repo_type: string;
  @ApiProperty({ nullable: true, type: String, example: 'main' }) branch: string | null;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) created_at: string;
}
class SearchResultsDto {
  @ApiPropertyOptional({ type: [SearchUserDto] }) users?: SearchUserDto[];
  @ApiPropertyOptional({ type: [SearchRepoDto] }) repositories?: SearchRepoDto[];
  @ApiPropertyOptional({ type: [SearchCommitDto] }) commits?: SearchCommitDto[];
}
class SearchCountsDto {
  @ApiPropertyOptional({ example: 1 }) users?: number;
  @ApiPropertyOptional({ example: 1 }) repositories?: number;
  @ApiPropertyOptional({ example: 1 }) commits?: number;
}

export class AdminSearchDto {
  @ApiProperty({ example: 'alice' }) query: string;
  @ApiProperty({ type: SearchResultsDto }) results: SearchResultsDto;
  @ApiProperty({ type: SearchCountsDto }) result_counts: SearchCountsDto;
}
