import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class AdminSetupDto {
  @ApiProperty({ description: 'The one-time setup token printed in the startup banner', example: 'hsetup_…' })
  @IsString()
  @MaxLength(200)
  setup_token: string;
}

export class AdminSetupResponseDto {
  @ApiProperty({ example: 'hadm_…', description: 'The admin token (X-Admin-Token). Shown once; only its hash is kept.' })
  admin_token: string;

  @ApiProperty({ example: 'Admin API enabled. Keep this token: it is not shown again, and the setup route is now gone.' })
  message: string;
}
