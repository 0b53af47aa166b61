import type { UserRecord } from '../accounts/account.types';
import type { TokenRecord } from '../tokens/tokens.repository';
import type { MeResponseDto } from '../dto/auth.dto';
import type { RotatedTokenResponseDto, TokenInfoDto } from '../dto/tokens.dto';
import type { Principal } from '../principal';
import type { IssuedToken } from '../tokens/tokens.service';

export function toMe(user: UserRecord): MeResponseDto {
  return {
    id: user.id,
    username: user.name,
    email: user.email,
    fullname: user.fullname,
    email_verified: user.emailVerified,
    created_at: user.createdAt.toISOString(),
  };
}

export function toTokenInfo(t: TokenRecord): TokenInfoDto {
  return {
    id: t.id,
    name: t.name,
    role: t.role,
    created_at: t.createdAt.toISOString(),
    expires_at: t.expiresAt ? t.expiresAt.toISOString() : null,
    last_used: t.lastUsedAt ? t.lastUsedAt.toISOString() : null,
  };
}

export function toRotatedToken(principal: Principal, issued: IssuedToken, sessionsEnded: boolean): RotatedTokenResponseDto {
  const r = issued.record;
  return {
    username: principal.user.name,
    new_api_key: issued.secret,
    token_id: r.id,
    name: r.name,
    role: r.role,
    expires_at: r.expiresAt ? new Date(r.expiresAt).toISOString() : null,
    sessions_ended: sessionsEnded,
  };
}
