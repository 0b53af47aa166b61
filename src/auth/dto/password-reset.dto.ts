import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { StrictInput } from '../../core/errors/validation';

@StrictInput()
export class PasswordResetRequestDto {
  @ApiProperty({ example: 'alice@example.com', description: 'The email address of the account' })
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email: string;
}

export class PasswordResetTokenQueryDto {
  @ApiProperty({ description: 'The token from the mailed link' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  token: string;
}

@StrictInput()
export class PasswordResetConfirmDto {
  @ApiProperty({ description: 'The token from the mailed link' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  token: string;

  @ApiProperty({ example: 'a new long passphrase', minLength: 8 })
  @IsString()
  @MaxLength(1024)
  password: string;
}

export class PasswordResetCheckDto {
  @ApiProperty({ example: true }) valid: boolean;
  @ApiProperty({ example: 'alice' }) username: string;
}
