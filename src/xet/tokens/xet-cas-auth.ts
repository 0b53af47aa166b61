import { applyDecorators, CanActivate, createParamDecorator, ExecutionContext, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBearerAuth, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { AUTH_REQUIREMENT } from '../../auth/auth.decorators';
import { HfErrorDto } from '../../core/errors/hf-error.dto';
import { SECURITY_SCHEMES } from '../../core/openapi/openapi';
import { bearerToken } from '../../auth/credentials';
import { XetTokenService, type XetGrant, type XetOperation } from './xet-token.service';
import { XetGrantCheck } from './xet-grant-check';

const XET_OPERATION = 'hangar:xet-operation';

interface XetRequest extends Request {
  xetGrant?: XetGrant;
}

/** Checks the CAS token of a request (Authorization: Bearer hxt1…) for the route's operation, and that its access still holds. */
@Injectable()
export class XetCasGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: XetTokenService,
    private readonly check: XetGrantCheck,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const op = this.reflector.get<XetOperation>(XET_OPERATION, ctx.getHandler()) ?? 'write';
    const req = ctx.switchToHttp().getRequest<XetRequest>();
    const grant = this.tokens.verify(bearerToken(req.headers.authorization), op);
    await this.check.assertStillValid(grant);
    req.xetGrant = grant;
    return true;
  }
}

/** A CAS endpoint: authenticated by a Xet token with at least `op`, not by a Hangar credential. */
export function XetCasAuth(op: XetOperation) {
  return applyDecorators(
    SetMetadata(AUTH_REQUIREMENT, 'own'),
    SetMetadata(XET_OPERATION, op),
    UseGuards(XetCasGuard),
    ApiBearerAuth(SECURITY_SCHEMES.xetToken),
    ApiUnauthorizedResponse({ description: 'Missing, invalid or expired Xet token, or one whose access ended since (InvalidXetToken)', type: HfErrorDto }),
  );
}

/** The grant of the request's CAS token (on @XetCasAuth routes). */
export const CurrentXetGrant = createParamDecorator((_: unknown, ctx: ExecutionContext): XetGrant => {
  const grant = ctx.switchToHttp().getRequest<XetRequest>().xetGrant;
  if (!grant) throw new Error('CurrentXetGrant used on a route without @XetCasAuth');
  return grant;
});
