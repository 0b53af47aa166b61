import { Inject, Injectable, Logger } from '@nestjs/common';
import { AtRestCipher, maskedStoredSecret } from '../core/crypto/at-rest';
import { NotFoundError } from '../core/errors/domain-error';
import type { FallbackSourceInput, FallbackSourceRecord } from './fallback-source.types';
import { FallbackSourcesRepository, type StoredSourceFields } from './fallback-sources.repository';

export const FALLBACK_CIPHER = Symbol('FALLBACK_CIPHER');
/** GCM associated data: a value encrypted for this column decrypts nowhere else. */
const TOKEN_PURPOSE = 'fallback_sources.token';

/** A source as the read-through uses it: the token in plain text (never leaves the server). */
export interface ReadableSource extends Omit<FallbackSourceRecord, 'tokenEncrypted'> {
  token: string | null;
}

/** Sources change rarely; a node may see a change a few seconds late (see ARCHITECTURE.md). */
const ENABLED_CACHE_MS = 2000;

/** A source as answers show it: the token masked. */
export interface FallbackSourceView extends Omit<FallbackSourceRecord, 'tokenEncrypted'> {
  tokenPreview: string | null;
}

/** The records of upstream hubs (issue 18's sources) that the read-through asks. */
@Injectable()
export class FallbackSourcesService {
  private readonly logger = new Logger('FallbackSources');
  private enabledCache: { at: number; sources: Promise<ReadableSource[]> } | null = null;

  constructor(
    private readonly sources: FallbackSourcesRepository,
    @Inject(FALLBACK_CIPHER) private readonly cipher: AtRestCipher,
  ) {}

  async list(f: { namespace?: string; enabled?: boolean }): Promise<FallbackSourceView[]> {
    return (await this.sources.list(f)).map((s) => this.view(s));
  }

  async get(id: number): Promise<FallbackSourceView> {
    return this.view(await this.mustFind(id));
  }

  async create(input: FallbackSourceInput): Promise<FallbackSourceView> {
    this.enabledCache = null;
    return this.view(await this.sources.insert(this.stored(input)));
  }

  /** Fields left undefined keep their value; `token: null` removes the token. */
  async update(id: number, change: Partial<FallbackSourceInput>): Promise<FallbackSourceView> {
    this.enabledCache = null;
    const current = await this.mustFind(id);
    const merged: StoredSourceFields = {
      ...current,
      ...Object.fromEntries(Object.entries(change).filter(([k, v]) => v !== undefined && k !== 'token')),
      tokenEncrypted: change.token === undefined ? current.tokenEncrypted : this.encrypt(change.token),
    } as StoredSourceFields;
    if (change.url !== undefined) merged.url = normalizeUrl(change.url);
    const updated = await this.sources.update(id, merged);
    if (!updated) throw notFound(id);
    return this.view(updated);
  }

  async delete(id: number): Promise<FallbackSourceView> {
    this.enabledCache = null;
    const source = await this.mustFind(id);
    if (!(await this.sources.delete(id))) throw notFound(id);
    return this.view(source);
  }

  /** What anyone may know: enabled global sources, without tokens (users pick one to add their own token for). */
  async available(): Promise<Pick<FallbackSourceRecord, 'url' | 'name' | 'sourceType' | 'priority'>[]> {
    return (await this.sources.list({ namespace: '', enabled: true })).map(({ url, name, sourceType, priority }) => ({ url, name, sourceType, priority }));
  }

  /** The enabled sources, highest priority first, tokens decrypted (a token that no longer decrypts is left out). */
  enabledSources(): Promise<ReadableSource[]> {
    const now = Date.now();
    if (!this.enabledCache || now - this.enabledCache.at > ENABLED_CACHE_MS) {
      const sources = this.sources.list({ enabled: true }).then((rows) => rows.map((r) => this.readable(r)));
      this.enabledCache = { at: now, sources };
      sources.catch(() => (this.enabledCache = null));
    }
    return this.enabledCache.sources;
  }

  private readable(s: FallbackSourceRecord): ReadableSource {
    const { tokenEncrypted, ...rest } = s;
    let token: string | null = null;
    if (tokenEncrypted !== null) {
      try {
        token = this.cipher.decrypt(tokenEncrypted, TOKEN_PURPOSE);
      } catch {
        this.logger.warn({ id: s.id }, 'a fallback source token does not decrypt with the current key; asking without it');
      }
    }
    return { ...rest, token };
  }

  private async mustFind(id: number): Promise<FallbackSourceRecord> {
    const s = await this.sources.find(id);
    if (!s) throw notFound(id);
    return s;
  }

  private stored(input: FallbackSourceInput): StoredSourceFields {
    const { token, ...rest } = input;
    return { ...rest, url: normalizeUrl(input.url), tokenEncrypted: this.encrypt(token) };
  }

  private encrypt(token: string | null): string | null {
    return token === null || token === '' ? null : this.cipher.encrypt(token, TOKEN_PURPOSE);
  }

  private view(s: FallbackSourceRecord): FallbackSourceView {
    const { tokenEncrypted, ...rest } = s;
    return { ...rest, tokenPreview: tokenEncrypted === null ? null : this.preview(s.id, tokenEncrypted) };
  }

  private preview(id: number, stored: string): string {
    const { preview, readable } = maskedStoredSecret(this.cipher, stored, TOKEN_PURPOSE);
    if (!readable) this.logger.warn({ id }, 'a fallback source token does not decrypt with the current key');
    return preview;
  }

}

function notFound(id: number): NotFoundError {
  return new NotFoundError(`Fallback source ${id} not found`, 'FallbackSourceNotFound');
}

/** One spelling per hub: no trailing slash. */
export function normalizeUrl(url: string): string {
  return url.replace(/\/+$/, '');
}
