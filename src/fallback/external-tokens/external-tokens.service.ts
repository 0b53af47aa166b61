import { Inject, Injectable, Logger } from '@nestjs/common';
import { AtRestCipher, maskedStoredSecret } from '../../core/crypto/at-rest';
import { BadRequestError, ForbiddenError, NotFoundError } from '../../core/errors/domain-error';
import type { Principal } from '../../auth/principal';
import { FALLBACK_CIPHER, normalizeUrl } from '../fallback-sources.service';
import { ExternalTokensRepository } from './external-tokens.repository';

/** GCM associated data: a value encrypted for this column decrypts nowhere else. */
const TOKEN_PURPOSE = 'user_external_tokens.token';

export interface ExternalTokenView {
  url: string;
  tokenPreview: string;
  createdAt: Date;
  updatedAt: Date;
}

/** A user's own tokens for upstream hubs; each user manages only their own. */
@Injectable()
export class ExternalTokensService {
  private readonly logger = new Logger('ExternalTokens');

  constructor(
    private readonly tokens: ExternalTokensRepository,
    @Inject(FALLBACK_CIPHER) private readonly cipher: AtRestCipher,
  ) {}

  async list(caller: Principal, username: string): Promise<ExternalTokenView[]> {
    const userId = this.own(caller, username);
    return (await this.tokens.list(userId)).map((t) => ({ url: t.url, tokenPreview: this.preview(t.tokenEncrypted), createdAt: t.createdAt, updatedAt: t.updatedAt }));
  }

  async save(caller: Principal, username: string, url: string, token: string): Promise<void> {
    await this.tokens.upsert(this.own(caller, username), normalizeUrl(url), this.cipher.encrypt(token, TOKEN_PURPOSE));
  }

  async delete(caller: Principal, username: string, url: string): Promise<void> {
    if (!(await this.tokens.delete(this.own(caller, username), normalizeUrl(url)))) {
      throw new NotFoundError(`No external token for ${url}`, 'ExternalTokenNotFound');
    }
  }

  async replaceAll(caller: Principal, username: string, tokens: { url: string; token: string }[]): Promise<number> {
    const userId = this.own(caller, username);
    const byUrl = new Map(tokens.map((t) => [normalizeUrl(t.url), t.token]));
    if (byUrl.size !== tokens.length) throw new BadRequestError('Each url may appear once in tokens', 'DuplicateExternalToken');
    await this.tokens.replaceAll(userId, [...byUrl].map(([url, token]) => ({ url, tokenEncrypted: this.cipher.encrypt(token, TOKEN_PURPOSE) })));
    return byUrl.size;
  }

  /** The user's token for an upstream hub, for their own read-through requests; null when none (or it no longer decrypts). */
  async tokenFor(userId: number, url: string): Promise<string | null> {
    const stored = await this.tokens.find(userId, normalizeUrl(url));
    if (stored === null) return null;
    try {
      return this.cipher.decrypt(stored, TOKEN_PURPOSE);
    } catch (err) {
      this.logger.warn({ err, userId, url }, 'an external token does not decrypt with the current key');
      return null;
    }
  }

  private own(caller: Principal, username: string): number {
    if (caller.user.name.toLowerCase() !== username.toLowerCase()) throw new ForbiddenError('Users can only manage their own external tokens', 'NotYourTokens');
    return caller.user.id;
  }

  private preview(stored: string): string {
    return maskedStoredSecret(this.cipher, stored, TOKEN_PURPOSE).preview;
  }

}
