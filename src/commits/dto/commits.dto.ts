import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsNotEmpty, IsOptional, IsString, MaxLength, Min, ValidateNested } from 'class-validator';
import { QueryBoolean } from '../../core/http/query-transforms';

export class PreuploadFileDto {
  @ApiProperty({ example: 'config.json' }) @IsString() @IsNotEmpty() @MaxLength(1024) path: string;
  @ApiProperty({ example: 1234 }) @IsInt() @Min(0) size: number;
  @ApiPropertyOptional({ description: 'base64 of the first 512 bytes' }) @IsOptional() @IsString() @MaxLength(4096) sample?: string;
  @ApiPropertyOptional({ description: 'sha256 of the content, when known' }) @IsOptional() @IsString() @MaxLength(64) sha256?: string;
}

export class PreuploadDto {
  @ApiProperty({ type: [PreuploadFileDto] })
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => PreuploadFileDto)
  files: PreuploadFileDto[];

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1024 * 1024) gitAttributes?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1024 * 1024) gitIgnore?: string;
}

export class PreuploadResultFileDto {
  @ApiProperty({ example: 'config.json' }) path: string;
  @ApiProperty({ enum: ['regular', 'lfs'] }) uploadMode: 'regular' | 'lfs';
  @ApiProperty({ example: false, description: 'The repository\'s .gitignore (or the request\'s gitIgnore) excludes this path' }) shouldIgnore: boolean;
  @ApiPropertyOptional({
    description: 'What is at this path now, if anything: the sha256 of an LFS file\'s content, else the git blob id',
    nullable: true,
    type: String,
  })
  oid?: string | null;
}

export class PreuploadResponseDto {
  @ApiProperty({ type: [PreuploadResultFileDto] }) files: PreuploadResultFileDto[];
  @ApiProperty({ example: 'a9993e364706816aba3e25717850c26c9cd0d89d' }) commitOid: string;
}

export class CreatePrQueryDto {
  @ApiPropertyOptional({ description: 'Commit to a new refs/pr/N instead of the revision' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  create_pr?: boolean;
}

export class CommitResponseDto {
  @ApiProperty({ example: 'a9993e364706816aba3e25717850c26c9cd0d89d' }) commitOid: string;
  @ApiProperty({ example: 'http://localhost:3000/alice/m/commit/a9993e364706816aba3e25717850c26c9cd0d89d' }) commitUrl: string;
  @ApiProperty({ nullable: true, type: String, example: null }) pullRequestUrl: string | null;
  @ApiProperty({ example: true }) success: boolean;
}
