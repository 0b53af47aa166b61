import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { HfErrorDto } from '../core/errors/hf-error.dto';
import type { Principal } from './principal';

/**
 * What a route asks of its caller; read by the one global AuthGuard. Default: 'optional'.
 * 'own': the route authenticates by other means (a signature, a Xet CAS token) and its
 * Authorization header is not a Hangar credential.
 */
export type AuthRequirement = 'optional' | 'user' | 'write' | 'admin' | 'own';
export const AUTH_REQUIREMENT = 'hangar:auth-requirement';

export const SESSION_COOKIE = 'hangar_session';

/** A signed-in user (token or session); 'write' also refuses read-only tokens. */
export function Authenticated(level: 'user' | 'write' = 'user') {
  return applyDecorators(
    SetMetadata(AUTH_REQUIREMENT, level),
    ApiBearerAuth('bearer'),
    ApiCookieAuth('session'),
    ApiUnauthorizedResponse({ description: 'No valid token or session', type: HfErrorDto }),
    ...(level === 'write' ? [ApiForbiddenResponse({ description: 'Read-only token', type: HfErrorDto })] : []),
  );
}

/** Credentials are optional, but when sent they must be valid. */
export function OptionalAuth() {
  return applyDecorators(SetMetadata(AUTH_REQUIREMENT, 'optional'), ApiBearerAuth('bearer'), ApiCookieAuth('session'));
}

/** The admin API: `X-Admin-Token` (or `Authorization: Bearer <admin token>`). */
export function AdminApi() {
  return applyDecorators(
    SetMetadata(AUTH_REQUIREMENT, 'admin'),
    ApiSecurity('adminToken'),
    ApiUnauthorizedResponse({ description: 'No admin token sent', type: HfErrorDto }),
    ApiForbiddenResponse({ description: 'Admin API disabled, or wrong admin token', type: HfErrorDto }),
  );
}

export interface AuthenticatedRequest extends Request {
  principal?: Principal | null;
  /** Fingerprint of the admin token that authorised this request (`admin:<12 hex>`). */
  adminActor?: string;
  sessionSecret?: string | null;
}

/** The caller on an @Authenticated route (never null there). */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without @Authenticated');
  return principal;
});

/** The caller, or null when anonymous. */
export const OptionalPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal | null => ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal ?? null,
);
