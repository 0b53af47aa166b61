import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { QueryInt } from '../../../core/http/query-transforms';

/** Locks per page when the client names no limit, and the most one page holds (larger limits are lowered to it). */
export const DEFAULT_LOCKS_PAGE = 100;
export const MAX_LOCKS_PAGE = 1000;

/** Lock ids are opaque strings to git-lfs; Hangar's are decimal row ids. Cursors are lock ids. */
const CURSOR = /^\d{1,18}$/;

export class LockRefDto {
  // git-lfs sends `"ref": {}` when it cannot name the remote ref (`name` is omitempty).
  @ApiPropertyOptional({ example: 'refs/heads/main' }) @IsOptional() @IsString() @MaxLength(255) name?: string;
}

export class CreateLockDto {
  @ApiProperty({ example: 'models/weights.bin', description: 'Path relative to the repository root, with forward slashes' })
  @IsString()
  @MinLength(1)
  @MaxLength(4096)
  @Matches(/^[^\x00-\x1f]+$/, { message: 'path must not contain control characters' })
  path: string;

  @ApiPropertyOptional({ type: LockRefDto, description: 'Recorded with the lock; locks are repository-wide (one per path)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => LockRefDto)
  ref?: LockRefDto;
}

export class ListLocksQueryDto {
  @ApiPropertyOptional({ example: 'models/weights.bin', description: 'Only the lock on this exact path' })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  path?: string;

  @ApiPropertyOptional({ example: '42', description: 'Only the lock with this id' }) @IsOptional() @IsString() @MaxLength(40) id?: string;

  @ApiPropertyOptional({ example: '17', description: '`next_cursor` of the previous page' })
  @IsOptional()
  @IsString()
  @Matches(CURSOR, { message: 'cursor must be a next_cursor this server returned' })
  cursor?: string;

  @ApiPropertyOptional({ default: DEFAULT_LOCKS_PAGE, maximum: MAX_LOCKS_PAGE, description: `Locks per page; more than ${MAX_LOCKS_PAGE} is lowered to it` })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  limit?: number;

  @ApiPropertyOptional({ example: 'refs/heads/main', description: 'Accepted for git-lfs; locks are repository-wide, so it does not filter' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  refspec?: string;
}

export class VerifyLocksDto {
  @ApiPropertyOptional({ type: LockRefDto }) @IsOptional() @ValidateNested() @Type(() => LockRefDto) ref?: LockRefDto;

  @ApiPropertyOptional({ example: '17', description: '`next_cursor` of the previous page' })
  @IsOptional()
  @IsString()
  @Matches(CURSOR, { message: 'cursor must be a next_cursor this server returned' })
  cursor?: string;

  @ApiPropertyOptional({ default: DEFAULT_LOCKS_PAGE, maximum: MAX_LOCKS_PAGE, description: `Locks per page; more than ${MAX_LOCKS_PAGE} is lowered to it` })
  @IsOptional()
  @IsInt()
  @Min(1)
  limit?: number;
}

export class UnlockDto {
  @ApiPropertyOptional({ default: false, description: "Break another user's lock (repository admins only)" }) @IsOptional() @IsBoolean() force?: boolean;
  @ApiPropertyOptional({ type: LockRefDto }) @IsOptional() @ValidateNested() @Type(() => LockRefDto) ref?: LockRefDto;
}

export class LockOwnerDto {
  @ApiProperty({ example: 'alice' }) name: string;
}

export class LockDto {
  @ApiProperty({ example: '42' }) id: string;
  @ApiProperty({ example: 'models/weights.bin' }) path: string;
  @ApiProperty({ example: '2025-01-31T12:00:00.000Z', description: 'RFC 3339' }) locked_at: string;
  @ApiProperty({ type: LockOwnerDto }) owner: LockOwnerDto;
}

export class LockResponseDto {
  @ApiProperty({ type: LockDto }) lock: LockDto;
}

export class LockConflictDto {
  @ApiProperty({ type: LockDto, description: 'The lock that already holds the path' }) lock: LockDto;
  @ApiProperty({ example: 'already created lock' }) message: string;
}

export class LockListDto {
  @ApiProperty({ type: [LockDto], description: 'Newest first' }) locks: LockDto[];
  @ApiPropertyOptional({ example: '17', description: 'Pass as `cursor` for the next page; absent on the last' }) next_cursor?: string;
}

export class VerifyLocksResponseDto {
  @ApiProperty({ type: [LockDto], description: "The caller's locks" }) ours: LockDto[];
  @ApiProperty({ type: [LockDto], description: "Other users' locks: a push changing these paths is refused by git-lfs" }) theirs: LockDto[];
  @ApiPropertyOptional({ example: '17' }) next_cursor?: string;
}
