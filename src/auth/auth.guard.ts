import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenError, UnauthorizedError } from '../core/errors/domain-error';
import { AdminCredentialsService } from './admin-setup/admin-credentials.service';
import { AUTH_REQUIREMENT, AuthRequirement, AuthenticatedRequest } from './auth.decorators';
import { AuthService } from './auth.service';
import { bearerToken, readCredentials } from './credentials';
import { isForgedSessionWrite } from './csrf';
import { assertCanWrite } from './principal';

/**
 * The one global guard that decides who the caller is and whether the route lets them in.
 * Routes declare what they need with @Authenticated / @OptionalAuth / @AdminApi.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly admins: AdminCredentialsService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    const requirement =
      this.reflector.getAllAndOverride<AuthRequirement>(AUTH_REQUIREMENT, [ctx.getHandler(), ctx.getClass()]) ?? 'optional';
    if (requirement === 'own') return true;
    if (requirement === 'admin') {
      req.adminActor = await this.checkAdminToken(req);
      return true;
    }
    await this.identify(req);
    if (requirement === 'optional') return true;
    if (!req.principal) throw new UnauthorizedError('Authentication required: send a token (Authorization: Bearer hf_...) or sign in');
    if (requirement === 'write') assertCanWrite(req.principal);
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
    if (sessionSecret && isForgedSessionWrite(req)) {
      throw new ForbiddenError("Cross-site request refused: a session cookie authenticates writes only from Hangar's own pages (send a token instead)", 'CrossSiteRequest');
    }
    req.principal = sessionSecret ? await this.auth.principalForSession(sessionSecret) : null;
  }

  private async checkAdminToken(req: AuthenticatedRequest): Promise<string> {
    const header = req.headers['x-admin-token'];
    // Without X-Admin-Token, a user's own credential (Bearer token or session) is tried first:
    // an admin-role account uses the admin API with it. A Bearer that is no user's falls through
    // to the admin token's own answers.
    if (!header) {
      await this.identify(req).catch(() => (req.principal = null));
      if (req.principal?.user.role === 'admin') {
        assertCanWrite(req.principal);
        return `user:${req.principal.user.name}`;
      }
      if (req.principal) throw new ForbiddenError('Invalid admin token: this credential is a user’s, and the account is not admin-role', 'InvalidAdminToken');
    }
    const sent = (Array.isArray(header) ? header[0] : header) ?? bearerToken(req.headers.authorization);
    const actor = sent ? await this.admins.actorFor(sent) : null;
    if (actor) return actor;
    if (!(await this.admins.enabled())) {
      throw new ForbiddenError('The admin API is off: set HANGAR_ADMIN_TOKEN, or use the one-time setup link that Hangar printed at startup', 'AdminDisabled');
    }
    throw new UnauthorizedError('Admin token required in the X-Admin-Token header', 'AdminTokenRequired');
  }

}
