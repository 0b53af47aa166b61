import { Injectable, Logger } from '@nestjs/common';

/**
 * Delivers account emails. Hangar has no SMTP transport yet, so the message (with its link)
 * goes to the log, where an operator can pass it on.
 */
@Injectable()
export class Mailer {
  private readonly logger = new Logger('Mailer');

  async sendVerification(to: string, username: string, link: string): Promise<void> {
    this.logger.log({ to, username, link }, `email verification link for ${username}: ${link}`);
  }
}
