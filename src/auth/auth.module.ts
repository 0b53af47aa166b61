import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AdminCredentialsService } from './admin-setup/admin-credentials.service';
import { AdminSetupRepository } from './admin-setup/admin-setup.repository';
import { AccountsRepository } from './accounts/accounts.repository';
import { EmailVerificationsRepository } from './accounts/email-verifications.repository';
import { OwnedRepositoriesPort } from './accounts/owned-repositories';
import { UsersService } from './accounts/users.service';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { LoginThrottleRepository } from './login/login-throttle.repository';
import { LoginThrottleService } from './login/login-throttle.service';
import { LoginThrottleCleanupJob } from './login/login-throttle-cleanup.job';
import { AuthController } from './controllers/auth.controller';
import { AvatarsController } from './controllers/avatars.controller';
import { OrgsController } from './controllers/orgs.controller';
import { WhoAmIController } from './controllers/whoami.controller';
import { MeController } from './controllers/me.controller';
import { Mailer } from './mailer';
import { PasswordResetService } from './accounts/password-reset.service';
import { PasswordResetsRepository } from './accounts/password-resets.repository';
import { RegistrationInvitationsPort } from './accounts/registration-invitations';
import { PasswordResetController } from './controllers/password-reset.controller';
import { OrgsRepository } from './orgs/orgs.repository';
import { OrgsService } from './orgs/orgs.service';
import { SessionsCleanupJob } from './sessions/sessions-cleanup.job';
import { SessionsRepository } from './sessions/sessions.repository';
import { TokensRepository } from './tokens/tokens.repository';
import { TokensService } from './tokens/tokens.service';

@Module({
  controllers: [AuthController, PasswordResetController, WhoAmIController, OrgsController, AvatarsController, MeController],
  providers: [
    AccountsRepository,
    EmailVerificationsRepository,
    TokensRepository,
    SessionsRepository,
    OrgsRepository,
    UsersService,
    AuthService,
    TokensService,
    OrgsService,
    Mailer,
    PasswordResetsRepository,
    PasswordResetService,
    RegistrationInvitationsPort,
    SessionsCleanupJob,
    OwnedRepositoriesPort,
    AdminSetupRepository,
    AdminCredentialsService,
    LoginThrottleRepository,
    LoginThrottleService,
    LoginThrottleCleanupJob,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [UsersService, AuthService, TokensService, OrgsService, OwnedRepositoriesPort, AdminCredentialsService, Mailer, RegistrationInvitationsPort],
})
export class AuthModule {}
