import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../../core/errors/domain-error';
import { assertCanWrite, type Principal } from '../../auth/principal';
import { OutboxRepository } from '../outbox/outbox.repository';
import { WebhooksService } from '../settings/webhooks.service';

const ACTIVITY_PAGE = 100;

/** A webhook's activity log (its deliveries and their attempts) and replays, for whoever manages the webhook. */
@Injectable()
export class WebhookActivityService {
  constructor(
    private readonly webhooks: WebhooksService,
    private readonly outbox: OutboxRepository,
  ) {}

  async list(principal: Principal, webhookId: string) {
    const w = await this.webhooks.get(principal, webhookId);
    return this.outbox.list(w.id, ACTIVITY_PAGE);
  }

  async get(principal: Principal, webhookId: string, deliveryId: string) {
    const w = await this.webhooks.get(principal, webhookId);
    const d = await this.outbox.find(w.id, deliveryId);
    if (!d) throw new NotFoundError(`Delivery ${deliveryId} not found`, 'DeliveryNotFound');
    return d;
  }

  /** Sends a past delivery's payload again, as a new delivery, to the webhook's current URL and secret. */
  async replay(principal: Principal, webhookId: string, deliveryId: string) {
    assertCanWrite(principal);
    const original = await this.get(principal, webhookId, deliveryId);
    const publicId = await this.outbox.replay(original.webhookId, original.id);
    return (await this.outbox.find(original.webhookId, publicId))!;
  }
}
