import { Injectable } from '@nestjs/common';
import { generateSecret, sha256 } from '../../core/crypto/secrets';
import { BadRequestError, NotFoundError } from '../../core/errors/domain-error';
import { AccountsRepository } from '../accounts/accounts.repository';
import { assertCanWrite, type Principal } from '../principal';
import { SessionsRepository } from '../sessions/sessions.repository';
import { TokenRecord, TokenRole, TokensRepository } from './tokens.repository';

export interface IssuedToken {
  secret: string;
  record: TokenRecord;
}

/** API tokens: issued once in clear, stored as sha256, revocable. */
@Injectable()
export class TokensService {
  constructor(
    private readonly tokens: TokensRepository,
    private readonly sessions: SessionsRepository,
    private readonly accounts: AccountsRepository,
  ) {}

  async issue(userId: number, name: string, role: TokenRole, expiry: TokenExpiry = {}): Promise<IssuedToken> {
    const secret = generateSecret('hf_');
    const expiresAt = expiryDate(expiry);
    const record = await this.tokens.insert({ userId, name, role, hash: sha256(secret), expiresAt });
    return { secret, record };
  }

  /** A token the caller asks for: a write token needs a caller who may write; any token needs more than a read token. */
  issueFor(principal: Principal, name: string, role: TokenRole, expiry: TokenExpiry): Promise<IssuedToken> {
    if (role === 'write' || principal.via === 'token') assertCanWrite(principal);
    return this.issue(principal.user.id, name, role, expiry);
  }

  /**
   * Replaces one of the caller's tokens with a new value (same name, role and expiry); the old
   * value stops working in the same transaction, and the account's sessions end when asked.
   * `tokenId` null: the token the caller used. A read token cannot rotate a write token.
   */
  async rotateOwn(principal: Principal, tokenId: number | null, endSessions: boolean): Promise<IssuedToken> {
    const id = tokenId ?? principal.token?.id;
    if (id === undefined) throw new BadRequestError('Sign in with the token to rotate, or name it: POST /api/auth/tokens/{id}/rotate', 'NoTokenToRotate');
    const old = (await this.tokens.listForUser(principal.user.id)).find((t) => t.id === id);
    if (!old) throw new NotFoundError(`Token ${id} not found`, 'TokenNotFound');
    if (old.role === 'write' && principal.via === 'token' && principal.token?.role !== 'write') assertCanWrite(principal);
    const secret = generateSecret('hf_');
    const record = await this.accounts.transaction(async (m) => {
      const created = await this.tokens.insert({ userId: old.userId, name: old.name, role: old.role, hash: sha256(secret), expiresAt: old.expiresAt }, m);
      await this.tokens.deleteById(old.id, m);
      if (endSessions) await this.sessions.deleteAllForUser(old.userId, m);
      return created;
    });
    return { secret, record };
  }

  list(userId: number): Promise<TokenRecord[]> {
    return this.tokens.listForUser(userId);
  }

  async revoke(userId: number, tokenId: number): Promise<void> {
    if (!(await this.tokens.deleteForUser(userId, tokenId))) {
      throw new NotFoundError(`Token ${tokenId} not found`, 'TokenNotFound');
    }
  }

  /**
   * Issues a fresh write token and, in the same transaction, revokes every other token and
   * session of the user: the answer to a leaked credential.
   */
  async rotate(userId: number): Promise<IssuedToken> {
    const secret = generateSecret('hf_');
    const record = await this.accounts.transaction(async (m) => {
      const created = await this.tokens.insert(
        { userId, name: `rotated-${new Date().toISOString().slice(0, 10)}`, role: 'write', hash: sha256(secret), expiresAt: null },
        m,
      );
      await this.tokens.deleteAllForUser(userId, m, created.id);
      await this.sessions.deleteAllForUser(userId, m);
      return created;
    });
    return { secret, record };
  }
}

/** An expiry as the creator gives it: a date or a number of days (the DTO refuses both at once). */
export interface TokenExpiry {
  expiresAt?: string;
  expiresInDays?: number;
}

const MAX_TOKEN_DAYS = 3650;

function expiryDate(e: TokenExpiry): Date | null {
  if (e.expiresAt !== undefined && e.expiresInDays !== undefined) throw new BadRequestError('Give expires_at or expires_in_days, not both');
  if (e.expiresInDays) return new Date(Date.now() + e.expiresInDays * 86400 * 1000);
  if (e.expiresAt === undefined) return null;
  const at = new Date(e.expiresAt);
  if (!(at.getTime() > Date.now())) throw new BadRequestError('expires_at must be in the future');
  if (at.getTime() > Date.now() + MAX_TOKEN_DAYS * 86400 * 1000) throw new BadRequestError(`expires_at must be within ${MAX_TOKEN_DAYS} days`);
  return at;
}
