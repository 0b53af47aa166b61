import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, Matches, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { StrictInput } from '../../core/errors/validation';

/** A one-line text: no control characters. */
const ONE_LINE = /^[^\x00-\x1f\x7f]*$/;
/** Free text: line breaks and tabs, no other control characters. */
const MULTI_LINE = /^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$/;
/** An absolute http(s) URL with a host, no credentials, no spaces. */
const WEB_URL = /^https?:\/\/[^\s\x00-\x1f\x7f/?#@\\]+(?:[/?#][^\s\x00-\x1f\x7f\\]*)?$/i;
/** A handle on another site (optionally with the leading @), not a URL. */
const HANDLE = /^@?[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** `null` (or "" for text) clears a field; an absent field stays as it is. */
const clearable = (key: string) => ValidateIf((o) => o[key] !== null && o[key] !== undefined && o[key] !== '');

@StrictInput()
export class SocialMediaDto {
  @ApiPropertyOptional({ example: 'alice', nullable: true, type: String }) @clearable('twitter_x') @IsString() @Matches(HANDLE, { message: 'twitter_x must be a handle' }) twitter_x?: string | null;
  @ApiPropertyOptional({ example: 'alice', nullable: true, type: String }) @clearable('threads') @IsString() @Matches(HANDLE, { message: 'threads must be a handle' }) threads?: string | null;
  @ApiPropertyOptional({ example: 'alice', nullable: true, type: String }) @clearable('github') @IsString() @Matches(HANDLE, { message: 'github must be a handle' }) github?: string | null;
  @ApiPropertyOptional({ example: 'alice', nullable: true, type: String }) @clearable('huggingface') @IsString() @Matches(HANDLE, { message: 'huggingface must be a handle' }) huggingface?: string | null;
}

/** What users and organizations both set on their profile. */
abstract class ProfileSettingsBase {
  @ApiPropertyOptional({ example: 'Alice Developer', maxLength: 128, nullable: true, type: String, description: 'Display name; null or "" shows the name' })
  @clearable('full_name')
  @IsString()
  @MaxLength(128)
  @Matches(ONE_LINE, { message: 'full_name must be one line of text' })
  full_name?: string | null;

  @ApiPropertyOptional({ example: 'I train small models.', maxLength: 1000, nullable: true, type: String })
  @clearable('bio')
  @IsString()
  @MaxLength(1000)
  @Matches(MULTI_LINE, { message: 'bio must not contain control characters' })
  bio?: string | null;

  @ApiPropertyOptional({ example: 'https://alice.example.com', maxLength: 256, nullable: true, type: String, description: 'An http(s) URL' })
  @clearable('website')
  @IsString()
  @MaxLength(256)
  @Matches(WEB_URL, { message: 'website must be an http:// or https:// URL with a host' })
  website?: string | null;

  @ApiPropertyOptional({ type: SocialMediaDto, nullable: true, description: 'Handles on other sites; the object replaces the stored one, null clears it' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SocialMediaDto)
  social_media?: SocialMediaDto | null;
}

@StrictInput()
export class UserSettingsDto extends ProfileSettingsBase {}

@StrictInput()
export class OrgProfileSettingsDto extends ProfileSettingsBase {
  @ApiPropertyOptional({ example: 'We train models', maxLength: 1000, nullable: true, type: String })
  @clearable('description')
  @IsString()
  @MaxLength(1000)
  @Matches(MULTI_LINE, { message: 'description must not contain control characters' })
  description?: string | null;
}

export class SettingsResultDto {
  @ApiProperty({ example: true }) success: boolean;
  @ApiProperty({ example: 'User settings updated successfully' }) message: string;
}
