import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { HfErrorDto } from '../../core/errors/hf-error.dto';
import type { HangarConfig } from '../../core/config/config';
import { InjectConfig } from '../../core/config/config.module';
import { Authenticated, type AuthenticatedRequest, CurrentPrincipal, SESSION_COOKIE } from '../auth.decorators';
import { AuthService } from '../auth.service';
import type { Principal } from '../principal';
import { TokensService } from '../tokens/tokens.service';
import {
  ChangePasswordDto,
  LoginDto,
  LoginResponseDto,
  MeResponseDto,
  MessageResponseDto,
  RegisterDto,
  RegisterQueryDto,
  RegisterResponseDto,
  SessionListResponseDto,
  VerifyEmailQueryDto,
  VerifyEmailResponseDto,
} from '../dto/auth.dto';
import { CreateTokenDto, CreateTokenResponseDto, RotatedTokenResponseDto, RotateTokenDto, TokenIdParamDto, TokenListResponseDto } from '../dto/tokens.dto';
import { toMe, toRotatedToken, toTokenInfo } from './auth.presenters';
import { PublicBaseUrl } from '../../core/http/public-base-url';

@ApiTags('auth')
@ApiErrorResponses(400, 401, 403, 404, 409)
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly tokens: TokensService,
    @InjectConfig() private readonly config: HangarConfig,
  ) {}

  @Post('register')
  @HttpCode(200)
  @ApiOperation({ summary: 'Create an account (open, invitation-only or closed, by HANGAR_REGISTRATION)' })
  @ApiOkResponse({ type: RegisterResponseDto })
  async register(@Body() body: RegisterDto, @Query() query: RegisterQueryDto, @PublicBaseUrl() baseUrl: string): Promise<RegisterResponseDto> {
    const { user, verificationSent } = await this.auth.register({ ...body, invitationToken: body.invitation_token ?? query.invitation ?? query.invitation_token, baseUrl });
    return {
      success: true,
      message: verificationSent ? 'User created. Check your email to verify your account.' : 'User created successfully',
      username: user.name,
      email_verified: user.emailVerified,
    };
  }

  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with username (or email) and password; sets the session cookie' })
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiResponse({ status: 429, description: 'Too many failed sign-ins for this account or address (Retry-After: seconds; X-Error-Code: TooManyLoginAttempts)', type: HfErrorDto })
  async login(@Req() req: Request, @Body() body: LoginDto, @Res({ passthrough: true }) res: Response): Promise<LoginResponseDto> {
    const { user, sessionSecret, expiresAt } = await this.auth.login(body.username, body.password, req.ip);
    res.cookie(SESSION_COOKIE, sessionSecret, {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.config.auth.cookieSecure,
      path: '/',
      expires: expiresAt,
    });
    return { success: true, message: 'Logged in successfully', username: user.name, expires_at: expiresAt.toISOString() };
  }

  @Post('logout')
  @HttpCode(200)
  @Authenticated()
  @ApiOperation({ summary: 'End the current session and clear its cookie' })
  @ApiOkResponse({ type: MessageResponseDto })
  async logout(@Req() req: AuthenticatedRequest, @Res({ passthrough: true }) res: Response): Promise<MessageResponseDto> {
    await this.auth.logout(req.sessionSecret ?? null);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    return { success: true, message: 'Logged out successfully' };
  }

  @Get('me')
  @Authenticated()
  @ApiOperation({ summary: 'The signed-in user' })
  @ApiOkResponse({ type: MeResponseDto })
  me(@CurrentPrincipal() principal: Principal): MeResponseDto {
    return toMe(principal.user);
  }

  @Get('verify-email')
  @ApiOperation({ summary: 'Confirm an email address with the token from the verification link' })
  @ApiOkResponse({ type: VerifyEmailResponseDto })
  async verifyEmail(@Query() query: VerifyEmailQueryDto): Promise<VerifyEmailResponseDto> {
    const user = await this.auth.verifyEmail(query.token);
    return { success: true, message: 'Email verified', username: user.name };
  }

  @Get('tokens')
  @Authenticated()
  @ApiOperation({ summary: "List the signed-in user's API tokens (never their values)" })
  @ApiOkResponse({ type: TokenListResponseDto })
  async listTokens(@CurrentPrincipal() principal: Principal): Promise<TokenListResponseDto> {
    return { tokens: (await this.tokens.list(principal.user.id)).map(toTokenInfo) };
  }

  @Post('tokens/create')
  @HttpCode(200)
  @Authenticated()
  @ApiOperation({ summary: 'Create an API token; its value is shown once and stored only as a hash (viewer accounts: read tokens only)' })
  @ApiOkResponse({ type: CreateTokenResponseDto })
  async createToken(@CurrentPrincipal() principal: Principal, @Body() body: CreateTokenDto): Promise<CreateTokenResponseDto> {
    const { secret, record } = await this.tokens.issueFor(principal, body.name, body.role ?? 'write', { expiresAt: body.expires_at, expiresInDays: body.expires_in_days });
    return {
      success: true,
      token: secret,
      token_id: record.id,
      name: record.name,
      role: record.role,
      expires_at: record.expiresAt ? record.expiresAt.toISOString() : null,
      message: "Token created. Save it now: you won't see it again.",
    };
  }

  @Get('sessions')
  @Authenticated()
  @ApiOperation({ summary: 'Your live sessions (never their secrets)' })
  @ApiOkResponse({ type: SessionListResponseDto })
  async listSessions(@Req() req: AuthenticatedRequest, @CurrentPrincipal() principal: Principal): Promise<SessionListResponseDto> {
    const sessions = await this.auth.listSessions(principal, req.sessionSecret ?? null);
    return { sessions: sessions.map((s) => ({ id: s.id, created_at: new Date(s.createdAt).toISOString(), expires_at: new Date(s.expiresAt).toISOString(), current: s.current })) };
  }

  @Delete('sessions/:id')
  @Authenticated()
  @ApiOperation({ summary: 'End one of your sessions' })
  @ApiOkResponse({ type: MessageResponseDto })
  async endSession(@CurrentPrincipal() principal: Principal, @Param() params: TokenIdParamDto): Promise<MessageResponseDto> {
    await this.auth.endSession(principal, Number(params.id));
    return { success: true, message: 'Session ended' };
  }

  @Post('password')
  @HttpCode(200)
  @Authenticated()
  @ApiOperation({ summary: 'Change your password (the current one is needed); every other session ends' })
  @ApiOkResponse({ type: MessageResponseDto })
  async changePassword(@Req() req: AuthenticatedRequest, @CurrentPrincipal() principal: Principal, @Body() body: ChangePasswordDto): Promise<MessageResponseDto> {
    await this.auth.changePassword(principal, body.old_password, body.new_password, req.sessionSecret ?? null);
    return { success: true, message: 'Password changed; your other sessions have ended' };
  }

  @Post('tokens/:id/rotate')
  @HttpCode(200)
  @Authenticated()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Replace one of your tokens with a new value (shown once); the old value stops working at once' })
  @ApiOkResponse({ type: RotatedTokenResponseDto })
  async rotateToken(@CurrentPrincipal() principal: Principal, @Param() params: TokenIdParamDto, @Body() body: RotateTokenDto): Promise<RotatedTokenResponseDto> {
    const endSessions = body.end_sessions ?? false;
    return toRotatedToken(principal, await this.tokens.rotateOwn(principal, Number(params.id), endSessions), endSessions);
  }

  @Delete('tokens/:id')
  @Authenticated('write')
  @ApiOperation({ summary: 'Revoke one of your API tokens' })
  @ApiOkResponse({ type: MessageResponseDto })
  async revokeToken(@CurrentPrincipal() principal: Principal, @Param() params: TokenIdParamDto): Promise<MessageResponseDto> {
    await this.tokens.revoke(principal.user.id, Number(params.id));
    return { success: true, message: 'Token revoked successfully' };
  }
}
