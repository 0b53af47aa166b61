import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { HangarConfig } from '../../core/config/config';
import { InjectConfig } from '../../core/config/config.module';
import { dedicatedClient } from '../../core/database/dedicated-client';
import { OutboxRepository, WEBHOOK_CHANNEL } from '../outbox/outbox.repository';
import { payloadToSend } from '../outbox/webhook-payloads';
import { postJson } from './http-post';

/**
 * Every node runs HANGAR_WEBHOOK_SENDERS senders. Each claims one due delivery at a time in a
 * transaction (FOR UPDATE SKIP LOCKED, held while it posts), so one delivery is never sent by
 * two senders at once, and a sender that dies mid-send (the process killed) leaves the row to
 * the next one. Senders sleep until the next delivery is due, a NOTIFY on WEBHOOK_CHANNEL
 * (sent by the transaction that queued a delivery, when it commits, to every node), or the
 * safety poll (HANGAR_WEBHOOK_POLL_MS), whichever comes first.
 */
@Injectable()
export class WebhookSender implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('WebhookSender');
  private stopped = false;
  private workers: Promise<void>[] = [];
  private readonly sleepers = new Set<() => void>();
  /** Counts wake-ups, so one that comes between a sender's look and its sleep is not lost. */
  private wakeups = 0;
  private listener: Client | null = null;
  private relisten: NodeJS.Timeout | null = null;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectConfig() private readonly config: HangarConfig,
    private readonly outbox: OutboxRepository,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.webhooks.senders === 0) return;
    void this.listen();
    for (let i = 0; i < this.config.webhooks.senders; i++) this.workers.push(this.work());
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.relisten) clearTimeout(this.relisten);
    this.wakeAll();
    await Promise.all(this.workers);
    await this.listener?.end().catch(() => undefined);
  }

  private async work(): Promise<void> {
    while (!this.stopped) {
      let sent = false;
      let failed = false;
      const seen = this.wakeups;
      try {
        sent = await this.sendOne();
      } catch (err) {
        failed = true;
        if (!this.stopped) this.logger.warn({ err }, 'webhook sender: a pass failed; retrying after the poll interval');
      }
      // After a failure (the database away), never straight again: the poll interval bounds the retries.
      if (!sent && !this.stopped && this.wakeups === seen) await this.sleep(failed, seen);
    }
  }

  /** Sends the most overdue delivery, if any; false when none is due. */
  private async sendOne(): Promise<boolean> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const d = await this.outbox.claim(runner.manager);
      if (!d) {
        await runner.commitTransaction();
        return false;
      }
      const w = this.config.webhooks;
      const body = Buffer.from(JSON.stringify(payloadToSend(d.payload, d.linksBaseUrl, d.webhookPublicId)));
      const headers: Record<string, string> = { 'User-Agent': 'Hangar-Webhooks/1', 'X-Hangar-Delivery': d.publicId };
      if (d.secret) headers['X-Webhook-Secret'] = d.secret;
      const startedAt = new Date();
      const r = await postJson(d.url, body, headers, { timeoutMs: w.timeoutMs, allowPrivate: w.allowPrivateTargets });
      const attempt = d.attempts + 1;
      const status = r.ok ? 'delivered' : attempt >= w.maxAttempts ? 'failed' : 'pending';
      await this.outbox.recordAttempt(
        runner.manager,
        d,
        { startedAt, latencyMs: r.latencyMs, statusCode: r.statusCode, error: r.error, responseExcerpt: r.excerpt },
        { status, retryInMs: w.retryBaseMs * 2 ** (attempt - 1) },
      );
      await runner.commitTransaction();
      if (!r.ok) this.logger.log({ delivery: d.publicId, attempt, status, error: r.error }, 'webhook delivery attempt failed');
      return true;
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await runner.release();
    }
  }

  private async sleep(afterFailure: boolean, seen: number): Promise<void> {
    const poll = this.config.webhooks.pollMs;
    const due = afterFailure ? null : await this.outbox.nextDue().catch(() => null);
    const ms = due ? Math.min(Math.max(due.getTime() - Date.now(), 0), poll) : poll;
    if (this.wakeups !== seen) return;
    await new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  private wakeAll(): void {
    this.wakeups++;
    for (const wake of [...this.sleepers]) wake();
  }

  /** LISTEN on a connection of its own (not the pool's); lost, it comes back after the poll interval. */
  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = dedicatedClient(this.db, 'hangar-webhooks');
    const retry = () => {
      if (this.stopped || this.relisten) return;
      this.relisten = setTimeout(() => {
        this.relisten = null;
        void this.listen();
      }, this.config.webhooks.pollMs);
    };
    client.on('notification', () => this.wakeAll());
    client.on('error', (err) => {
      this.logger.warn({ err }, 'webhook sender: LISTEN connection lost; polling until it is back');
      void client.end().catch(() => undefined);
      retry();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${WEBHOOK_CHANNEL}`);
      if (this.stopped) return void (await client.end());
      this.listener = client;
      this.wakeAll(); // anything queued while not listening
    } catch (err) {
      this.logger.warn({ err }, 'webhook sender: cannot LISTEN; polling');
      await client.end().catch(() => undefined);
      retry();
    }
  }
}
