import { Injectable } from '@nestjs/common';
import { MailTransport } from '../core/mail/mail-transport';

/**
 * The account mails Hangar sends (words only; delivery is MailTransport's, which logs them when
 * no SMTP server is configured). Each throws MailDeliveryError when the server refuses.
 */
@Injectable()
export class Mailer {
  constructor(private readonly transport: MailTransport) {}

  sendVerification(to: string, username: string, link: string): Promise<void> {
    return this.transport.send({
      to,
      subject: 'Confirm your email address',
      text: `Hello ${username},\n\nconfirm your email address by opening this link (valid for 24 hours):\n\n${link}\n`,
    });
  }

  sendPasswordReset(to: string, username: string, link: string, validMinutes: number): Promise<void> {
    return this.transport.send({
      to,
      subject: 'Reset your password',
      text:
        `Hello ${username},\n\nsomeone asked to reset the password of your account. The link below works once, ` +
        `for ${validMinutes} minutes; open it (or send its token to POST /api/auth/password-reset/confirm) to choose a new password:\n\n${link}\n\n` +
        `If it wasn't you, ignore this mail: your password stays as it is.\n`,
    });
  }

  sendOrgInvitation(to: string, inviter: string, org: string, role: string, link: string, expiresAt: Date): Promise<void> {
    return this.transport.send({
      to,
      subject: `${inviter} invites you to join ${org}`,
      text:
        `Hello,\n\n${inviter} invites you to join the organization ${org} as ${role}. ` +
        `Sign in with the account of this address and accept the invitation (valid until ${expiresAt.toISOString()}):\n\n${link}\n`,
    });
  }
}
