import { StrictInput } from '../../core/errors/validation';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

@StrictInput()
export class RegisterDto {
  @ApiProperty({ example: 'alice', description: '2-42 letters, digits, "-", "_" or "."; unique across users and organizations' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(96)
  username: string;

  @ApiProperty({ example: 'alice@example.com' })
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'correct horse battery staple', minLength: 8 })
  @IsString()
  @MaxLength(1024)
  password: string;

  @ApiPropertyOptional({ example: 'Alice Liddell' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  fullname?: string;

  @ApiPropertyOptional({ description: 'A registration invitation (required when HANGAR_REGISTRATION=invitation); also accepted as ?invitation=' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  invitation_token?: string;
}

export class RegisterQueryDto {
  /** The token of the invitation link (`/register?invitation=...`). */
  @ApiPropertyOptional({ description: 'A registration invitation token, as in the invitation link' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  invitation?: string;

  @ApiPropertyOptional({ description: 'Same as invitation' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  invitation_token?: string;
}

export class RegisterResponseDto {
  @ApiProperty({ example: true }) success: boolean;
  @ApiProperty({ example: 'User created successfully' }) message: string;
  @ApiProperty({ example: 'alice' }) username: string;
  @ApiProperty({ example: true }) email_verified: boolean;
}

@StrictInput()
export class LoginDto {
  @ApiProperty({ example: 'alice', description: 'Username or email address' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(254)
  username: string;

  @ApiProperty({ example: 'correct horse battery staple' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  password: string;
}

export class LoginResponseDto {
  @ApiProperty({ example: true }) success: boolean;
  @ApiProperty({ example: 'Logged in successfully' }) message: string;
  @ApiProperty({ example: 'alice' }) username: string;
  @ApiProperty({ example: '2026-12-07T10:00:00.000Z' }) expires_at: string;
}

export class MessageResponseDto {
  @ApiProperty({ example: true }) success: boolean;
  @ApiProperty({ example: 'Done' }) message: string;
}

export class VerifyEmailQueryDto {
  @ApiProperty({ description: 'The token from the verification link' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  token: string;
}

export class VerifyEmailResponseDto {
  @ApiProperty({ example: true }) success: boolean;
  @ApiProperty({ example: 'Email verified' }) message: string;
  @ApiProperty({ example: 'alice' }) username: string;
}

export class MeResponseDto {
  @ApiProperty({ example: 1 }) id: number;
  @ApiProperty({ example: 'alice' }) username: string;
  @ApiProperty({ example: 'alice@example.com' }) email: string;
  @ApiProperty({ example: 'Alice Liddell' }) fullname: string;
  @ApiProperty({ example: true }) email_verified: boolean;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) created_at: string;
}

@StrictInput()
export class ChangePasswordDto {
  @ApiProperty({ example: 'correct horse battery staple' }) @IsString() @IsNotEmpty() @MaxLength(1024) old_password: string;
  @ApiProperty({ example: 'a new, longer passphrase', minLength: 8 }) @IsString() @MaxLength(1024) new_password: string;
}

export class SessionInfoDto {
  @ApiProperty({ example: 7 }) id: number;
  @ApiProperty({ example: '2026-12-04T17:00:00.000Z' }) created_at: string;
  @ApiProperty({ example: '2026-12-18T17:00:00.000Z' }) expires_at: string;
  @ApiProperty({ example: true, description: 'The session this request came with' }) current: boolean;
}

export class SessionListResponseDto {
  @ApiProperty({ type: [SessionInfoDto] }) sessions: SessionInfoDto[];
}
