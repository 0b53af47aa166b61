import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, MaxLength, ValidateNested, IsObject, IsInt, Min } from 'class-validator';

export const MAX_BATCH_OBJECTS = 1000;

export class BatchObjectDto {
  // Per-object problems (a bad oid or size) are answered per object with 422, as git-lfs expects,
  // so the fields are only type-checked loosely here.
  @ApiProperty({ example: '4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393' }) @IsString() @MaxLength(200) oid: string;
  @ApiProperty({ example: 12345 }) @Allow() size: number;
}

export class BatchRefDto {
  @ApiProperty({ example: 'refs/heads/main' }) @IsString() @MaxLength(255) name: string;
}

export class BatchRequestDto {
  @ApiProperty({ enum: ['upload', 'download'] }) @IsIn(['upload', 'download']) operation: 'upload' | 'download';
  @ApiPropertyOptional({ type: [String], example: ['basic', 'multipart'] }) @IsOptional() @IsArray() @IsString({ each: true }) transfers?: string[];
  @ApiPropertyOptional({ type: BatchRefDto }) @IsOptional() @IsObject() ref?: BatchRefDto;
  @ApiProperty({ type: [BatchObjectDto] })
  @IsArray()
  @ArrayMaxSize(MAX_BATCH_OBJECTS)
  @ValidateNested({ each: true })
  @Type(() => BatchObjectDto)
  objects: BatchObjectDto[];
  // @huggingface/hub spells it "sha_256"; git-lfs and huggingface_hub "sha256".
  @ApiPropertyOptional({ example: 'sha256', enum: ['sha256', 'sha_256'] }) @IsOptional() @IsIn(['sha256', 'sha_256']) hash_algo?: string;
}

export class BatchActionDto {
  @ApiProperty() href: string;
  @ApiPropertyOptional({ type: Object, description: 'multipart: chunk_size then part URLs "1", "2", … in order' }) header?: Record<string, string>;
  @ApiPropertyOptional({ example: 86400 }) expires_in?: number;
}

export class BatchObjectResultDto {
  @ApiProperty() oid: string;
  @ApiProperty() size: number;
  @ApiPropertyOptional() authenticated?: boolean;
  @ApiPropertyOptional({ type: Object, description: 'upload / verify / download actions; absent when the server already has the object' })
  actions?: Record<string, BatchActionDto>;
  @ApiPropertyOptional({ type: Object, example: { code: 404, message: 'Object does not exist' } }) error?: { code: number; message: string };
}

export class BatchResponseDto {
  @ApiProperty({ example: 'basic' }) transfer: string;
  @ApiProperty({ type: [BatchObjectResultDto] }) objects: BatchObjectResultDto[];
  @ApiProperty({ example: 'sha256' }) hash_algo: string;
}

export class VerifyDto {
  @ApiProperty() @IsString() @MaxLength(200) oid: string;
  @ApiProperty() @IsInt() @Min(0) size: number;
}

export class CompletePartDto {
  @ApiProperty({ example: 1 }) @IsInt() @Min(1) partNumber: number;
  @ApiProperty({ example: '"5d41402abc4b2a76b9719d911017c592"' }) @IsString() @MaxLength(200) etag: string;
}

export class CompleteMultipartDto {
  @ApiProperty() @IsString() @MaxLength(200) oid: string;
  @ApiProperty({ type: [CompletePartDto] })
  @IsArray()
  @ArrayMaxSize(10000)
  @ValidateNested({ each: true })
  @Type(() => CompletePartDto)
  parts: CompletePartDto[];
}

export class SignedQueryDto {
  @ApiProperty({ description: 'Unix seconds' }) @IsString() @MaxLength(20) expires: string;
  @ApiProperty({ description: 'HMAC signature' }) @IsString() @MaxLength(200) sig: string;
}

export class LfsOkDto {
  @ApiProperty({ example: 'ok' }) message: string;
}
