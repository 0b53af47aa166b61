import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { StrictInput } from '../../core/errors/validation';
import { QueryBoolean, QueryInt } from '../../core/http/query-transforms';

@StrictInput()
export class ListObjectsQueryDto {
  @ApiPropertyOptional({ description: 'Bucket name (empty: the configured one)', example: '' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  bucket?: string;

  @ApiPropertyOptional({ example: 'lfs/ab/', default: '' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  prefix?: string;

  @ApiPropertyOptional({ default: 1000, minimum: 1, maximum: 1000 })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ description: 'Continue after this key (the previous page’s next_start_after)' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  start_after?: string;
}

@StrictInput()
export class ForceQueryDto {
  @ApiPropertyOptional({ default: false, description: 'Delete even what a repository still references (breaks it)' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  force?: boolean;
}

@StrictInput()
export class PrepareDeleteQueryDto {
  @ApiProperty({ example: 'old_folder/' })
  @IsString()
  @MaxLength(1024)
  prefix: string;
}

@StrictInput()
export class DeletePrefixQueryDto extends ForceQueryDto {
  @ApiProperty({ example: 'old_folder/' })
  @IsString()
  @MaxLength(1024)
  prefix: string;

  @ApiProperty({ example: 'hsd_AbCdEf0123456789AbCdEf0123456789AbCd', description: 'From prepare-delete, for this prefix, within 60 s; works once' })
  @IsString()
  @MaxLength(200)
  confirm_token: string;
}

export class StorageListProbeDto {
  @ApiProperty() success: boolean;
  @ApiProperty({ example: 3 }) key_count: number;
  @ApiProperty({ type: [String], example: ['git/objects/ab/ab12…'] }) sample_keys: string[];
  @ApiProperty({ nullable: true, type: String }) error: string | null;
}

export class StorageDebugDto {
  @ApiProperty({ enum: ['fs', 's3'] }) driver: string;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'http://minio:9000', description: 's3 driver only (null: AWS default)' }) endpoint?: string | null;
  @ApiProperty({ example: 'hub-storage', description: 'The S3 bucket, or "local" for the fs driver' }) bucket: string;
  @ApiPropertyOptional({ example: 'us-east-1' }) region?: string;
  @ApiPropertyOptional({ example: true }) force_path_style?: boolean;
  @ApiPropertyOptional({ example: '/var/lib/hangar/objects', description: 'fs driver only' }) root?: string;
  @ApiProperty({ example: true }) bucket_accessible: boolean;
  @ApiProperty({ nullable: true, type: String }) error: string | null;
  @ApiProperty({ type: StorageListProbeDto }) test_list: StorageListProbeDto;
}

export class BucketDto {
  @ApiProperty({ example: 'hub-storage' }) name: string;
  @ApiProperty({ nullable: true, type: String, example: '2026-11-23T10:00:00.000Z' }) creation_date: string | null;
  @ApiProperty({ example: 107374182400 }) total_size: number;
  @ApiProperty({ example: 2500 }) object_count: number;
}

export class BucketListDto {
  @ApiProperty({ type: [BucketDto] }) buckets: BucketDto[];
}

export class StorageObjectDto {
  @ApiProperty({ example: 'lfs/ab/cd/abcd…' }) key: string;
  @ApiProperty({ example: 'lfs/ab/cd/abcd…' }) full_key: string;
  @ApiProperty({ example: 536870912 }) size: number;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) last_modified: string;
  @ApiProperty({ example: 'STANDARD' }) storage_class: string;
}

export class StorageObjectListDto {
  @ApiProperty({ type: [StorageObjectDto] }) objects: StorageObjectDto[];
  @ApiProperty({ example: 'hub-storage' }) bucket: string;
  @ApiProperty({ example: '' }) prefix: string;
  @ApiProperty({ example: false }) is_truncated: boolean;
  @ApiProperty({ example: 1 }) key_count: number;
  @ApiProperty({ nullable: true, type: String, description: 'Pass as start_after for the next page' }) next_start_after: string | null;
}

export class ObjectReferenceDto {
  @ApiProperty({ enum: ['git-object', 'lfs-object', 'xet-xorb', 'lfs-upload', 'avatar'] }) kind: string;
  @ApiProperty({ type: [String], example: ['model:alice/my-model'] }) repositories: string[];
  @ApiProperty({ required: false, example: 'alice', description: "For an avatar: the user or organization whose picture it is" }) namespace?: string;
}

export class DeleteObjectDto {
  @ApiProperty({ example: true }) success: boolean;
  @ApiProperty({ example: 'Object deleted: lfs/ab/cd/abc123def' }) message: string;
  @ApiProperty({ type: [ObjectReferenceDto], description: 'What referenced it (non-empty only with force=true)' }) references: ObjectReferenceDto[];
}

export class PrepareDeleteDto {
  @ApiProperty({ example: 'hsd_AbCdEf0123456789AbCdEf0123456789AbCd' }) confirm_token: string;
  @ApiProperty({ example: 'old_folder/' }) prefix: string;
  @ApiProperty({ example: 42 }) estimated_objects: number;
  @ApiProperty({ example: 0, description: 'Of those, objects a repository still references (deleting them needs force=true)' }) referenced_objects: number;
  @ApiProperty({ example: 60 }) expires_in: number;
}

export class DeletePrefixDto {
  @ApiProperty({ example: true }) success: boolean;
  @ApiProperty({ example: 42 }) deleted_count: number;
  @ApiProperty({ example: 0 }) referenced_deleted_count: number;
  @ApiProperty({ example: 'old_folder/' }) prefix: string;
}
