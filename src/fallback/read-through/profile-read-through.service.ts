import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { orgAvatarPath, userAvatarPath } from '../../auth/avatars';
import type { HangarConfig } from '../../core/config/config';
import { HANGAR_CONFIG } from '../../core/config/config.module';
import { publicBaseUrl } from '../../core/http/public-base-url';
import type { ReadableSource } from '../fallback-sources.service';
import { FallbackCacheRepository, type CachedMetadata, type CachedProfile, type ProfileKey } from './fallback-cache.repository';
import { serverErrorAsUnreachable, STALE_WARNING, upstreamBadAnswer, upstreamUnavailable } from './fallback-errors';
import type { ProfileKind, ProfileRoute } from './profile-route';
import { UpstreamUnreachable, upstreamRequest } from './upstream-client';
import { normalizedQuery, queryOf, rewriteLink } from './upstream-urls';

const API_PATH: Record<ProfileKind, string> = { user: 'users', org: 'organizations' };
/** An upstream avatar larger than this is refused (avatars are small pictures; the cache holds them in PostgreSQL). */
const MAX_AVATAR_BYTES = 5 * 1024 * 1024;
/** Only pictures are relayed: an upstream "avatar" that is HTML or script must not be served from Hangar's origin. */
const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/svg+xml'];

type Outcome = { found: true; answer: CachedMetadata; stale: boolean } | { found: false } | { unreachable: UpstreamUnreachable };

/**
 * The user and organization lookups the clients make (overview, members, followers, following,
 * avatar) for a name Hangar does not have, answered from the fallback sources that may serve it
 * (first that has it, by priority). Answers are kept for the ref TTL and served stale when the
 * upstream can't be reached. Every `avatarUrl` in them is pointed at Hangar's own avatar routes,
 * which relay the upstream picture: a client is never handed an upstream URL.
 */
@Injectable()
export class ProfileReadThroughService {
  constructor(
    private readonly cache: FallbackCacheRepository,
    @Inject(HANGAR_CONFIG) private readonly config: HangarConfig,
  ) {}

  /** Answers the request, or returns false when no source has the name (the app answers its 404). */
  async handle(route: ProfileRoute, sources: ReadableSource[], req: Request, res: Response): Promise<boolean> {
    let unreachable: { err: UpstreamUnreachable; source: ReadableSource } | null = null;
    for (const source of sources) {
      const outcome = route.ask === 'avatar' ? await this.avatar(source, route) : await this.lookup(source, route, route.ask, req.originalUrl);
      if ('unreachable' in outcome) {
        unreachable ??= { err: outcome.unreachable, source };
        continue;
      }
      if (!outcome.found) continue;
      res.setHeader('X-Hangar-Fallback', encodeURIComponent(source.name));
      if (outcome.stale) res.setHeader('Warning', STALE_WARNING);
      if (route.ask === 'avatar') {
        // An SVG may hold script: as a document of Hangar's origin it may run none of it.
        res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
        res.setHeader('X-Content-Type-Options', 'nosniff');
        res.setHeader('Cache-Control', 'public, no-cache');
        res.status(200).type(outcome.answer.contentType).send(outcome.answer.body);
      } else {
        const base = publicBaseUrl(req);
        const link = rewriteLink(outcome.answer.link, source.url, base);
        if (link) res.setHeader('Link', link);
        res.status(200).json(withHangarAvatars(JSON.parse(outcome.answer.body.toString('utf8')), base));
      }
      return true;
    }
    // As for repositories (see FallbackReadThroughService.locate): a source that could not be
    // asked makes "no such user" unknowable, and the answer is a 502 naming it, not a 404.
    if (unreachable) throw upstreamUnavailable(unreachable.err, `${route.kind === 'user' ? 'User' : 'Organization'} ${route.name}`, unreachable.source);
    return false;
  }

  /** The upstream's JSON answer to the same route (cached), or "not there", or why it could not be asked. */
  private async lookup(source: ReadableSource, route: ProfileRoute, ask: string, requestUrl: string): Promise<Outcome> {
    const url = `${source.url}/api/${API_PATH[route.kind]}/${encodeURIComponent(route.name)}/${ask}${queryOf(requestUrl)}`;
    return this.cachedOrFetched({ sourceId: source.id, kind: route.kind, name: route.name, requestKey: `${ask}?${normalizedQuery(requestUrl)}` }, url, source.token, async (answer) => {
      const contentType = answer.headers.get('content-type') ?? '';
      const body = await answer.bytes();
      const bad = upstreamBadAnswer(`The upstream hub "${source.name}" answered ${ask} of ${route.name} with something other than JSON`);
      if (!contentType.includes('json')) throw bad;
      try {
        JSON.parse(body.toString('utf8'));
      } catch {
        throw bad;
      }
      return { contentType: 'application/json', link: answer.headers.get('link'), body };
    });
  }

  /** The picture the upstream overview's avatarUrl points at (relative ones against the source). */
  private async avatar(source: ReadableSource, route: ProfileRoute): Promise<Outcome> {
    const overview = await this.lookup(source, route, 'overview', '/');
    if (!('found' in overview) || !overview.found) return overview;
    const avatarUrl = (JSON.parse(overview.answer.body.toString('utf8')) as { avatarUrl?: unknown }).avatarUrl;
    if (typeof avatarUrl !== 'string' || avatarUrl === '') return { found: false };
    let url: URL;
    try {
      url = new URL(avatarUrl, source.url);
    } catch {
      return { found: false };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return { found: false };
    return this.cachedOrFetched({ sourceId: source.id, kind: route.kind, name: route.name, requestKey: 'avatar' }, url.toString(), source.token, async (answer) => {
      const contentType = (answer.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
      if (!IMAGE_TYPES.includes(contentType)) {
        answer.discard();
        throw upstreamBadAnswer(`The avatar of ${route.name} on "${source.name}" is not a picture (${contentType || 'no content type'})`);
      }
      if (Number(answer.headers.get('content-length') ?? 0) > MAX_AVATAR_BYTES) {
        answer.discard();
        throw upstreamBadAnswer(`The avatar of ${route.name} on "${source.name}" is larger than ${MAX_AVATAR_BYTES} bytes`);
      }
      const body = await answer.bytes();
      if (body.length > MAX_AVATAR_BYTES) throw upstreamBadAnswer(`The avatar of ${route.name} on "${source.name}" is larger than ${MAX_AVATAR_BYTES} bytes`);
      return { contentType, link: null, body };
    });
  }

  /**
   * A fresh cached answer, else the upstream's (then cached); when the upstream can't be asked, the
   * last answer, stale. 401/403/404 mean "not on this source" (remembered for the negative TTL).
   */
  private async cachedOrFetched(key: ProfileKey, url: string, token: string | null, read: (answer: Awaited<ReturnType<typeof upstreamRequest>>) => Promise<CachedMetadata>): Promise<Outcome> {
    const cached = await this.cache.profile(key);
    if (cached && cached.ageMs < this.ttlMs(cached)) return cached.status === 200 ? { found: true, answer: cached, stale: false } : { found: false };
    let answer;
    try {
      answer = await upstreamRequest(url, { token, timeoutMs: this.config.fallback.timeoutSeconds * 1000 });
    } catch (err) {
      if (!(err instanceof UpstreamUnreachable)) throw err;
      return staleOr(cached, err);
    }
    if (answer.status >= 500 || answer.status === 429) {
      answer.discard();
      return staleOr(cached, serverErrorAsUnreachable(answer.url, answer.status));
    }
    if (answer.status !== 200) {
      answer.discard();
      await this.cache.saveProfile(key, 404, { contentType: '', link: null, body: Buffer.alloc(0) });
      return { found: false };
    }
    const fetched = await read(answer);
    await this.cache.saveProfile(key, 200, fetched);
    return { found: true, answer: fetched, stale: false };
  }

  private ttlMs(cached: CachedProfile): number {
    return (cached.status === 200 ? this.config.fallback.refTtlSeconds : this.config.fallback.negativeTtlSeconds) * 1000;
  }
}

function staleOr(cached: CachedProfile | null, err: UpstreamUnreachable): Outcome {
  return cached?.status === 200 ? { found: true, answer: cached, stale: true } : { unreachable: err };
}

/**
 * Every `avatarUrl` in an upstream answer, pointed at Hangar's avatar route for the same name: a
 * user's (an object with `user`) or an organization's (with `name`); one that names neither is
 * dropped, never handed out.
 */
export function withHangarAvatars(value: unknown, publicBase: string): unknown {
  if (Array.isArray(value)) return value.map((v) => withHangarAvatars(v, publicBase));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = withHangarAvatars(v, publicBase);
  if ('avatarUrl' in out) {
    const o = out as { user?: unknown; name?: unknown; type?: unknown };
    if (typeof o.user === 'string' && o.type !== 'org') out.avatarUrl = publicBase + userAvatarPath(o.user);
    else if (typeof o.name === 'string') out.avatarUrl = publicBase + orgAvatarPath(o.name);
    else delete out.avatarUrl;
  }
  return out;
}
