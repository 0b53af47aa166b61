import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import * as nodemailer from 'nodemailer';
import type { HangarConfig } from '../config/config';
import { InjectConfig } from '../config/config.module';
import { DomainError } from '../errors/domain-error';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** 503 when the SMTP server refused or could not be reached: the caller's change is rolled back. */
export class MailDeliveryError extends DomainError {
  constructor() {
    super(503, 'MailDeliveryFailed', 'The mail server did not accept the message; nothing was changed, try again later');
  }
}

/** A hung SMTP server must not hold a request (and its open transaction) for long. */
const SMTP_TIMEOUT_MS = 10_000;

/**
 * The one way Hangar sends mail. With HANGAR_SMTP_URL set, through SMTP (nodemailer); without
 * it, the message goes to the log, where an operator can pass the link on.
 */
@Injectable()
export class MailTransport implements OnModuleDestroy {
  private readonly logger = new Logger('Mail');
  private readonly transporter: nodemailer.Transporter | null;

  constructor(@InjectConfig() private readonly config: HangarConfig) {
    const { smtpUrl, smtpUser, smtpPassword } = config.mail;
    if (!smtpUrl) {
      this.transporter = null;
      return;
    }
    const url = new URL(smtpUrl);
    const user = smtpUser ?? (url.username ? decodeURIComponent(url.username) : null);
    const pass = smtpPassword ?? (url.password ? decodeURIComponent(url.password) : null);
    this.transporter = nodemailer.createTransport({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
      secure: url.protocol === 'smtps:',
      auth: user ? { user, pass: pass ?? '' } : undefined,
      connectionTimeout: SMTP_TIMEOUT_MS,
      greetingTimeout: SMTP_TIMEOUT_MS,
      socketTimeout: SMTP_TIMEOUT_MS,
    });
  }

  get configured(): boolean {
    return this.transporter !== null;
  }

  /** Delivers the message to the SMTP server, or throws MailDeliveryError. */
  async send(message: MailMessage): Promise<void> {
    if (!this.transporter) {
      this.logger.log({ to: message.to, subject: message.subject }, `mail not sent (HANGAR_SMTP_URL unset): ${message.subject}\n${message.text}`);
      return;
    }
    try {
      await this.transporter.sendMail({ from: this.config.mail.from, to: message.to, subject: message.subject, text: message.text });
    } catch (err) {
      this.logger.error({ err, to: message.to, subject: message.subject }, 'SMTP delivery failed');
      throw new MailDeliveryError();
    }
  }

  /** Readiness: connects and greets the SMTP server (and authenticates when credentials are set). */
  async healthCheck(): Promise<void> {
    if (this.transporter) await this.transporter.verify();
  }

  onModuleDestroy(): void {
    this.transporter?.close();
  }
}
