import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AuthService } from '../../auth/auth.service';
import { externalTokensFromAuthorization, readCredentials } from '../../auth/credentials';
import { RepositoriesRepository } from '../../repos/repositories.repository';
import { FallbackSourcesService, type ReadableSource } from '../fallback-sources.service';
import { FallbackReadThroughService } from './fallback-read-through.service';
import { FallbackCacheRepository } from './fallback-cache.repository';
import { parseFallbackRoute, sourceAllows, type FallbackRoute } from './fallback-route';
import { parseProfileRoute, sourceAllowsName, type ProfileRoute } from './profile-route';
import { ProfileReadThroughService } from './profile-read-through.service';

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
    private readonly profiles: ProfileReadThroughService,
    private readonly cache: FallbackCacheRepository,
    private readonly auth: AuthService,
  ) {}

  use(req: Request, res: Response, next: NextFunction): void {
    this.route(req, res).then(
      (handled) => (handled ? undefined : next()),
      (err) => next(err),
    );
  }

  private async route(req: Request, res: Response): Promise<boolean> {
    const profile = parseProfileRoute(req.method, req.path);
    if (profile) return this.profile(profile, req, res);
    const route = parseFallbackRoute(req.method, req.path);
    if (!route) return false;
    const sources = candidates(await this.sources.enabledSources(), route.namespace, (s) => sourceAllows(s, route.repoId));
    if (sources.length === 0) return false;
    if (route.ask.kind === 'file' && isAnonymous(req)) {
      // The common download: one statement decides local or not and, when warm, serves it.
      const warm = await this.readThrough.serveWarmFile(route, sources, req, res);
      if (warm !== 'miss') return warm === 'served';
    } else if (await this.isLocal(route)) {
      return false;
    }
    const caller = await this.caller(req);
    // Credentials that are no one's: the app answers them (401 InvalidCredentials), as everywhere.
    if (caller === 'invalid') return false;
    return this.readThrough.handle(route, sources, { userId: caller?.id ?? null, headerTokens: externalTokensFromAuthorization(req.headers.authorization) }, req, res);
  }

  /** A user's or organization's lookup: read through only when no local user or organization has the name. */
  private async profile(route: ProfileRoute, req: Request, res: Response): Promise<boolean> {
    const sources = candidates(await this.sources.enabledSources(), route.name, (s) => sourceAllowsName(s, route.name));
    if (sources.length === 0) return false;
    if (await this.cache.localNamespace(route.name)) return false;
    if ((await this.caller(req)) === 'invalid') return false;
    return this.profiles.handle(route, sources, req, res);
  }

  /** Who calls (the app's guard runs after middleware): a user, null (anonymous), or 'invalid'. */
  private async caller(req: Request): Promise<{ id: number } | null | 'invalid'> {
    const { token, sessionSecret } = readCredentials(req);
    if (token) return (await this.auth.principalForToken(token))?.user ?? 'invalid';
    return sessionSecret ? ((await this.auth.principalForSession(sessionSecret))?.user ?? null) : null;
  }

  private isLocal(route: FallbackRoute): Promise<boolean> {
    return this.repos.holds(route.repoType, route.namespace, route.name);
  }
}

/** No credentials of any kind (no Authorization header, no session cookie). */
function isAnonymous(req: Request): boolean {
  const { sessionSecret } = readCredentials(req);
  return req.headers.authorization === undefined && !sessionSecret;
}

/** The sources that may serve a namespace: global ones and the namespace's own, allowed by their patterns (priority order kept). */
function candidates(sources: ReadableSource[], namespace: string, allowed: (s: ReadableSource) => boolean): ReadableSource[] {
  return sources.filter((s) => (s.namespace === '' || s.namespace.toLowerCase() === namespace.toLowerCase()) && allowed(s));
}
