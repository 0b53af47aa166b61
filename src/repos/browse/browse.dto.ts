import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsArray, IsBoolean, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { QueryBoolean, QueryInt } from '../../core/http/query-transforms';

/** A form field sent once arrives as a string, repeated as an array: always an array. */
const AsArray = () => Transform(({ value }) => (typeof value === 'string' ? [value] : value));

export const TREE_DEFAULT_LIMIT = 1000;
export const TREE_EXPAND_DEFAULT_LIMIT = 50;
export const TREE_MAX_LIMIT = 10000;
export const PATHS_INFO_MAX_PATHS = 1000;
/** A paths-info request for more paths than this is a large listing (HANGAR_LIMIT_LISTINGS). */
export const PATHS_INFO_LARGE = 100;

// ---------- tree / paths-info ----------

export class TreeQueryDto {
  @ApiPropertyOptional({ default: false, description: 'List every depth, not only the folder itself' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  recursive?: boolean;

  @ApiPropertyOptional({ default: false, description: 'Add lastCommit and securityFileStatus to each entry' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  expand?: boolean;

  @ApiPropertyOptional({ minimum: 1, maximum: TREE_MAX_LIMIT, description: `Entries per page (default ${TREE_DEFAULT_LIMIT}, ${TREE_EXPAND_DEFAULT_LIMIT} with expand)` })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(TREE_MAX_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page\'s Link header' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  cursor?: string;
}

export class PathsInfoDto {
  @ApiProperty({ type: [String], example: ['config.json', 'checkpoints'], description: `At most ${PATHS_INFO_MAX_PATHS} paths (more: 413)` })
  @AsArray()
  @IsArray()
  @IsString({ each: true })
  @MaxLength(1024, { each: true })
  paths: string[];

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  expand?: boolean;
}

export class LastCommitDto {
  @ApiProperty({ example: '6c0c6bfb0f1a3c4d9d2d2e3f0a1b2c3d4e5f6a7b' }) id: string;
  @ApiProperty({ example: 'Upload weights' }) title: string;
  @ApiProperty({ example: '2025-01-31T12:00:00.000Z' }) date: string;
}

export class SecurityFileStatusDto {
  @ApiProperty({ example: 'unscanned', description: 'Hangar does not scan files (yet)' }) status: string;
  @ApiProperty({ type: Object, nullable: true, example: null, description: 'Antivirus result; null when unscanned' }) avScan: Record<string, unknown> | null;
  @ApiProperty({ type: Object, nullable: true, example: null, description: 'Pickle imports; null when unscanned' }) pickleImportScan: Record<string, unknown> | null;
}

export class LfsInfoDto {
  @ApiProperty({ example: '4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393', description: 'sha256 of the content' }) oid: string;
  @ApiProperty({ example: 209715200 }) size: number;
  @ApiProperty({ example: 134, description: 'Size of the pointer blob in git' }) pointerSize: number;
}

export class TreeEntryDto {
  @ApiProperty({ enum: ['file', 'directory'], example: 'file' }) type: 'file' | 'directory';
  @ApiProperty({ example: 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391', description: 'Git blob id (file) or tree id (directory)' }) oid: string;
  @ApiProperty({ example: 1234, description: 'Bytes; 0 for directories' }) size: number;
  @ApiProperty({ example: 'checkpoints/config.json' }) path: string;
  @ApiPropertyOptional({ type: LfsInfoDto, description: 'LFS files: the content behind the pointer' }) lfs?: LfsInfoDto;
  @ApiPropertyOptional({
    example: '96e637d9665bd35477b1908a23f2e254edfba0618dbd2d62f90a6baee7d139cf',
    description: 'LFS files stored as Xet: the Xet file hash (download it through the CAS reconstructions)',
  })
  xetHash?: string;
  @ApiPropertyOptional({ type: LastCommitDto, description: 'Only with expand' }) lastCommit?: LastCommitDto;
  @ApiPropertyOptional({ type: SecurityFileStatusDto, description: 'Only with expand, files only' }) securityFileStatus?: SecurityFileStatusDto;
}

// ---------- refs ----------

export class RefsQueryDto {
  @ApiPropertyOptional({ default: false, description: 'Also list pull-request refs (refs/pr/N)' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  include_prs?: boolean;
}

export class GitRefDto {
  @ApiProperty({ example: 'main' }) name: string;
  @ApiProperty({ example: 'refs/heads/main' }) ref: string;
  @ApiProperty({ example: '6c0c6bfb0f1a3c4d9d2d2e3f0a1b2c3d4e5f6a7b' }) targetCommit: string;
}

export class GitRefsDto {
  @ApiProperty({ type: [GitRefDto] }) branches: GitRefDto[];
  @ApiProperty({ type: [GitRefDto] }) tags: GitRefDto[];
  @ApiProperty({ type: [GitRefDto], example: [] }) converts: GitRefDto[];
  @ApiPropertyOptional({ type: [GitRefDto], description: 'Only with include_prs' }) pullRequests?: GitRefDto[];
}

// ---------- commits ----------

export class CommitsQueryDto {
  @ApiPropertyOptional({ default: 0, minimum: 0, description: 'Page, 0-based' })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  p?: number;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ example: 'formatted', description: '"formatted" adds HTML-escaped title and message (also sent as `expand[]`)' })
  @IsOptional()
  @AsArray()
  @IsArray()
  @IsString({ each: true })
  @MaxLength(32, { each: true })
  expand?: string[];
}

export class CommitAuthorDto {
  @ApiProperty({ example: 'alice' }) user: string;
  @ApiProperty({ example: 'http://localhost:3000/avatars/alice.svg' }) avatar: string;
}

export class FormattedCommitDto {
  @ApiProperty({ example: 'Upload weights' }) title: string;
  @ApiProperty({ example: '' }) message: string;
}

export class CommitDto {
  @ApiProperty({ example: '6c0c6bfb0f1a3c4d9d2d2e3f0a1b2c3d4e5f6a7b' }) id: string;
  @ApiProperty({ example: 'Upload weights' }) title: string;
  @ApiProperty({ example: 'Longer description', description: 'The commit message without its title line' }) message: string;
  @ApiProperty({ example: '2025-01-31T12:00:00.000Z' }) date: string;
  @ApiProperty({ type: [CommitAuthorDto] }) authors: CommitAuthorDto[];
  @ApiPropertyOptional({ type: FormattedCommitDto, description: 'Only with expand[]=formatted' }) formatted?: FormattedCommitDto;
}

// ---------- branches and tags ----------

export class SquashBranchDto {
  @ApiPropertyOptional({ example: "Super-squash branch 'main' using huggingface_hub", description: 'Message of the one commit left; default: "Super-squash branch \'<branch>\'"' })
  @IsOptional()
  @IsString()
  @MaxLength(65536)
  message?: string;
}

export class SquashedBranchDto {
  @ApiProperty({ example: '0123456789abcdef0123456789abcdef01234567', description: 'The one commit the branch now has' }) commitOid: string;
}

export class CreateBranchDto {
  @ApiPropertyOptional({ example: 'main', description: 'Revision to branch from; default: head of the default branch' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  startingPoint?: string;

  @ApiPropertyOptional({ default: false, description: 'Succeed when the branch already exists' })
  @IsOptional()
  @IsBoolean()
  exist_ok?: boolean;

  @ApiPropertyOptional({ default: false, description: 'Start the branch with a parentless commit holding no files (startingPoint is then ignored)' })
  @IsOptional()
  @IsBoolean()
  emptyBranch?: boolean;

  @ApiPropertyOptional({ default: false, description: 'Move the branch to the new start when it already exists (instead of 409)' })
  @IsOptional()
  @IsBoolean()
  overwrite?: boolean;
}

export class CreateTagDto {
  @ApiProperty({ example: 'v1.0' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  tag: string;

  @ApiPropertyOptional({ example: 'First release', description: 'Makes an annotated tag' })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  message?: string;

  @ApiPropertyOptional({ default: false, description: 'Succeed when the tag already exists' })
  @IsOptional()
  @IsBoolean()
  exist_ok?: boolean;
}

/** `{}`: what the hub answers to branch and tag changes. */
export class EmptyResponseDto {}

// ---------- downloads ----------

export class ResolveQueryDto {
  @ApiPropertyOptional({ default: false, description: 'Answer as an attachment (Content-Disposition: attachment)' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  download?: boolean;
}

/** Resolve's answer to `Accept: application/vnd.xet-fileinfo+json` for a file stored as Xet (the same facts as its headers). */
export class XetFileInfoDto {
  @ApiProperty({ example: '96e637d9665bd35477b1908a23f2e254edfba0618dbd2d62f90a6baee7d139cf', description: 'Xet file hash (also `X-Xet-Hash`)' }) hash: string;
  @ApiProperty({ example: 209715200, description: 'File size in bytes (also `X-Linked-Size`)' }) size: number;
  @ApiProperty({ example: '"4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393"', description: 'Quoted sha256 (also `ETag`)' }) etag: string;
  @ApiProperty({ example: 'http://localhost:3000/api/models/alice/m/xet-read-token/6c0c6bfb0f1a3c4d9d2d2e3f0a1b2c3d4e5f6a7b', description: 'Read-token route (`Link` rel="xet-auth")' })
  refreshUrl: string;
  @ApiProperty({ example: 'http://localhost:3000/v1/reconstructions/96e637d9665bd35477b1908a23f2e254edfba0618dbd2d62f90a6baee7d139cf', description: 'Reconstruction (`Link` rel="xet-reconstruction-info")' })
  reconstructionUrl: string;
}
