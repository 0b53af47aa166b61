import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBase64, IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { QueryBoolean, QueryInt } from '../../core/http/query-transforms';
import { REPO_TYPES, type RepoType } from '../repo.types';

/** "protected" (a space whose app is public) is stored as private: its files are not public. */
export const VISIBILITIES = ['public', 'private', 'protected'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/** `private` (0.x clients) or `visibility` (newer ones): private when either says so. */
export function isPrivate(dto: { private?: boolean; visibility?: Visibility }): boolean | undefined {
  if (dto.visibility !== undefined) return dto.visibility !== 'public';
  return dto.private;
}

/** A file of the first commit, as @huggingface/hub's createRepo sends it. */
export class CreateRepoFileDto {
  @ApiProperty({ example: 'README.md' }) @IsString() @IsNotEmpty() @MaxLength(1024) path: string;
  @ApiProperty({ example: 'IyBIZWxsbwo=', description: 'base64 of the content' }) @IsString() @IsBase64() content: string;
  @ApiPropertyOptional({ enum: ['base64'], default: 'base64' }) @IsOptional() @IsIn(['base64']) encoding?: 'base64';
}

export class CreateRepoDto {
  @ApiProperty({ example: 'my-model', description: 'Repository name (or "namespace/name")' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ example: 'acme', description: 'Organization to create it in; default: your own namespace' })
  @IsOptional()
  @IsString()
  @MaxLength(96)
  organization?: string;

  @ApiPropertyOptional({ enum: REPO_TYPES, default: 'model' })
  @IsOptional()
  @IsIn(REPO_TYPES)
  type?: RepoType;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  private?: boolean;

  @ApiPropertyOptional({ enum: VISIBILITIES, description: 'What huggingface_hub ≥ 1.x sends instead of `private`' })
  @IsOptional()
  @IsIn(VISIBILITIES)
  visibility?: Visibility;

  @ApiPropertyOptional({ example: 'gradio', description: 'Spaces only' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  sdk?: string;

  @ApiPropertyOptional({ example: 'mit', description: 'Written into the front matter of the first commit\'s README.md' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  license?: string;

  @ApiPropertyOptional({ type: [CreateRepoFileDto], description: 'Committed in the first commit; a .gitattributes or README.md here replaces the default one' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => CreateRepoFileDto)
  files?: CreateRepoFileDto[];

  // Accepted for compatibility with huggingface_hub, which sends them; not used yet.
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) hardware?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) storageTier?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) resourceGroupId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) sleepTime?: string;
  @ApiPropertyOptional() @IsOptional() secrets?: unknown;
  @ApiPropertyOptional() @IsOptional() variables?: unknown;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) template?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() exist_ok?: boolean;
}

export class CreateRepoResponseDto {
  @ApiProperty({ example: 'http://localhost:3000/alice/my-model' }) url: string;
  @ApiProperty({ example: 'alice/my-model' }) name: string;
  @ApiProperty({ example: 'alice/my-model' }) id: string;
}

export class DeleteRepoDto {
  @ApiProperty({ example: 'my-model' }) @IsString() @IsNotEmpty() @MaxLength(200) name: string;
  @ApiPropertyOptional({ example: 'acme' }) @IsOptional() @IsString() @MaxLength(96) organization?: string;
  @ApiPropertyOptional({ enum: REPO_TYPES, default: 'model' }) @IsOptional() @IsIn(REPO_TYPES) type?: RepoType;
}

export class MoveRepoDto {
  @ApiProperty({ example: 'alice/old-name' }) @IsString() @IsNotEmpty() @MaxLength(200) fromRepo: string;
  @ApiProperty({ example: 'acme/new-name' }) @IsString() @IsNotEmpty() @MaxLength(200) toRepo: string;
  @ApiPropertyOptional({ enum: REPO_TYPES, default: 'model' }) @IsOptional() @IsIn(REPO_TYPES) type?: RepoType;
}

export class RepoSettingsDto {
  @ApiPropertyOptional({ example: true }) @IsOptional() @IsBoolean() private?: boolean;
  @ApiPropertyOptional({ enum: VISIBILITIES, description: 'What huggingface_hub ≥ 1.x sends instead of `private`' })
  @IsOptional()
  @IsIn(VISIBILITIES)
  visibility?: Visibility;
  @ApiPropertyOptional({ enum: ['auto', 'manual', false], description: 'Gating: files need an accepted access request (auto: accepted when asked); false turns it off' })
  @IsOptional()
  @IsIn(['auto', 'manual', false])
  gated?: 'auto' | 'manual' | false;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) description?: string;
  @ApiPropertyOptional({ example: false, description: 'Turn discussions off (true) or on: while off, opening discussions and commenting answer 403 DiscussionsDisabled; the repository\'s writers still open pull requests and comment' })
  @IsOptional()
  @IsBoolean()
  discussionsDisabled?: boolean;
  @ApiPropertyOptional({ example: false, description: 'The same switch as discussionsDisabled, as snake case (either spelling is read; discussionsDisabled wins when both are sent)' })
  @IsOptional()
  @IsBoolean()
  discussions_disabled?: boolean;
  @ApiPropertyOptional({ description: 'Sent by huggingface_hub 0.x (`xet_enabled`); accepted and ignored: every Hangar repository takes Xet and LFS uploads alike' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  xetEnabled?: boolean;

  @ApiPropertyOptional({ nullable: true, type: Number, example: 5242880, description: 'Files at least this large are LFS; null: server default' })
  @IsOptional()
  @IsInt()
  @Min(1)
  lfs_threshold_bytes?: number | null;

  @ApiPropertyOptional({ nullable: true, type: [String], example: ['.safetensors', '.gguf'], description: 'Files ending so are always LFS; null: server default' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(/^\.?[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/, { each: true, message: 'each suffix rule must look like ".ext"' })
  lfs_suffix_rules?: string[] | null;

  @ApiPropertyOptional({ nullable: true, type: Number, example: 5, description: 'LFS versions kept per path (older ones are pruned); null: server default' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100000)
  lfs_keep_versions?: number | null;
}

export class LfsSettingsDto {
  @ApiProperty({ nullable: true, type: Number, example: null }) lfs_threshold_bytes: number | null;
  @ApiProperty({ example: 10485760 }) lfs_threshold_bytes_effective: number;
  @ApiProperty({ enum: ['repository', 'server_default'] }) lfs_threshold_bytes_source: string;
  @ApiProperty({ nullable: true, type: [String], example: null }) lfs_suffix_rules: string[] | null;
  @ApiProperty({ type: [String], example: [] }) lfs_suffix_rules_effective: string[];
  @ApiProperty({ enum: ['repository', 'server_default'] }) lfs_suffix_rules_source: string;
  @ApiProperty({ nullable: true, type: Number, example: null }) lfs_keep_versions: number | null;
  @ApiProperty({ nullable: true, type: Number, example: null, description: 'null: every version is kept' }) lfs_keep_versions_effective: number | null;
  @ApiProperty({ enum: ['repository', 'server_default'] }) lfs_keep_versions_source: string;
}

export class OkResponseDto {
  @ApiProperty({ example: true }) success: boolean;
}

export class ListReposQueryDto {
  @ApiPropertyOptional({ description: 'Substring of "namespace/name"' }) @IsOptional() @IsString() @MaxLength(200) search?: string;
  @ApiPropertyOptional({ example: 'alice' }) @IsOptional() @IsString() @MaxLength(96) author?: string;
  @ApiPropertyOptional({ description: 'Tag(s) every result must have' }) @IsOptional() filter?: string | string[];
  @ApiPropertyOptional({ type: [String], description: 'Tag(s) every result must have: the card\'s library_name' }) @IsOptional() library?: string | string[];
  @ApiPropertyOptional({ type: [String], description: 'Language tag(s) every result must have' }) @IsOptional() language?: string | string[];
  @ApiPropertyOptional({ example: 'text-classification', description: 'The card\'s pipeline_tag' }) @IsOptional() @IsString() @MaxLength(200) pipeline_tag?: string;
  @ApiPropertyOptional({ description: 'Only gated (true) or only ungated (false) repositories' }) @IsOptional() @QueryBoolean() @IsBoolean() gated?: boolean;
  @ApiPropertyOptional({ enum: ['lastModified', 'createdAt', 'likes', 'downloads', 'id', 'trendingScore'], description: 'snake_case forms accepted too' })
  @IsOptional()
  @IsIn(['lastModified', 'createdAt', 'likes', 'downloads', 'id', 'trendingScore', 'trending_score', 'last_modified', 'created_at'])
  sort?: string;
  @ApiPropertyOptional({ description: '-1 (descending) or 1' }) @IsOptional() @IsIn(['-1', '1', 'desc', 'asc']) direction?: string;
  @ApiPropertyOptional({ default: 100, maximum: 1000 }) @IsOptional() @QueryInt() @IsInt() @Min(1) @Max(1000) limit?: number;
  @ApiPropertyOptional({ description: 'Opaque cursor from the Link header' }) @IsOptional() @IsString() @MaxLength(100) cursor?: string;
  @ApiPropertyOptional() @IsOptional() @QueryBoolean() @IsBoolean() full?: boolean;
  @ApiPropertyOptional() @IsOptional() @QueryBoolean() @IsBoolean() cardData?: boolean;
  @ApiPropertyOptional() @IsOptional() expand?: string | string[];
}

export class RepoInfoQueryDto {
  @ApiPropertyOptional() @IsOptional() @QueryBoolean() @IsBoolean() blobs?: boolean;
  @ApiPropertyOptional() @IsOptional() expand?: string | string[];
  @ApiPropertyOptional() @IsOptional() @QueryBoolean() @IsBoolean() securityStatus?: boolean;
  @ApiPropertyOptional() @IsOptional() @QueryBoolean() @IsBoolean() files_metadata?: boolean;
}

export class SiblingLfsDto {
  @ApiProperty({ example: 'a9993e364706816aba3e25717850c26c9cd0d89da9993e364706816aba3e2571' }) sha256: string;
  @ApiProperty({ example: 524288000 }) size: number;
  @ApiProperty({ example: 134 }) pointerSize: number;
}

export class RepoSiblingDto {
  @ApiProperty({ example: 'config.json' }) rfilename: string;
  @ApiPropertyOptional({ example: 1234 }) size?: number;
  @ApiPropertyOptional({ example: 'a9993e364706816aba3e25717850c26c9cd0d89d' }) blobId?: string;
  @ApiPropertyOptional({ type: SiblingLfsDto, description: 'LFS files, with blobs=true: the content behind the pointer' }) lfs?: SiblingLfsDto;
}

export class RepoInfoDto {
  @ApiProperty({ example: '42' }) _id: string;
  @ApiProperty({ example: 'alice/my-model' }) id: string;
  @ApiProperty({ example: 'alice' }) author: string;
  @ApiPropertyOptional({ example: 'a9993e364706816aba3e25717850c26c9cd0d89d' }) sha?: string;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) lastModified: string;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) createdAt: string;
  @ApiProperty({ example: false }) private: boolean;
  @ApiProperty({ example: false }) disabled: boolean;
  @ApiProperty({ example: false, description: 'Discussions turned off in the repository settings' }) discussionsDisabled: boolean;
  @ApiProperty({ example: false, oneOf: [{ type: 'boolean' }, { type: 'string', enum: ['auto', 'manual'] }] }) gated: boolean | string;
  @ApiProperty({ example: 0, description: 'Download sessions in the last 30 days' }) downloads: number;
  @ApiProperty({ example: 0, description: 'Download sessions ever' }) downloadsAllTime: number;
  @ApiProperty({ example: 0 }) likes: number;
  @ApiProperty({ example: 0, description: 'From the daily rollup: recent downloads and likes' }) trendingScore: number;
  @ApiProperty({ type: [String], example: ['pytorch', 'license:mit'] }) tags: string[];
  @ApiPropertyOptional({ type: Object, nullable: true }) cardData?: Record<string, unknown> | null;
  @ApiPropertyOptional({ type: [RepoSiblingDto] }) siblings?: RepoSiblingDto[];
  @ApiPropertyOptional({ example: 'gradio' }) sdk?: string;
  @ApiPropertyOptional({ example: 'text-classification', description: 'From the README front matter' }) pipeline_tag?: string;
  @ApiPropertyOptional({ example: 'transformers', description: 'From the README front matter' }) library_name?: string;
}
