import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Application, Request } from 'express';
import { BadRequestError } from '../errors/domain-error';

/** Express app setting that holds HANGAR_BASE_URL (null when unset); set by configureApp. */
const CONFIGURED_BASE_URL = 'hangar configured base url';

/** A Host (or X-Forwarded-Host) value usable in a URL: a name, IPv4 or [IPv6], and an optional port. */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

export function setConfiguredBaseUrl(app: Pick<Application, 'set'>, baseUrl: string | null): void {
  app.set(CONFIGURED_BASE_URL, baseUrl);
}

/**
 * The base URL (scheme://host[:port], no trailing slash) of every link Hangar hands out in
 * answer to `req`. HANGAR_BASE_URL wins when it is set; otherwise the links follow the address
 * the client used: its Host header, or X-Forwarded-Host/-Proto when the peer is a trusted proxy
 * (Express's `trust proxy`, HANGAR_TRUST_PROXY), so a client that reached Hangar can always
 * follow what it gets back. Nothing Hangar signs covers the host, so a link works under
 * whatever name the client reaches it by.
 */
export function publicBaseUrl(req: Request): string {
  const configured = req.app.get(CONFIGURED_BASE_URL) as string | null | undefined;
  if (configured) return configured;
  // Express 5: req.host keeps the port and reads X-Forwarded-Host only from trusted peers.
  const host = req.host;
  if (!host || !HOST.test(host)) throw new BadRequestError('The Host header must be host[:port]', 'InvalidHost');
  return `${req.protocol}://${host}`;
}

/** Controller parameter: {@link publicBaseUrl} of the current request. */
export const PublicBaseUrl = createParamDecorator((_data: unknown, ctx: ExecutionContext): string =>
  publicBaseUrl(ctx.switchToHttp().getRequest<Request>()),
);
