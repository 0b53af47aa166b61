import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { Authenticated, CurrentPrincipal } from '../auth.decorators';
import { RotatedTokenResponseDto, RotateTokenDto } from '../dto/tokens.dto';
import type { Principal } from '../principal';
import { TokensService } from '../tokens/tokens.service';
import { toRotatedToken } from './auth.presenters';

/** docsfy-style account routes (`/api/me/...`). */
@ApiTags('auth')
@ApiErrorResponses(400, 401, 403, 404)
@Controller('api/me')
export class MeController {
  constructor(private readonly tokens: TokensService) {}

  @Post('rotate-key')
  @HttpCode(200)
  @Authenticated()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Replace the token this request carries with a new value (shown once); ends your sessions unless end_sessions is false' })
  @ApiOkResponse({ type: RotatedTokenResponseDto })
  async rotateKey(@CurrentPrincipal() principal: Principal, @Body() body: RotateTokenDto): Promise<RotatedTokenResponseDto> {
    const endSessions = body.end_sessions ?? true;
    return toRotatedToken(principal, await this.tokens.rotateOwn(principal, null, endSessions), endSessions);
  }
}
