import { Injectable } from '@nestjs/common';
import { generateSecret, hashPassword, sha256 } from '../../core/crypto/secrets';
import { BadRequestError } from '../../core/errors/domain-error';
import { Mailer } from '../mailer';
import { SessionsRepository } from '../sessions/sessions.repository';
import { AccountsRepository } from './accounts.repository';
import { PasswordResetsRepository } from './password-resets.repository';
import { MIN_PASSWORD_LENGTH } from './users.service';

const RESET_TTL_MINUTES = 60;

/**
 * Password reset by mail: a single-use link, valid for an hour; using it sets the new password
 * and ends every session of the account.
 */
@Injectable()
export class PasswordResetService {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly resets: PasswordResetsRepository,
    private readonly sessions: SessionsRepository,
    private readonly mailer: Mailer,
  ) {}

  /** Mails a reset link when the address belongs to an active account; says nothing either way. */
  async request(email: string, baseUrl: string): Promise<void> {
    const user = await this.accounts.findUserByLogin(email);
    if (!user || !user.isActive || user.email.toLowerCase() !== email.toLowerCase()) return;
    const token = generateSecret('pr_', 40);
    await this.resets.transaction(async (m) => {
      await this.resets.replace(user.id, sha256(token), new Date(Date.now() + RESET_TTL_MINUTES * 60_000), m);
      // In the transaction: when the mail server refuses, the token (and the old link's removal) roll back.
      const link = `${baseUrl}/api/auth/password-reset/confirm?token=${encodeURIComponent(token)}`;
      await this.mailer.sendPasswordReset(user.email, user.name, link, RESET_TTL_MINUTES);
    });
  }

  /** Whose token it is, without using it (what the mailed link shows). */
  async check(token: string): Promise<string> {
    const userId = await this.resets.findLiveUserId(sha256(token));
    const user = userId === null ? null : await this.accounts.findUserById(userId);
    if (!user) throw invalidToken();
    return user.name;
  }

  async confirm(token: string, password: string): Promise<string> {
    if (password.length < MIN_PASSWORD_LENGTH) {
      throw new BadRequestError(`password must be at least ${MIN_PASSWORD_LENGTH} characters`, 'WeakPassword');
    }
    const passwordHash = await hashPassword(password);
    const userId = await this.resets.transaction(async (m) => {
      const id = await this.resets.consume(sha256(token), m);
      if (id === null) return null;
      await this.accounts.setPasswordHash(id, passwordHash, m);
      await this.sessions.deleteAllForUser(id, m);
      return id;
    });
    if (userId === null) throw invalidToken();
    return (await this.accounts.findUserById(userId))!.name;
  }
}

function invalidToken(): BadRequestError {
  return new BadRequestError('Invalid, used or expired password reset token', 'InvalidToken');
}
