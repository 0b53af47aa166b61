import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ApiErrorResponses } from '../core/errors/api-errors.decorator';
import { PublicBaseUrl } from '../core/http/public-base-url';
import { WebhookActivityService } from './delivery/webhook-activity.service';
import {
  CreateWebhookDto,
  DeliveryDetailsDto,
  DeliveryDto,
  DeliveryIdParams,
  UpdateWebhookDto,
  WebhookDeletedDto,
  WebhookEnvelopeDto,
  WebhookIdParams,
  WebhookInfoDto,
} from './dto/webhooks.dto';
import { WebhooksService } from './settings/webhooks.service';
import type { DeliveryAttempt, DeliveryRecord, WebhookRecord } from './webhook.types';

/**
 * The Hub's webhook settings (`HfApi.create_webhook` ... `delete_webhook`), plus Hangar's
 * activity log and replay under `/deliveries` (the Hub has them in its web UI only).
 */
@ApiTags('webhooks')
@ApiErrorResponses(400, 404)
@Controller('api/settings/webhooks')
export class WebhooksController {
  constructor(
    private readonly webhooks: WebhooksService,
    private readonly activity: WebhookActivityService,
  ) {}

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'Your webhooks and those of the organizations you administer (list_webhooks)' })
  @ApiOkResponse({ type: [WebhookInfoDto] })
  async listWebhooks(@CurrentPrincipal() principal: Principal): Promise<WebhookInfoDto[]> {
    return (await this.webhooks.list(principal)).map(info);
  }

  @Post()
  @HttpCode(200)
  @Authenticated('write')
  @ApiOperation({ summary: 'Create a webhook (create_webhook); `namespace`: an organization you administer' })
  @ApiOkResponse({ type: WebhookEnvelopeDto })
  async createWebhook(@CurrentPrincipal() principal: Principal, @Body() body: CreateWebhookDto, @PublicBaseUrl() base: string): Promise<WebhookEnvelopeDto> {
    return { webhook: info(await this.webhooks.create(principal, body, base)) };
  }

  @Get(':webhookId')
  @Authenticated()
  @ApiOperation({ summary: 'One webhook (get_webhook)' })
  @ApiOkResponse({ type: WebhookEnvelopeDto })
  async getWebhook(@CurrentPrincipal() principal: Principal, @Param() p: WebhookIdParams): Promise<WebhookEnvelopeDto> {
    return { webhook: info(await this.webhooks.get(principal, p.webhookId)) };
  }

  @Post(':webhookId')
  @HttpCode(200)
  @Authenticated('write')
  @ApiOperation({ summary: 'Update a webhook (update_webhook): fields left out, null, or an empty `watched` stay as they are' })
  @ApiOkResponse({ type: WebhookEnvelopeDto })
  async updateWebhook(@CurrentPrincipal() principal: Principal, @Param() p: WebhookIdParams, @Body() body: UpdateWebhookDto, @PublicBaseUrl() base: string): Promise<WebhookEnvelopeDto> {
    return { webhook: info(await this.webhooks.update(principal, p.webhookId, body, base)) };
  }

  @Post(':webhookId/enable')
  @HttpCode(200)
  @Authenticated('write')
  @ApiOperation({ summary: 'Enable a webhook (enable_webhook)' })
  @ApiOkResponse({ type: WebhookEnvelopeDto })
  async enableWebhook(@CurrentPrincipal() principal: Principal, @Param() p: WebhookIdParams): Promise<WebhookEnvelopeDto> {
    return { webhook: info(await this.webhooks.setDisabled(principal, p.webhookId, false)) };
  }

  @Post(':webhookId/disable')
  @HttpCode(200)
  @Authenticated('write')
  @ApiOperation({ summary: 'Disable a webhook (disable_webhook): no events are queued for it; pending deliveries wait' })
  @ApiOkResponse({ type: WebhookEnvelopeDto })
  async disableWebhook(@CurrentPrincipal() principal: Principal, @Param() p: WebhookIdParams): Promise<WebhookEnvelopeDto> {
    return { webhook: info(await this.webhooks.setDisabled(principal, p.webhookId, true)) };
  }

  @Delete(':webhookId')
  @Authenticated('write')
  @ApiOperation({ summary: 'Delete a webhook and its activity log (delete_webhook)' })
  @ApiOkResponse({ type: WebhookDeletedDto })
  async deleteWebhook(@CurrentPrincipal() principal: Principal, @Param() p: WebhookIdParams): Promise<WebhookDeletedDto> {
    await this.webhooks.delete(principal, p.webhookId);
    return { success: true };
  }

  @Get(':webhookId/deliveries')
  @Authenticated()
  @ApiOperation({ summary: "Hangar: the webhook's activity log, the last 100 deliveries newest first, each with its last attempt" })
  @ApiOkResponse({ type: [DeliveryDto] })
  async listWebhookDeliveries(@CurrentPrincipal() principal: Principal, @Param() p: WebhookIdParams): Promise<DeliveryDto[]> {
    return (await this.activity.list(principal, p.webhookId)).map(delivery);
  }

  @Get(':webhookId/deliveries/:deliveryId')
  @Authenticated()
  @ApiOperation({ summary: 'Hangar: one delivery with its payload and every attempt (status, latency, response excerpt)' })
  @ApiOkResponse({ type: DeliveryDetailsDto })
  async getWebhookDelivery(@CurrentPrincipal() principal: Principal, @Param() p: DeliveryIdParams): Promise<DeliveryDetailsDto> {
    const d = await this.activity.get(principal, p.webhookId, p.deliveryId);
    return { ...delivery(d), payload: d.payload, attemptLog: d.attemptLog.map(attempt) };
  }

  @Post(':webhookId/deliveries/:deliveryId/replay')
  @HttpCode(200)
  @Authenticated('write')
  @ApiOperation({ summary: "Hangar: replay a past delivery: its payload is sent again, as a new delivery, to the webhook's current URL and secret" })
  @ApiOkResponse({ type: DeliveryDto })
  async replayWebhookDelivery(@CurrentPrincipal() principal: Principal, @Param() p: DeliveryIdParams): Promise<DeliveryDto> {
    return delivery(await this.activity.replay(principal, p.webhookId, p.deliveryId));
  }
}

function info(w: WebhookRecord): WebhookInfoDto {
  return { id: w.publicId, url: w.url, job: null, watched: w.watched, domains: w.domains, secret: w.secret, disabled: w.disabled, owner: w.owner };
}

function iso(d: Date | string | null): string | null {
  return d === null ? null : new Date(d).toISOString();
}

function attempt(a: DeliveryAttempt) {
  return { attempt: a.attempt, startedAt: iso(a.startedAt)!, latencyMs: a.latencyMs, statusCode: a.statusCode, error: a.error, responseExcerpt: a.responseExcerpt };
}

function delivery(d: DeliveryRecord): DeliveryDto {
  const event = (d.payload.event ?? {}) as { action: string; scope: string };
  return {
    id: d.publicId,
    event: { action: event.action, scope: event.scope },
    status: d.status,
    attempts: d.attempts,
    createdAt: iso(d.createdAt)!,
    nextAttemptAt: d.status === 'pending' ? iso(d.nextAttemptAt) : null,
    finishedAt: iso(d.finishedAt),
    replayOf: d.replayOf,
    lastAttempt: d.lastAttempt ? attempt(d.lastAttempt) : null,
  };
}
