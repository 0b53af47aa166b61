import { ForbiddenError } from '../core/errors/domain-error';
import type { UserRecord } from './accounts/account.types';
import type { TokenRecord } from './tokens/tokens.repository';

/** Who is calling: a user, and how they proved it. */
export interface Principal {
  user: UserRecord;
  via: 'token' | 'session';
  /** The API token used, when `via` is token. */
  token: TokenRecord | null;
  /** The session used, when `via` is session (what a credential derived from it, a Xet token, is checked against). */
  sessionId: number | null;
  /** Sessions and write tokens may change things; read tokens and viewer accounts may not. */
  canWrite: boolean;
}

export function principalFromToken(user: UserRecord, token: TokenRecord): Principal {
  return { user, via: 'token', token, sessionId: null, canWrite: token.role === 'write' && user.role !== 'viewer' };
}

export function principalFromSession(user: UserRecord, sessionId: number): Principal {
  return { user, via: 'session', token: null, sessionId, canWrite: user.role !== 'viewer' };
}

/** Refuses a change to a caller who may change nothing: a read token, or a viewer account. */
export function assertCanWrite(principal: Principal): void {
  if (principal.canWrite) return;
  if (principal.user.role === 'viewer') throw new ForbiddenError('Viewer accounts can read but not change anything', 'ReadOnlyAccount');
  throw new ForbiddenError('This token is read-only; a write token is required', 'ReadOnlyToken');
}
