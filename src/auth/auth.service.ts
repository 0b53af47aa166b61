import { Injectable } from '@nestjs/common';
import type { HangarConfig } from '../core/config/config';
import { InjectConfig } from '../core/config/config.module';
import { generateSecret, hashPassword, sha256, verifyPassword } from '../core/crypto/secrets';
import { BadRequestError, ForbiddenError, NotFoundError, UnauthorizedError } from '../core/errors/domain-error';
import { AccountsRepository } from './accounts/accounts.repository';
import { UserRecord } from './accounts/account.types';
import { EmailVerificationsRepository } from './accounts/email-verifications.repository';
import { assertStrongEnough, UsersService } from './accounts/users.service';
import { Mailer } from './mailer';
import { RegistrationInvitationsPort } from './accounts/registration-invitations';
import { LoginThrottleService } from './login/login-throttle.service';
import { Principal, principalFromSession, principalFromToken } from './principal';
import { SessionsRepository } from './sessions/sessions.repository';
import { TokensRepository } from './tokens/tokens.repository';

const VERIFICATION_TTL_MS = 24 * 3600 * 1000;

export interface RegisterInput {
  username: string;
  email: string;
  password: string;
  fullname?: string;
  invitationToken?: string;
  /** The request's public base URL: the verification link points there. */
  baseUrl: string;
}

/** Registration, login, sessions, email verification, and turning credentials into a Principal. */
@Injectable()
export class AuthService {
  /** A real argon2id hash of nothing anyone knows, so that unknown users cost as much as known ones. */
  private readonly dummyHash = hashPassword(generateSecret('', 32));

  constructor(
    @InjectConfig() private readonly config: HangarConfig,
    private readonly users: UsersService,
    private readonly accounts: AccountsRepository,
    private readonly tokens: TokensRepository,
    private readonly sessions: SessionsRepository,
    private readonly verifications: EmailVerificationsRepository,
    private readonly mailer: Mailer,
    private readonly invitations: RegistrationInvitationsPort,
    private readonly throttle: LoginThrottleService,
  ) {}

  async register(input: RegisterInput): Promise<{ user: UserRecord; verificationSent: boolean }> {
    const mode = this.config.auth.registration;
    if (mode === 'closed') throw new ForbiddenError('Registration is closed on this hub', 'RegistrationClosed');
    const invitation = input.invitationToken || null;
    if (mode === 'invitation' && !invitation) {
      throw new ForbiddenError('Registration is by invitation only: an invitation_token is required', 'InvitationRequired');
    }
    // Refuse a bad invitation before the password hash is paid for; the use itself is counted
    // in the user's transaction, so a registration that fails later uses nothing.
    if (invitation) await this.invitations.assertUsable(invitation);
    const needsVerification = this.config.auth.requireEmailVerification;
    const user = await this.users.create(
      {
        username: input.username,
        email: input.email,
        password: input.password,
        fullname: input.fullname,
        emailVerified: !needsVerification,
      },
      async (m, userId) => {
        if (invitation) await this.invitations.redeem(invitation, { id: userId, name: input.username }, m);
        if (!needsVerification) return;
        const verificationToken = generateSecret('ev_', 40);
        await this.verifications.insert(userId, sha256(verificationToken), new Date(Date.now() + VERIFICATION_TTL_MS), m);
        // Sent before the account commits: a mail server that refuses leaves no account behind.
        const link = `${input.baseUrl}/api/auth/verify-email?token=${encodeURIComponent(verificationToken)}`;
        await this.mailer.sendVerification(input.email, input.username, link);
      },
    );
    return { user, verificationSent: needsVerification };
  }

  /** Checks the password and opens a session; returns the cookie value (shown once). */
  async login(login: string, password: string, address?: string): Promise<{ user: UserRecord; sessionSecret: string; expiresAt: Date }> {
    await this.throttle.assertOpen(login, address);
    const user = await this.accounts.findUserByLogin(login);
    // Verify even for unknown users so that timing does not reveal which names exist.
    const ok = await verifyPassword(user?.passwordHash ?? (await this.dummyHash), password);
    if (!user || !ok) {
      await this.throttle.failed(login, address);
      throw new UnauthorizedError('Invalid username or password', 'InvalidCredentials');
    }
    await this.throttle.succeeded(login);
    if (!user.isActive) throw new ForbiddenError('This account is disabled', 'AccountDisabled');
    if (this.config.auth.requireEmailVerification && !user.emailVerified) {
      throw new ForbiddenError('Please verify your email address first', 'EmailNotVerified');
    }
    const sessionSecret = generateSecret('hs_', 43);
    const expiresAt = new Date(Date.now() + this.config.auth.sessionTtlHours * 3600 * 1000);
    await this.sessions.insert(user.id, sha256(sessionSecret), expiresAt);
    return { user, sessionSecret, expiresAt };
  }

  listSessions(principal: Principal, currentSecret: string | null) {
    return this.sessions.listLive(principal.user.id, currentSecret ? sha256(currentSecret) : null);
  }

  /** A user's live sessions, for the admin API (no session of the caller's to mark). */
  listSessionsOf(userId: number) {
    return this.sessions.listLive(userId, null);
  }

  endSession(principal: Principal, id: number): Promise<void> {
    return this.endSessionOf(principal.user.id, id);
  }

  async endSessionOf(userId: number, id: number): Promise<void> {
    if (!(await this.sessions.deleteForUser(userId, id))) throw new NotFoundError(`Session ${id} not found`, 'SessionNotFound');
  }

  /** Needs the old password; ends every other session (the caller's own stays). */
  async changePassword(principal: Principal, oldPassword: string, newPassword: string, currentSecret: string | null): Promise<void> {
    const user = await this.accounts.findUserById(principal.user.id);
    if (!user || !(await verifyPassword(user.passwordHash, oldPassword))) {
      throw new ForbiddenError('The current password is wrong', 'WrongPassword');
    }
    assertStrongEnough(newPassword);
    const hash = await hashPassword(newPassword);
    await this.accounts.transaction(async (m) => {
      await this.accounts.setPasswordHash(user.id, hash, m);
      await this.sessions.deleteOthers(user.id, currentSecret && principal.via === 'session' ? sha256(currentSecret) : null, m);
    });
  }

  async logout(sessionSecret: string | null): Promise<void> {
    if (sessionSecret) await this.sessions.deleteByHash(sha256(sessionSecret));
  }

  async verifyEmail(token: string): Promise<UserRecord> {
    const userId = await this.accounts.transaction(async (m) => {
      const id = await this.verifications.consume(sha256(token), m);
      if (id !== null) await this.accounts.setEmailVerified(id, true, m);
      return id;
    });
    if (userId === null) throw new BadRequestError('Invalid or expired verification token', 'InvalidToken');
    return (await this.accounts.findUserById(userId))!;
  }

  /** The principal behind an API token, or null when the token is unknown, expired or revoked. */
  async principalForToken(secret: string): Promise<Principal | null> {
    const token = await this.tokens.findByHash(sha256(secret));
    if (!token) return null;
    if (token.expired) {
      throw new UnauthorizedError(`This token ("${token.name}") expired on ${token.expiresAt!.toISOString()}; create a new one`, 'TokenExpired');
    }
    const user = await this.accounts.findUserById(token.userId);
    if (!user || !user.isActive) return null;
    if (token.touchDue) void this.tokens.touch(token.id).catch(() => undefined);
    return principalFromToken(user, token);
  }

  async principalForSession(secret: string): Promise<Principal | null> {
    const session = await this.sessions.findLive(sha256(secret));
    if (session === null) return null;
    const user = await this.accounts.findUserById(session.userId);
    return user && user.isActive ? principalFromSession(user, session.id) : null;
  }

  /**
   * The principal behind a credential named by ids (what a derived token, a Xet token, records of
   * the credential it was issued to), or null when that token or session no longer works or the
   * account is disabled.
   */
  async principalForCredential(c: { userId: number; tokenId: number | null; sessionId: number | null }): Promise<Principal | null> {
    const token = c.tokenId === null ? null : await this.tokens.findLive(c.tokenId, c.userId);
    if (token === null && (c.sessionId === null || !(await this.sessions.isLive(c.sessionId, c.userId)))) return null;
    const user = await this.accounts.findUserById(c.userId);
    if (!user || !user.isActive) return null;
    return token ? principalFromToken(user, token) : principalFromSession(user, c.sessionId!);
  }
}

