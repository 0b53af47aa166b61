import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { StrictInput } from '../../core/errors/validation';
import { QueryBoolean, QueryInt } from '../../core/http/query-transforms';
import { SOURCE_TYPES, type SourceType } from '../fallback-source.types';
import { REPO_TYPES } from '../../repos/repo.types';

const NAMESPACE = /^$|^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/;
/** `org/*`, `org/name`, `*`: repository ids with `*` wildcards. */
const PATTERN = /^[A-Za-z0-9._*-]{1,96}(\/[A-Za-z0-9._*-]{1,96})?$/;
/**
 * A hub's base URL (a source's, or the one a user's external token is for). Spelled out as plain
 * decorators where used: the OpenAPI plugin reads them (maxLength, format uri), not a composite.
 */
export const HUB_URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false, require_host: true };
export const HUB_URL_MESSAGE = { message: 'url must be an absolute http(s) URL' };
const MAX_PRIORITY = 1_000_000;

/** Optional, but not nullable: left out keeps a value, `null` is refused (only `token` may be null). */
const Absent = () => ValidateIf((_o, v) => v !== undefined);

@StrictInput()
export class SourceIdParamDto {
  @ApiProperty({ example: 1 })
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  source_id: number;
}

@StrictInput()
export class ListFallbackSourcesQueryDto {
  @ApiPropertyOptional({ description: 'Only sources of this namespace ("" = the global ones)' })
  @IsOptional()
  @IsString()
  @Matches(NAMESPACE, { message: 'namespace must be "" (global) or a user or organization name' })
  namespace?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  enabled?: boolean;
}

/** The fields a create and an update share (all optional). */
export class FallbackSourceCommonDto {
  @ApiPropertyOptional({ description: '"" for a global source, or the user or organization it serves', example: '' })
  @Absent()
  @IsString()
  @Matches(NAMESPACE, { message: 'namespace must be "" (global) or a user or organization name' })
  namespace?: string;

  @ApiPropertyOptional({
    description: 'Token Hangar sends to the upstream; stored encrypted (AES-256-GCM), answered only masked. null or "" removes it.',
    type: String,
    nullable: true,
    example: 'hf_xxxxxxxxxxxxxxxx',
  })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsString()
  @MaxLength(4096)
  token?: string | null;

  @ApiPropertyOptional({ description: 'Higher is asked first', default: 100, minimum: 0, maximum: MAX_PRIORITY })
  @Absent()
  @IsInt()
  @Min(0)
  @Max(MAX_PRIORITY)
  priority?: number;

  @ApiPropertyOptional({ default: true })
  @Absent()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ type: [String], description: 'Only repositories matching one of these (`org/*`, `org/name`); empty: all', example: ['meta-llama/*'] })
  @Absent()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(PATTERN, { each: true, message: 'each pattern must be a repository id with * wildcards, e.g. meta-llama/*' })
  allow_patterns?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Never repositories matching one of these (wins over allow_patterns)', example: [] })
  @Absent()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(PATTERN, { each: true, message: 'each pattern must be a repository id with * wildcards, e.g. meta-llama/*' })
  deny_patterns?: string[];
}

@StrictInput()
export class CreateFallbackSourceDto extends FallbackSourceCommonDto {
  @ApiProperty({ description: 'Base URL of the upstream hub (http or https)', example: 'https://huggingface.co' })
  @IsString()
  @MaxLength(2048)
  @IsUrl(HUB_URL_OPTIONS, HUB_URL_MESSAGE)
  url: string;

  @ApiProperty({ example: 'HuggingFace' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  name: string;

  @ApiProperty({ enum: SOURCE_TYPES, example: 'huggingface' })
  @IsIn(SOURCE_TYPES)
  source_type: SourceType;
}

@StrictInput()
export class UpdateFallbackSourceDto extends FallbackSourceCommonDto {
  @ApiPropertyOptional({ description: 'Base URL of the upstream hub (http or https)', example: 'https://huggingface.co' })
  @Absent()
  @IsString()
  @MaxLength(2048)
  @IsUrl(HUB_URL_OPTIONS, HUB_URL_MESSAGE)
  url?: string;

  @ApiPropertyOptional({ example: 'HuggingFace' })
  @Absent()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  name?: string;

  @ApiPropertyOptional({ enum: SOURCE_TYPES, example: 'huggingface' })
  @Absent()
  @IsIn(SOURCE_TYPES)
  source_type?: SourceType;
}

export class FallbackSourceDto {
  @ApiProperty({ example: 1 }) id: number;
  @ApiProperty({ example: '', description: '"" = global' }) namespace: string;
  @ApiProperty({ example: 'https://huggingface.co' }) url: string;
  @ApiProperty({ type: String, nullable: true, example: 'hf_x…abcd', description: 'The token masked (never whole); null: none set' }) token: string | null;
  @ApiProperty({ example: true }) token_set: boolean;
  @ApiProperty({ example: 100 }) priority: number;
  @ApiProperty({ example: 'HuggingFace' }) name: string;
  @ApiProperty({ enum: SOURCE_TYPES, example: 'huggingface' }) source_type: SourceType;
  @ApiProperty({ example: true }) enabled: boolean;
  @ApiProperty({ type: [String], example: ['meta-llama/*'] }) allow_patterns: string[];
  @ApiProperty({ type: [String], example: [] }) deny_patterns: string[];
  @ApiProperty({ example: '2026-01-01T00:00:00.000Z' }) created_at: string;
  @ApiProperty({ example: '2026-01-01T00:00:00.000Z' }) updated_at: string;
}

export class AvailableFallbackSourceDto {
  @ApiProperty({ example: 'https://huggingface.co' }) url: string;
  @ApiProperty({ example: 'HuggingFace' }) name: string;
  @ApiProperty({ enum: SOURCE_TYPES, example: 'huggingface' }) source_type: SourceType;
  @ApiProperty({ example: 100 }) priority: number;
}

export class FallbackCacheStatsDto {
  @ApiProperty({ example: 12, description: 'Cached file contents (verified)' }) size: number;
  @ApiProperty({ example: 0, description: 'HANGAR_FALLBACK_CACHE_MAX_BYTES, 0 when unlimited' }) maxsize: number;
  @ApiProperty({ example: 60, description: 'How long a branch → commit resolution is trusted (HANGAR_FALLBACK_REF_TTL_SECONDS)' }) ttl_seconds: number;
  @ApiProperty({ example: 0, description: 'bytes / max bytes, in percent (0 when unlimited)' }) usage_percent: number;
  @ApiProperty({ example: 104857600, description: 'Bytes of the cached contents' }) bytes: number;
  @ApiProperty({ type: Number, nullable: true, example: null, description: 'HANGAR_FALLBACK_CACHE_MAX_BYTES (null: no limit)' }) max_bytes: number | null;
}

export class FallbackCacheClearDto {
  @ApiProperty({ example: true }) success: boolean;
  @ApiProperty({ example: 'Fallback cache cleared: 12 files (104857600 bytes) evicted' }) message: string;
  @ApiProperty({ example: 12, description: 'Cached contents before the clear' }) old_size: number;
}

export class FallbackCachedRepoDto {
  @ApiProperty({ enum: REPO_TYPES, example: 'model' }) repo_type: string;
  @ApiProperty({ example: 'meta-llama/llama-3-8b' }) repo_id: string;
  @ApiProperty({ example: 4, description: 'Cached file contents served for it' }) files: number;
  @ApiProperty({ example: 104857600 }) bytes: number;
  @ApiProperty({ example: false, description: 'Pinned: eviction keeps its contents' }) pinned: boolean;
  @ApiProperty({ example: '2026-01-01T00:00:00.000Z' }) last_accessed_at: string;
}

export class FallbackEvictionDto {
  @ApiProperty({ example: true }) success: boolean;
  @ApiProperty({ example: 4, description: 'Contents evicted (pinned ones and ones being downloaded stay)' }) evicted_files: number;
  @ApiProperty({ example: 104857600 }) evicted_bytes: number;
}
