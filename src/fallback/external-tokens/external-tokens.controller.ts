import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal } from '../../auth/auth.decorators';
import { MessageResponseDto } from '../../auth/dto/auth.dto';
import type { Principal } from '../../auth/principal';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { BulkExternalTokensDto, ExternalTokenDto, ExternalTokenUrlParamDto, ExternalTokenUserParamDto, SaveExternalTokenDto } from './external-tokens.dto';
import { ExternalTokensService } from './external-tokens.service';

/**
 * A user's own tokens for upstream hubs: Hangar sends them (instead of the source's token) on
 * that user's read-through requests, so the user reads upstream repositories their token grants.
 */
@ApiTags('fallback')
@Authenticated()
@ApiErrorResponses(400, 403, 404)
@Controller('api/users/:username/external-tokens')
export class ExternalTokensController {
  constructor(private readonly tokens: ExternalTokensService) {}

  @Get()
  @ApiOperation({ summary: 'Your external tokens, masked' })
  @ApiOkResponse({ type: [ExternalTokenDto] })
  async listExternalTokens(@CurrentPrincipal() caller: Principal, @Param() p: ExternalTokenUserParamDto): Promise<ExternalTokenDto[]> {
    return (await this.tokens.list(caller, p.username)).map((t) => ({
      url: t.url,
      token_preview: t.tokenPreview,
      created_at: new Date(t.createdAt).toISOString(),
      updated_at: new Date(t.updatedAt).toISOString(),
    }));
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Add or replace your token for one upstream hub' })
  @ApiOkResponse({ type: MessageResponseDto })
  async saveExternalToken(@CurrentPrincipal() caller: Principal, @Param() p: ExternalTokenUserParamDto, @Body() body: SaveExternalTokenDto): Promise<MessageResponseDto> {
    await this.tokens.save(caller, p.username, body.url, body.token);
    return { success: true, message: 'External token saved' };
  }

  @Put('bulk')
  @ApiOperation({ summary: 'Replace all your external tokens at once (atomic: tokens for URLs left out are deleted)' })
  @ApiOkResponse({ type: MessageResponseDto })
  async replaceExternalTokens(@CurrentPrincipal() caller: Principal, @Param() p: ExternalTokenUserParamDto, @Body() body: BulkExternalTokensDto): Promise<MessageResponseDto> {
    const n = await this.tokens.replaceAll(caller, p.username, body.tokens);
    return { success: true, message: `Updated ${n} external tokens` };
  }

  @Delete(':url')
  @ApiOperation({ summary: 'Delete your token for one upstream hub (the URL URL-encoded in the path)' })
  @ApiOkResponse({ type: MessageResponseDto })
  async deleteExternalToken(@CurrentPrincipal() caller: Principal, @Param() p: ExternalTokenUrlParamDto): Promise<MessageResponseDto> {
    await this.tokens.delete(caller, p.username, p.url);
    return { success: true, message: 'External token deleted' };
  }
}
