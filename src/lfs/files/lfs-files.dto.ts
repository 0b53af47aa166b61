import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsNotEmptyObject, IsOptional, Matches, ValidateNested } from 'class-validator';

export class LfsFileDto {
  @ApiProperty({ example: 'a'.repeat(64), description: 'sha256 of the file: what deletion takes' }) fileOid: string;
  @ApiProperty({ example: 'b'.repeat(40), description: 'Git blob id of its pointer file' }) oid: string;
  @ApiProperty({ example: 1048576 }) size: number;
  @ApiProperty({ example: 'weights/model.safetensors', description: 'A path the file has in some ref\'s history (empty when no ref reaches it)' }) filename: string;
  @ApiProperty({ type: String, format: 'date-time' }) pushedAt: string;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'refs/heads/main', description: 'A ref whose history holds it' }) ref: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Xet file hash, when stored as Xet' }) xetHash: string | null;
}

export class LfsDeletionsDto {
  @ApiProperty({ type: [String], description: 'sha256 of each file to delete' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @Matches(/^[0-9a-f]{64}$/, { each: true, message: 'each sha must be 64 lowercase hex digits' })
  sha: string[];

  @ApiPropertyOptional({ default: false, description: 'Rewrite the refs whose history holds a file, taking it out of every commit; without it such files are refused (409)' })
  @IsOptional()
  @IsBoolean()
  rewriteHistory?: boolean;
}

export class DeleteLfsFilesDto {
  @ApiProperty({ type: LfsDeletionsDto }) @IsNotEmptyObject() @ValidateNested() @Type(() => LfsDeletionsDto) deletions: LfsDeletionsDto;
}

export class DeletedLfsFilesDto {
  @ApiProperty({ type: [String] }) deleted: string[];
  @ApiProperty({ type: [String], example: ['refs/heads/main'], description: 'Refs moved to rewritten histories' }) rewrittenRefs: string[];
}
