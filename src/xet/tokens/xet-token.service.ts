import { Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Principal } from '../../auth/principal';
import type { HangarConfig } from '../../core/config/config';
import { InjectConfig } from '../../core/config/config.module';
import { ForbiddenError, UnauthorizedError } from '../../core/errors/domain-error';
import { PLURAL, type RepoRecord } from '../../repos/repo.types';

export type XetOperation = 'read' | 'write';

/**
 * What a CAS access token grants: one operation on one repository, for one user, until `exp`,
 * as long as the credential it was issued to and the user's access last (XetGrantCheck).
 */
export interface XetGrant {
  repoId: number;
  op: XetOperation;
  /** The user the token was issued to (null: anonymous read of a public repository). */
  userId: number | null;
  /** The API token, or the session, the user asked with (one of them, when userId is set). */
  tokenId: number | null;
  sessionId: number | null;
  /** Unix seconds. */
  exp: number;
}

export interface XetTokenAnswer {
  accessToken: string;
  exp: number;
  casUrl: string;
}

export interface XetDownloadLinks {
  /** The `xet-read-token` route (huggingface_hub's "refresh route"). */
  xetAuth: string;
  /** `GET {casUrl}/v1/reconstructions/{hash}` (@huggingface/hub switches it to /v2/). */
  reconstruction: string;
}

const PREFIX = 'hxt1';

/**
 * Short-lived CAS tokens: `hxt1.<payload>.<hmac>`, the payload a base64url JSON of the grant,
 * signed with a key derived from the server secret for this purpose only. Stateless, so every
 * node verifies them; they are bearer tokens of the CAS endpoints and nothing else.
 */
@Injectable()
export class XetTokenService {
  private readonly key: Buffer;

  constructor(@InjectConfig() private readonly config: HangarConfig) {
    this.key = createHmac('sha256', config.secret!).update('hangar/xet-token/v1').digest();
  }

  /** `baseUrl`: the request's public base URL (publicBaseUrl), which is also the CAS URL. */
  issue(principal: Principal | null, repoId: number, op: XetOperation, baseUrl: string, nowMs = Date.now()): XetTokenAnswer {
    const exp = Math.floor(nowMs / 1000) + this.config.xet.tokenTtlSeconds;
    const grant: XetGrant = { repoId, op, userId: principal?.user.id ?? null, tokenId: principal?.token?.id ?? null, sessionId: principal?.sessionId ?? null, exp };
    const payload = Buffer.from(JSON.stringify(grant)).toString('base64url');
    return { accessToken: `${PREFIX}.${payload}.${this.sign(payload)}`, exp, casUrl: baseUrl };
  }

  /**
   * Where a client that downloads a Xet-stored file gets a read token (pinned to the commit it
   * resolved, as the hub does) and the file's reconstruction. The resolve answer links both.
   */
  downloadLinks(baseUrl: string, repo: Pick<RepoRecord, 'type' | 'namespace' | 'name'>, commitOid: string, xetHash: string): XetDownloadLinks {
    return {
      xetAuth: this.tokenRoute(baseUrl, repo, 'read', commitOid),
      reconstruction: `${baseUrl}/v1/reconstructions/${xetHash}`,
    };
  }

  /** The URL of the xet-read-token / xet-write-token route of a repository at `revision` (where clients refresh tokens). */
  tokenRoute(baseUrl: string, repo: Pick<RepoRecord, 'type' | 'namespace' | 'name'>, op: XetOperation, revision: string): string {
    return `${baseUrl}/api/${PLURAL[repo.type]}/${repo.namespace}/${repo.name}/xet-${op}-token/${revision}`;
  }

  /** The grant of a valid, unexpired token with at least `op`; UnauthorizedError otherwise. */
  verify(token: string | null | undefined, op: XetOperation, nowMs = Date.now()): XetGrant {
    const parts = (token ?? '').split('.');
    if (parts.length !== 3 || parts[0] !== PREFIX) throw invalid('A Xet access token is required');
    const [, payload, sig] = parts;
    const expected = Buffer.from(this.sign(payload), 'base64url');
    const given = Buffer.from(sig, 'base64url');
    if (given.toString('base64url') !== sig || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw invalid('Invalid Xet access token');
    }
    const grant = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as XetGrant;
    // Tokens signed before they named their credential: refused, so that the client fetches a new one.
    if (grant.userId != null && grant.tokenId == null && grant.sessionId == null) throw invalid('This Xet access token is outdated; ask for a new one');
    if (!Number.isSafeInteger(grant.exp) || grant.exp * 1000 < nowMs) throw invalid('The Xet access token has expired');
    // A valid token of too narrow a scope is a 403, as the CAS API specifies (hub-docs api.md).
    if (op === 'write' && grant.op !== 'write') throw new ForbiddenError('This Xet access token is read-only; a write token is required', 'ReadOnlyToken');
    return grant;
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(`${PREFIX}.${payload}`).digest('base64url');
  }
}

export function invalid(message: string): UnauthorizedError {
  return new UnauthorizedError(message, 'InvalidXetToken');
}
