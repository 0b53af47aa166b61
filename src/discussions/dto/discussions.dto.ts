import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { QueryBoolean, QueryInt } from '../../core/http/query-transforms';

// Length limits here only bound what is read; the service gives the precise 400 (InvalidTitle, CommentTooLong).
const READ_LIMIT = 1024 * 1024;

export class DiscussionNumParams {
  @ApiProperty({ example: 'alice' }) @IsString() namespace: string;
  @ApiProperty({ example: 'my-model' }) @IsString() repo: string;
  @ApiProperty({ example: 1, description: 'The discussion or pull request number' })
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(2_000_000_000)
  num: number;
}

export class CommentParams extends DiscussionNumParams {
  @ApiProperty({ example: '0123456789abcdef01234567' }) @IsString() @MaxLength(64) commentId: string;
}

export class ListDiscussionsQueryDto {
  @ApiPropertyOptional({ description: 'Page index (50 per page)', example: 0 }) @IsOptional() @QueryInt() @IsInt() @Min(0) @Max(1_000_000) p?: number;
  @ApiPropertyOptional({ enum: ['all', 'discussion', 'pull_request'] }) @IsOptional() @IsIn(['all', 'discussion', 'pull_request']) type?: 'all' | 'discussion' | 'pull_request';
  @ApiPropertyOptional({ enum: ['all', 'open', 'closed'], description: 'open includes drafts, closed includes merged pull requests' })
  @IsOptional()
  @IsIn(['all', 'open', 'closed'])
  status?: 'all' | 'open' | 'closed';
  @ApiPropertyOptional({ description: 'Author user name' }) @IsOptional() @IsString() @MaxLength(96) author?: string;
}

export class DiscussionDetailsQueryDto {
  @ApiPropertyOptional({ description: 'Include the pull request diff' }) @IsOptional() @QueryBoolean() @IsBoolean() diff?: boolean;
}

export class CreateDiscussionDto {
  @ApiProperty({ example: 'Fix the config', maxLength: 200 }) @IsString() @MaxLength(READ_LIMIT) title: string;
  @ApiPropertyOptional({ description: 'Markdown; becomes the first comment' }) @IsOptional() @IsString() @MaxLength(READ_LIMIT) description?: string;
  @ApiPropertyOptional({ description: 'Open an empty draft pull request (refs/pr/N) instead of a discussion' }) @IsOptional() @IsBoolean() pullRequest?: boolean;
}

export class CommentDto {
  @ApiProperty({ example: 'Looks good', maxLength: 65536 }) @IsString() @MaxLength(READ_LIMIT) comment: string;
}

export class RenameDto {
  @ApiProperty({ example: 'A better title', maxLength: 200 }) @IsString() @MaxLength(READ_LIMIT) title: string;
}

export class StatusDto {
  @ApiProperty({ enum: ['open', 'closed'] }) @IsIn(['open', 'closed']) status: 'open' | 'closed';
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(READ_LIMIT) comment?: string;
}

export class MergeDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(READ_LIMIT) comment?: string;
}

export class EditCommentDto {
  @ApiProperty({ example: 'Edited text' }) @IsString() @MaxLength(READ_LIMIT) content: string;
}

export class DiscussionUserDto {
  @ApiProperty({ example: 'alice' }) name: string;
  @ApiProperty() fullname: string;
  @ApiProperty() avatarUrl: string;
  @ApiProperty({ enum: ['user'] }) type: string;
  @ApiProperty() isPro: boolean;
  @ApiProperty() isHf: boolean;
}

export class DiscussionRepoDto {
  @ApiProperty({ example: 'alice/my-model' }) name: string;
  @ApiProperty({ enum: ['model', 'dataset', 'space'] }) type: string;
}

export class DiscussionEventDto {
  @ApiProperty({ example: '0123456789abcdef01234567' }) id: string;
  @ApiProperty({ enum: ['comment', 'status-change', 'title-change', 'commit'] }) type: string;
  @ApiProperty() createdAt: string;
  @ApiPropertyOptional({ type: DiscussionUserDto, description: 'Absent when the account was deleted' }) author?: DiscussionUserDto;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'comment: {edited, hidden, latest: {raw, html, updatedAt, author}, history, numEdits}; status-change: {status}; title-change: {from, to}; commit: {subject, oid}',
  })
  data: Record<string, unknown>;
}

export class DiscussionDto {
  @ApiProperty({ example: 1 }) num: number;
  @ApiProperty() title: string;
  @ApiProperty({ enum: ['draft', 'open', 'merged', 'closed'] }) status: string;
  @ApiProperty() createdAt: string;
  @ApiProperty() isPullRequest: boolean;
  @ApiPropertyOptional({ type: DiscussionUserDto }) author?: DiscussionUserDto;
  @ApiProperty({ type: DiscussionRepoDto }) repo: DiscussionRepoDto;
  @ApiProperty() numComments: number;
  @ApiProperty() pinned: boolean;
  @ApiProperty({ type: [Object] }) topReactions: unknown[];
}

export class CreatedDiscussionDto extends DiscussionDto {
  @ApiProperty({ example: '/alice/my-model/discussions/1' }) url: string;
}

export class DiscussionListDto {
  @ApiProperty({ type: [DiscussionDto] }) discussions: DiscussionDto[];
  @ApiProperty({ description: 'How many match the filters' }) count: number;
  @ApiProperty({ description: 'Index of the first one of this page' }) start: number;
  @ApiProperty() numClosedDiscussions: number;
}

export class PullRequestChangesDto {
  @ApiProperty({ example: 'refs/heads/main' }) base: string;
  @ApiPropertyOptional({ description: 'The commit refs/pr/N points at' }) head?: string;
  @ApiPropertyOptional({ description: 'Merged pull requests: the commit the target branch moved to' }) mergeCommitId?: string;
}

export class DiscussionDetailsDto extends DiscussionDto {
  @ApiProperty({ type: [DiscussionEventDto] }) events: DiscussionEventDto[];
  @ApiProperty() locked: boolean;
  @ApiPropertyOptional({ type: PullRequestChangesDto, description: 'Pull requests only' }) changes?: PullRequestChangesDto;
  @ApiPropertyOptional({ type: [String], description: 'Pull requests only: paths changed on both sides since the merge base' }) filesWithConflicts?: string[];
  @ApiPropertyOptional({ description: 'Pull requests, with ?diff=1: git diff of the head against the merge base' }) diff?: string;
}

export class NewMessageDto {
  @ApiProperty({ type: DiscussionEventDto }) newMessage: DiscussionEventDto;
}
export class NewTitleDto {
  @ApiProperty({ type: DiscussionEventDto }) newTitle: DiscussionEventDto;
}
export class NewStatusDto {
  @ApiProperty({ type: DiscussionEventDto }) newStatus: DiscussionEventDto;
}
export class UpdatedCommentDto {
  @ApiProperty({ type: DiscussionEventDto }) updatedComment: DiscussionEventDto;
}
export class MergedDto {
  @ApiProperty({ enum: ['merged'] }) status: string;
}
