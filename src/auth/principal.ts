import type { UserRecord } from './accounts/account.types';
import type { TokenRecord } from './tokens/tokens.repository';

/** Who is calling: a user, and how they proved it. */
export interface Principal {
  user: UserRecord;
  via: 'token' | 'session';
  /** The API token used, when `via` is token. */
  token: TokenRecord | null;
  /** Sessions and write tokens may change things; read tokens may not. */
  canWrite: boolean;
}

export function principalFromToken(user: UserRecord, token: TokenRecord): Principal {
  return { user, via: 'token', token, canWrite: token.role === 'write' };
}

export function principalFromSession(user: UserRecord): Principal {
  return { user, via: 'session', token: null, canWrite: true };
}
