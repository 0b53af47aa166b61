import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { StrictInput } from '../../core/errors/validation';
import { PageQueryDto } from '../../core/http/page-query.dto';
import { REPO_TYPES } from '../../repos/repo.types';
import type { AdminCommitRow } from './admin-commits.repository';

@StrictInput()
export class ListCommitsAdminQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'alice/my-model', description: 'namespace/name (every type of that name unless repo_type is given)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  repo_full_id?: string;

  @ApiPropertyOptional({ enum: REPO_TYPES })
  @IsOptional()
  @IsIn(REPO_TYPES)
  repo_type?: string;

  @ApiPropertyOptional({ example: 'alice', description: 'Author: the account of that name (by its name or email), or an author name' })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  username?: string;

  @ApiPropertyOptional({ enum: ['id', 'created_at'], default: 'id', description: 'id: order stored; created_at: commit time' })
  @IsOptional()
  @IsIn(['id', 'created_at'])
  sort?: 'id' | 'created_at';

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';
}

export class AdminCommitDto {
  @ApiProperty({ example: 1 }) id: number;
  @ApiProperty({ example: '4b825dc642cb6eb9a060e54bf8d69288fbee4904' }) commit_id: string;
  @ApiProperty({ example: 'alice/my-model' }) repo_full_id: string;
  @ApiProperty({ enum: REPO_TYPES, example: 'model' }) repo_type: string;
  @ApiProperty({ example: false }) private: boolean;
  @ApiProperty({ nullable: true, type: String, example: 'main', description: 'The branch whose head this commit is, else null (commits do not record a branch)' }) branch: string | null;
  @ApiProperty({ nullable: true, type: Number, example: 1, description: 'The account with the author’s email' }) user_id: number | null;
  @ApiProperty({ example: 'alice', description: 'That account’s name, else the author name' }) username: string;
  @ApiProperty({ example: 'alice@example.com' }) author_email: string;
  @ApiProperty({ example: 'Update model' }) message: string;
  @ApiProperty({ example: 'Improved accuracy' }) description: string;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) created_at: string;
}

export class AdminCommitListDto {
  @ApiProperty({ type: [AdminCommitDto] }) commits: AdminCommitDto[];
  @ApiProperty({ example: 100 }) limit: number;
  @ApiProperty({ example: 0 }) offset: number;
}

export function toAdminCommit(c: AdminCommitRow): AdminCommitDto {
  const body = c.message.startsWith(c.title) ? c.message.slice(c.title.length) : c.message;
  return {
    id: c.id,
    commit_id: c.oid,
    repo_full_id: `${c.namespace}/${c.repoName}`,
    repo_type: c.repoType,
    private: c.private,
    branch: c.branch,
    user_id: c.userId,
    username: c.username ?? c.authorName,
    author_email: c.authorEmail,
    message: c.title,
    description: body.trim(),
    created_at: new Date(c.committedAt).toISOString(),
  };
}
