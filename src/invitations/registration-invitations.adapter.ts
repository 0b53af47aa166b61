import { Injectable, OnModuleInit } from '@nestjs/common';
import { RegistrationInvitationsPort } from '../auth/accounts/registration-invitations';
import { InvitationsService } from './invitations.service';

/** Plugs registration invitations into self-registration (auth cannot import this module). */
@Injectable()
export class RegistrationInvitationsAdapter implements OnModuleInit {
  constructor(
    private readonly port: RegistrationInvitationsPort,
    private readonly invitations: InvitationsService,
  ) {}

  onModuleInit(): void {
    this.port.use({
      assertUsable: async (token) => {
        await this.invitations.assertUsableForRegistration(token);
      },
      redeem: (token, user, m) => this.invitations.redeemForRegistration(token, user, m),
    });
  }
}
