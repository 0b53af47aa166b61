import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { VISIBILITIES, type Visibility } from '../dto/repos.dto';

/** What duplicate_repo (and 0.x duplicate_space) send; Space hardware, secrets and the like are accepted and ignored. */
export class DuplicateRepoDto {
  @ApiProperty({ example: 'alice/my-copy', description: 'The new repository: namespace/name' }) @IsString() @IsNotEmpty() @MaxLength(200) repository: string;
  @ApiPropertyOptional({ description: 'Default: the source\'s visibility' }) @IsOptional() @IsBoolean() private?: boolean;
  @ApiPropertyOptional({ enum: VISIBILITIES }) @IsOptional() @IsIn(VISIBILITIES) visibility?: Visibility;
}

export class DuplicatedRepoDto {
  @ApiProperty({ example: 'http://hangar:3000/alice/my-copy' }) url: string;
  @ApiProperty({ example: false, description: 'Always false: the files are shared at once' }) filesCopyPending: boolean;
}
