import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { PublicBaseUrl } from '../../core/http/public-base-url';
import { PasswordResetService } from '../accounts/password-reset.service';
import { MessageResponseDto } from '../dto/auth.dto';
import { PasswordResetCheckDto, PasswordResetConfirmDto, PasswordResetRequestDto, PasswordResetTokenQueryDto } from '../dto/password-reset.dto';

@ApiTags('auth')
@ApiErrorResponses(400, 503)
@Controller('api/auth/password-reset')
export class PasswordResetController {
  constructor(private readonly resets: PasswordResetService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Mail a single-use password reset link (the answer is the same whether the address is known or not)' })
  @ApiOkResponse({ type: MessageResponseDto })
  async requestPasswordReset(@Body() body: PasswordResetRequestDto, @PublicBaseUrl() baseUrl: string): Promise<MessageResponseDto> {
    await this.resets.request(body.email, baseUrl);
    return { success: true, message: 'If an account uses this address, a password reset link is on its way.' };
  }

  @Get('confirm')
  @ApiOperation({ summary: 'Check a password reset link without using it' })
  @ApiOkResponse({ type: PasswordResetCheckDto })
  async checkPasswordReset(@Query() query: PasswordResetTokenQueryDto): Promise<PasswordResetCheckDto> {
    return { valid: true, username: await this.resets.check(query.token) };
  }

  @Post('confirm')
  @HttpCode(200)
  @ApiOperation({ summary: "Set a new password with the mailed token; ends every session of the account" })
  @ApiOkResponse({ type: MessageResponseDto })
  async confirmPasswordReset(@Body() body: PasswordResetConfirmDto): Promise<MessageResponseDto> {
    const username = await this.resets.confirm(body.token, body.password);
    return { success: true, message: `Password changed for ${username}; sign in again.` };
  }
}
