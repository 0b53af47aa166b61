import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { QueryInt } from '../core/http/query-transforms';

/** `limit` (default 50) and the opaque `cursor` of the Hub-style listings that page through the Link header. */
export class CursorPageQueryDto {
  @ApiPropertyOptional({ default: 50, maximum: 1000 }) @IsOptional() @QueryInt() @IsInt() @Min(1) @Max(1000) limit?: number;
  @ApiPropertyOptional({ description: 'Opaque cursor from the Link header' }) @IsOptional() @IsString() @MaxLength(100) cursor?: string;
}

export class LikeResultDto {
  @ApiProperty({ example: true }) success: boolean;
  @ApiProperty({ example: 'Repository liked successfully' }) message: string;
  @ApiProperty({ example: 42 }) likes_count: number;
}

export class LikedDto {
  @ApiProperty({ example: true }) liked: boolean;
}

/** The shape huggingface_hub's list_repo_likers reads (`user`, `fullname`, `avatarUrl`). */
export class LikerDto {
  @ApiProperty({ example: 'alice' }) user: string;
  @ApiProperty({ example: 'Alice Developer' }) fullname: string;
  @ApiProperty({ example: 'http://localhost:3000/api/users/alice/avatar' }) avatarUrl: string;
  @ApiProperty({ example: 'user' }) type: string;
}

export class LikedRepoRefDto {
  @ApiProperty({ example: 'alice/my-model' }) name: string;
  @ApiProperty({ enum: ['model', 'dataset', 'space'] }) type: string;
}

/** The shape huggingface_hub's list_liked_repos reads (`repo.name`, `repo.type`). */
export class UserLikeDto {
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) createdAt: string;
  @ApiProperty({ type: LikedRepoRefDto }) repo: LikedRepoRefDto;
}

export class RepoStatsDto {
  @ApiProperty({ example: 1234, description: 'Download sessions in the last 30 days' }) downloads: number;
  @ApiProperty({ example: 5678 }) downloads_all_time: number;
  @ApiProperty({ example: 42 }) likes: number;
  @ApiProperty({ example: 3.5 }) trending_score: number;
}

export class RecentStatsQueryDto {
  @ApiPropertyOptional({ default: 30, minimum: 1, maximum: 365 }) @IsOptional() @QueryInt() @IsInt() @Min(1) @Max(365) days?: number;
}

export class DailyStatsDto {
  @ApiProperty({ example: '2026-11-23' }) date: string;
  @ApiProperty({ example: 45 }) downloads: number;
  @ApiProperty({ example: 30 }) authenticated: number;
  @ApiProperty({ example: 15 }) anonymous: number;
  @ApiProperty({ example: 120 }) files: number;
}

export class PeriodDto {
  @ApiProperty({ example: '2026-10-25' }) start: string;
  @ApiProperty({ example: '2026-11-23' }) end: string;
  @ApiProperty({ example: 30 }) days: number;
}

export class RecentStatsDto {
  @ApiProperty({ type: [DailyStatsDto], description: 'One entry per day of the period, from the daily rollup (days not rolled up yet are absent)' }) stats: DailyStatsDto[];
  @ApiProperty({ type: PeriodDto }) period: PeriodDto;
}

export class TrendingQueryDto {
  @ApiPropertyOptional({ enum: ['model', 'dataset', 'space'], default: 'model' }) @IsOptional() @IsIn(['model', 'dataset', 'space']) repo_type?: 'model' | 'dataset' | 'space';
  @ApiPropertyOptional({ default: 7, minimum: 1, maximum: 90 }) @IsOptional() @QueryInt() @IsInt() @Min(1) @Max(90) days?: number;
  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 100 }) @IsOptional() @QueryInt() @IsInt() @Min(1) @Max(100) limit?: number;
}

export class TrendingRepoDto {
  @ApiProperty({ example: 'org/hot-model' }) id: string;
  @ApiProperty({ enum: ['model', 'dataset', 'space'] }) type: string;
  @ApiProperty({ example: 5000 }) downloads: number;
  @ApiProperty({ example: 200 }) likes: number;
  @ApiProperty({ example: 1500, description: 'Download sessions within the period (rolled-up days)' }) recent_downloads: number;
  @ApiProperty({ example: 12.5 }) trending_score: number;
  @ApiProperty({ example: false }) private: boolean;
}

export class TrendingDto {
  @ApiProperty({ type: [TrendingRepoDto] }) trending: TrendingRepoDto[];
  @ApiProperty({ type: PeriodDto }) period: PeriodDto;
}
