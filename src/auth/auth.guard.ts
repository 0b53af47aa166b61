import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { HangarConfig } from '../core/config/config';
import { InjectConfig } from '../core/config/config.module';
import { constantTimeEquals, fingerprint } from '../core/crypto/secrets';
import { ForbiddenError, UnauthorizedError } from '../core/errors/domain-error';
import { AUTH_REQUIREMENT, AuthRequirement, AuthenticatedRequest } from './auth.decorators';
import { AuthService } from './auth.service';
import { bearerToken, readCredentials } from './credentials';

/**
 * The one global guard that decides who the caller is and whether the route lets them in.
 * Routes declare what they need with @Authenticated / @OptionalAuth / @AdminApi.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    @InjectConfig() private readonly config: HangarConfig,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    const requirement =
      this.reflector.getAllAndOverride<AuthRequirement>(AUTH_REQUIREMENT, [ctx.getHandler(), ctx.getClass()]) ?? 'optional';
    if (requirement === 'own') return true;
    if (requirement === 'admin') {
      req.adminActor = this.checkAdminToken(req);
      return true;
    }
    await this.identify(req);
    if (requirement === 'optional') return true;
    if (!req.principal) throw new UnauthorizedError('Authentication required: send a token (Authorization: Bearer hf_...) or sign in');
    if (requirement === 'write' && !req.principal.canWrite) {
      throw new ForbiddenError('This token is read-only; a write token is required', 'ReadOnlyToken');
    }
    return true;
  }

  private async identify(req: AuthenticatedRequest): Promise<void> {
    const { token, sessionSecret } = readCredentials(req);
    req.sessionSecret = sessionSecret;
    if (token) {
      // A token that was sent must be valid, even on public routes (as on the public hub).
      req.principal = await this.auth.principalForToken(token);
      if (!req.principal) throw new UnauthorizedError('Invalid credentials in Authorization header', 'InvalidCredentials');
      return;
    }
    req.principal = sessionSecret ? await this.auth.principalForSession(sessionSecret) : null;
  }

  private checkAdminToken(req: AuthenticatedRequest): string {
    const expected = this.config.adminToken;
    if (!expected) throw new ForbiddenError('The admin API is disabled: set HANGAR_ADMIN_TOKEN to enable it', 'AdminDisabled');
    const header = req.headers['x-admin-token'];
    const sent = (Array.isArray(header) ? header[0] : header) ?? bearerToken(req.headers.authorization);
    if (!sent) throw new UnauthorizedError('Admin token required in the X-Admin-Token header', 'AdminTokenRequired');
    if (!constantTimeEquals(sent, expected)) throw new ForbiddenError('Invalid admin token', 'InvalidAdminToken');
    return `admin:${fingerprint(expected)}`;
  }
}
