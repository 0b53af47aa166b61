import { StrictInput } from '../../core/errors/validation';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

@StrictInput()
export class CreateTokenDto {
  @ApiProperty({ example: 'laptop', description: 'A name to recognise the token by' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  @Matches(/^[^\x00-\x1f\x7f]+$/, { message: 'name must not contain control characters' })
  name: string;

  @ApiPropertyOptional({ enum: ['read', 'write'], default: 'write' })
  @IsOptional()
  @IsIn(['read', 'write'])
  role?: 'read' | 'write';

  @ApiPropertyOptional({ example: '2027-03-01T00:00:00Z', description: 'When the token expires (ISO 8601, in the future; or expires_in_days); omitted: never' })
  @IsOptional()
  @IsISO8601({ strict: true })
  expires_at?: string;

  @ApiPropertyOptional({ example: 90, description: 'Days until the token expires; omitted: never' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  expires_in_days?: number;
}

export class CreateTokenResponseDto {
  @ApiProperty({ example: true }) success: boolean;
  @ApiProperty({ example: 'hf_AbCdEf0123456789AbCdEf0123456789AbCdE', description: 'Shown once; store it now' })
  token: string;
  @ApiProperty({ example: 3 }) token_id: number;
  @ApiProperty({ example: 'laptop' }) name: string;
  @ApiProperty({ enum: ['read', 'write'] }) role: string;
  @ApiProperty({ nullable: true, type: String, example: null }) expires_at: string | null;
  @ApiProperty({ example: "Token created. Save it now: you won't see it again." }) message: string;
}

export class TokenInfoDto {
  @ApiProperty({ example: 3 }) id: number;
  @ApiProperty({ example: 'laptop' }) name: string;
  @ApiProperty({ enum: ['read', 'write'] }) role: string;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) created_at: string;
  @ApiProperty({ nullable: true, type: String }) expires_at: string | null;
  @ApiProperty({ nullable: true, type: String }) last_used: string | null;
}

export class TokenListResponseDto {
  @ApiProperty({ type: [TokenInfoDto] }) tokens: TokenInfoDto[];
}

export class TokenIdParamDto {
  @ApiProperty({ example: '3' })
  @Matches(/^[1-9][0-9]{0,15}$/, { message: 'id must be a positive integer' })
  id: string;
}

@StrictInput()
export class RotateTokenDto {
  @ApiPropertyOptional({ example: true, description: 'Also end every session of the account (default: false; /api/me/rotate-key: true, as docsfy does)' })
  @IsOptional()
  @IsBoolean()
  end_sessions?: boolean;
}

export class RotatedTokenResponseDto {
  @ApiProperty({ example: 'alice' }) username: string;
  @ApiProperty({ example: 'hf_AbCdEf0123456789AbCdEf0123456789AbCdE', description: 'Shown once; the old value stopped working' }) new_api_key: string;
  @ApiProperty({ example: 4 }) token_id: number;
  @ApiProperty({ example: 'laptop' }) name: string;
  @ApiProperty({ enum: ['read', 'write'] }) role: string;
  @ApiProperty({ nullable: true, type: String, example: null }) expires_at: string | null;
  @ApiProperty({ example: false }) sessions_ended: boolean;
}
