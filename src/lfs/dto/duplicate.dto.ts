import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';

export class DuplicateTargetDto {
  @ApiProperty({ enum: ['model', 'dataset', 'space'], example: 'model' }) @IsIn(['model', 'dataset', 'space']) type: 'model' | 'dataset' | 'space';
  @ApiProperty({ example: 'alice/copy-of-model' }) @IsString() @MaxLength(200) name: string;
}

export class DuplicateFileDto {
  @ApiProperty({ example: '4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393' }) @Matches(/^[0-9a-f]{64}$/) sha256: string;
  @ApiPropertyOptional({ description: 'Xet file hash of the source file (informative)' }) @IsOptional() @IsString() @MaxLength(64) xetHash?: string;
  @ApiPropertyOptional({ example: 'weights/model.safetensors' }) @IsOptional() @IsString() @MaxLength(1000) filename?: string;
}

export class DuplicateLfsFilesDto {
  @ApiProperty({ type: DuplicateTargetDto }) @ValidateNested() @Type(() => DuplicateTargetDto) target: DuplicateTargetDto;
  @ApiProperty({ type: [DuplicateFileDto] }) @IsArray() @ArrayMaxSize(1000) @ValidateNested({ each: true }) @Type(() => DuplicateFileDto) files: DuplicateFileDto[];
}

export class DuplicateFailureDto {
  @ApiProperty() sha256: string;
  @ApiProperty({ example: 'not an LFS file of the source repository' }) error: string;
}

export class DuplicateLfsFilesResponseDto {
  @ApiProperty({ type: [DuplicateFailureDto] }) failed: DuplicateFailureDto[];
}
