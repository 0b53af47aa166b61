import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsString, IsUrl, Matches, MaxLength, ValidateNested } from 'class-validator';
import { HUB_URL_MESSAGE, HUB_URL_OPTIONS } from '../dto/fallback-sources.dto';
import { StrictInput } from '../../core/errors/validation';

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/;

@StrictInput()
export class ExternalTokenUserParamDto {
  @ApiProperty({ example: 'alice' })
  @IsString()
  @Matches(USERNAME, { message: 'username must be a user name' })
  username: string;
}

@StrictInput()
export class ExternalTokenUrlParamDto extends ExternalTokenUserParamDto {
  @ApiProperty({ example: 'https%3A%2F%2Fhuggingface.co', description: 'The hub URL, URL-encoded' })
  @IsString()
  @MaxLength(2048)
  @IsUrl(HUB_URL_OPTIONS, HUB_URL_MESSAGE)
  url: string;
}

@StrictInput()
export class SaveExternalTokenDto {
  @ApiProperty({ example: 'https://huggingface.co', description: 'The upstream hub this token is for (a fallback source URL)' })
  @IsString()
  @MaxLength(2048)
  @IsUrl(HUB_URL_OPTIONS, HUB_URL_MESSAGE)
  url: string;

  @ApiProperty({ example: 'hf_xxxxxxxxxxxxxxxx', description: 'Stored encrypted (AES-256-GCM), answered only masked' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  token: string;
}

@StrictInput()
export class BulkExternalTokensDto {
  @ApiProperty({ type: [SaveExternalTokenDto], description: 'The complete new set: tokens for other URLs are deleted' })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => SaveExternalTokenDto)
  tokens: SaveExternalTokenDto[];
}

export class ExternalTokenDto {
  @ApiProperty({ example: 'https://huggingface.co' }) url: string;
  @ApiProperty({ example: 'hf_a…wxyz', description: 'The token masked (never whole)' }) token_preview: string;
  @ApiProperty({ example: '2026-01-01T00:00:00.000Z' }) created_at: string;
  @ApiProperty({ example: '2026-01-01T00:00:00.000Z' }) updated_at: string;
}
