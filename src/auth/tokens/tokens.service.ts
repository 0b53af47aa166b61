import { Injectable } from '@nestjs/common';
import { generateSecret, sha256 } from '../../core/crypto/secrets';
import { NotFoundError } from '../../core/errors/domain-error';
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

  async issue(userId: number, name: string, role: TokenRole, expiresInDays?: number): Promise<IssuedToken> {
    const secret = generateSecret('hf_');
    const expiresAt = expiresInDays ? new Date(Date.now() + expiresInDays * 86400 * 1000) : null;
    const record = await this.tokens.insert({ userId, name, role, hash: sha256(secret), expiresAt });
    return { secret, record };
  }

  /** A token the caller asks for: a write token needs a caller who may write; any token needs more than a read token. */
  issueFor(principal: Principal, name: string, role: TokenRole, expiresInDays?: number): Promise<IssuedToken> {
    if (role === 'write' || principal.via === 'token') assertCanWrite(principal);
    return this.issue(principal.user.id, name, role, expiresInDays);
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
