import { applyDecorators, CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor, SetMetadata, UseInterceptors } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { catchError, from, mergeMap, Observable, throwError } from 'rxjs';
import type { AuthenticatedRequest } from '../../auth/auth.decorators';
import { toErrorShape } from '../../core/errors/hf-exception.filter';
import { AuditRepository } from './audit.repository';

export const AUDIT_ACTION = 'hangar:audit-action';

/**
 * Marks an admin handler as an action to record in the audit log, e.g. `@Audited('user.delete')`,
 * and puts the interceptor on that handler only: as a global interceptor it cost every request
 * (downloads included) an interceptor chain for nothing. The module must provide AuditRepository.
 */
export const Audited = (action: string) => applyDecorators(SetMetadata(AUDIT_ACTION, action), UseInterceptors(AuditInterceptor));

/** Keys whose values never reach the audit log. */
const SECRET_KEYS = /pass(word)?|token|secret|authorization|cookie/i;

/**
 * Writes one audit row per admin action, after it succeeded or failed: who (admin-token
 * fingerprint), what, on which target, with which (secret-free) parameters, and the outcome.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Audit');

  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditRepository,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const action = this.reflector.get<string>(AUDIT_ACTION, ctx.getHandler());
    if (!action) return next.handle();
    const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    const record = (result: 'success' | 'failure', status: number) =>
      this.audit
        .insert({
          // Admin API: the admin token or admin-role user; a public route audited for admin-role users: its caller.
          actor: req.adminActor ?? (req.principal ? `user:${req.principal.user.name}` : 'unknown'),
          action,
          target: auditTarget(req),
          params: redact({ ...(req.query as object), ...(isObject(req.body) ? req.body : {}) }),
          result,
          status,
          requestId: (req as { id?: string }).id ?? null,
        })
        .catch((err) => this.logger.error({ err, action }, 'could not write the audit log'));
    return next.handle().pipe(
      mergeMap((value) => from(record('success', ctx.switchToHttp().getResponse().statusCode ?? 200).then(() => value))),
      catchError((err) => from(record('failure', toErrorShape(err).status)).pipe(mergeMap(() => throwError(() => err)))),
    );
  }
}

function auditTarget(req: AuthenticatedRequest): string | null {
  const params = req.params as Record<string, string | undefined>;
  const body = isObject(req.body) ? (req.body as Record<string, unknown>) : {};
  const name = params.username ?? params.name ?? (typeof body.username === 'string' ? body.username : undefined);
  if (name) return `user:${name}`.slice(0, 256);
  return params.namespace ? `namespace:${params.namespace}`.slice(0, 256) : null;
}

export function redact(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEYS.test(k) ? '[redacted]' : isObject(v) ? redact(v as Record<string, unknown>) : v;
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
