import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AuthService } from '../../auth/auth.service';
import { externalTokensFromAuthorization, readCredentials } from '../../auth/credentials';
import { RepositoriesRepository } from '../../repos/repositories.repository';
import { FallbackSourcesService, type ReadableSource } from '../fallback-sources.service';
import { FallbackReadThroughService } from './fallback-read-through.service';
import { parseFallbackRoute, sourceAllows, type FallbackRoute } from './fallback-route';

/**
 * In front of the read routes: a request for a repository Hangar does not hold (nor redirects)
 * is answered from the fallback sources that may serve it; everything else goes on to the app
 * untouched. A local repository always wins, whatever its visibility (a private local repo stays
 * a 404 to strangers, never an upstream's namesake). With no enabled source this costs nothing.
 */
@Injectable()
export class FallbackMiddleware implements NestMiddleware {
  constructor(
    private readonly sources: FallbackSourcesService,
    private readonly repos: RepositoriesRepository,
    private readonly readThrough: FallbackReadThroughService,
    private readonly auth: AuthService,
  ) {}

  use(req: Request, res: Response, next: NextFunction): void {
    this.route(req, res).then(
      (handled) => (handled ? undefined : next()),
      (err) => next(err),
    );
  }

  private async route(req: Request, res: Response): Promise<boolean> {
    const route = parseFallbackRoute(req.method, req.path);
    if (!route) return false;
    const sources = candidates(await this.sources.enabledSources(), route);
    if (sources.length === 0) return false;
    if (await this.isLocal(route)) return false;
    const caller = await this.caller(req);
    // Credentials that are no one's: the app answers them (401 InvalidCredentials), as everywhere.
    if (caller === 'invalid') return false;
    return this.readThrough.handle(route, sources, { userId: caller?.id ?? null, headerTokens: externalTokensFromAuthorization(req.headers.authorization) }, req, res);
  }

  /** Who calls (the app's guard runs after middleware): a user, null (anonymous), or 'invalid'. */
  private async caller(req: Request): Promise<{ id: number } | null | 'invalid'> {
    const { token, sessionSecret } = readCredentials(req);
    if (token) return (await this.auth.principalForToken(token))?.user ?? 'invalid';
    return sessionSecret ? ((await this.auth.principalForSession(sessionSecret))?.user ?? null) : null;
  }

  private async isLocal(route: FallbackRoute): Promise<boolean> {
    return (
      (await this.repos.find(route.repoType, route.namespace, route.name)) !== null ||
      (await this.repos.findRedirect(route.repoType, route.namespace, route.name)) !== null
    );
  }
}

/** The sources that may serve this repository: global ones and its namespace's, allowed by their patterns (priority order kept). */
function candidates(sources: ReadableSource[], route: FallbackRoute): ReadableSource[] {
  return sources.filter((s) => (s.namespace === '' || s.namespace.toLowerCase() === route.namespace.toLowerCase()) && sourceAllows(s, route.repoId));
}
