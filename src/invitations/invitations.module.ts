import { Module } from '@nestjs/common';
import { AuditRepository } from '../admin/audit/audit.repository';
import { AuthModule } from '../auth/auth.module';
import { AdminInvitationsController } from './admin-invitations.controller';
import { InvitationLinksController } from './invitation-links.controller';
import { InvitationsController } from './invitations.controller';
import { InvitationsRepository } from './invitations.repository';
import { InvitationsService } from './invitations.service';
import { RegistrationInvitationsAdapter } from './registration-invitations.adapter';

@Module({
  imports: [AuthModule],
  controllers: [InvitationsController, InvitationLinksController, AdminInvitationsController],
  providers: [InvitationsRepository, InvitationsService, AuditRepository, RegistrationInvitationsAdapter],
})
export class InvitationsModule {}
