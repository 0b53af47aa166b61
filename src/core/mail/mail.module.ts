import { Global, Module } from '@nestjs/common';
import { MailTransport } from './mail-transport';

/** The SMTP transport, available everywhere (account mails, invitations, readiness). */
@Global()
@Module({
  providers: [MailTransport],
  exports: [MailTransport],
})
export class MailModule {}
