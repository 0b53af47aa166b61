import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { ExternalTokensService } from '../external-tokens/external-tokens.service';
import type { HangarConfig } from '../../core/config/config';
import { HANGAR_CONFIG } from '../../core/config/config.module';
import { DomainError } from '../../core/errors/domain-error';
import { publicBaseUrl } from '../../core/http/public-base-url';
import type { ReadableSource } from '../fallback-sources.service';
import { FallbackCacheRepository, type CachedMetadata, type UpstreamRepoKey } from './fallback-cache.repository';
import { expectedContentOf, FallbackContentService, type FileEntry } from './fallback-content.service';
import { contentKeyOf } from './content-verifier';
import { entryNotFound, serverErrorAsUnreachable, STALE_WARNING, upstreamUnavailable } from './fallback-errors';
import type { FallbackRoute } from './fallback-route';
import { RefResolver } from './ref-resolver.service';
import { UpstreamUnreachable, upstreamRequest } from './upstream-client';
import { apiUrl, normalizedQuery, queryOf, revisionSuffix, rewriteLink, treeSuffix } from './upstream-urls';

/** One upstream repository a request is answered from: the source, the credential, the commit. */
export interface Located {
  source: ReadableSource;
  key: UpstreamRepoKey;
  token: string | null;
  sha: string;
  stale: boolean;
}

/** Who asks: their Hangar user (if any) and the upstream tokens their request header carries. */
export interface FallbackCaller {
  userId: number | null;
  headerTokens: Map<string, string>;
}

/** How many file entries a node remembers for the warm path (then it starts over). */
const ENTRY_HINTS_MAX = 10_000;

/** Everything an upstream answer to a metadata request needs to be replayed. */
interface MetadataRequest {
  requestKey: string;
  url: string;
  method: 'GET' | 'POST';
  form?: string;
}

/**
 * Answers the read routes of a repository that is not local from upstream hubs: locates the
 * repository on the first source (by priority) that has it, pins the revision to a commit, and
 * serves metadata of that commit from PostgreSQL once fetched (a commit never changes).
 */
@Injectable()
export class FallbackReadThroughService {
  constructor(
    private readonly cache: FallbackCacheRepository,
    private readonly refs: RefResolver,
    private readonly content: FallbackContentService,
    private readonly externalTokens: ExternalTokensService,
    @Inject(HANGAR_CONFIG) private readonly config: HangarConfig,
  ) {}

  /** rev and path → the file's entry at the commit the rev named when last served (an entry at a commit never changes). */
  private readonly entryHints = new Map<string, { sha: string; entry: FileEntry }>();

  /** Answers the request, or returns false when no source has the repository (the app answers, as for any missing repo). */
  async handle(route: FallbackRoute, sources: ReadableSource[], caller: FallbackCaller, req: Request, res: Response): Promise<boolean> {
    const ask = route.ask;
    const rev = ask.kind === 'refs' ? null : ask.rev;
    const at = await this.locate(route, sources, caller, rev);
    if (!at) return false;
    // Header values must be Latin-1: a source name may hold any character.
    res.setHeader('X-Hangar-Fallback', encodeURIComponent(at.source.name));
    if (at.stale) res.setHeader('Warning', STALE_WARNING);
    switch (ask.kind) {
      case 'file':
        await this.content.serve(req, res, at, await this.fileEntry(at, ask.path), ask.withBody);
        return true;
      case 'refs':
        await this.serveRefs(req, res, at);
        return true;
      default:
        await this.serveMetadata(req, res, at, this.metadataRequest(route, at, req));
        return true;
    }
  }

  /**
   * The warm path of an anonymous file download: one statement answers whether the name is local,
   * the rev's resolution on the first source, and the file's entry or (when this node knows the
   * entry at that commit already) its cached content. 'local': the app answers; 'miss': anything
   * was not warm (the full read-through answers, asking again); 'served': answered.
   */
  async serveWarmFile(route: FallbackRoute, sources: ReadableSource[], req: Request, res: Response): Promise<'local' | 'served' | 'miss'> {
    const ask = route.ask;
    if (ask.kind !== 'file') return 'miss';
    const source = sources[0];
    const { token, scope } = await this.credentialFor(source, { userId: null, headerTokens: new Map() });
    const key: UpstreamRepoKey = { sourceId: source.id, scope, repoType: route.repoType, repoId: route.repoId };
    const hintId = `${source.id}|${scope}|${route.repoType}|${route.repoId.toLowerCase()}|${ask.rev}|${ask.path}`;
    const hint = this.entryHints.get(hintId) ?? null;
    const row = await this.cache.warmFile({
      key,
      namespace: route.namespace,
      name: route.name,
      rev: ask.rev,
      requestKey: fileEntryRequestKey(ask.path),
      hint: hint && { sha: hint.sha, contentKey: contentKeyOf(expectedContentOf(hint.entry)) },
    });
    if (row.held) return 'local';
    const resolution = this.refs.trusted(row.ref, ask.rev);
    if (!resolution?.found) return 'miss';
    let entry: FileEntry;
    let known = null;
    if (hint?.sha === resolution.sha) {
      entry = hint.entry;
      known = row.content;
    } else if (row.metadata) {
      entry = fileEntryIn(row.metadata, ask.path, route.repoId);
      if (this.entryHints.size >= ENTRY_HINTS_MAX) this.entryHints.clear();
      this.entryHints.set(hintId, { sha: resolution.sha, entry });
    } else {
      return 'miss';
    }
    res.setHeader('X-Hangar-Fallback', encodeURIComponent(source.name));
    await this.content.serve(req, res, { source, key, token, sha: resolution.sha, stale: false }, entry, ask.withBody, known);
    return 'served';
  }

  private async locate(route: FallbackRoute, sources: ReadableSource[], caller: FallbackCaller, rev: string | null): Promise<Located | null> {
    let unreachable: { err: UpstreamUnreachable; source: ReadableSource } | null = null;
    for (const source of sources) {
      const { token, scope } = await this.credentialFor(source, caller);
      const key: UpstreamRepoKey = { sourceId: source.id, scope, repoType: route.repoType, repoId: route.repoId };
      try {
        const r = await this.refs.resolve(source, key, rev, token);
        if (r.found) return { source, key, token, sha: r.sha, stale: r.stale };
      } catch (err) {
        if (!(err instanceof UpstreamUnreachable)) throw err;
        unreachable ??= { err, source };
      }
    }
    // No source has it, and one could not be asked: 502/504, not 404. Hangar cannot know the
    // repository is missing, and a 404 is acted on: huggingface_hub (file_download.py) tries its
    // local cache on any HTTP error, but re-raises a 404 as RepositoryNotFoundError when the file
    // is not there, while a 5xx reads "Hub unreachable, not in the local cache" (and 2.x retries
    // it once). Cheap: an upstream that keeps failing has its circuit open and this comes at once,
    // naming the source that failed.
    if (unreachable) throw upstreamUnavailable(unreachable.err, `Repository ${route.repoId}`, unreachable.source);
    return null;
  }

  /**
   * The token for a source: the request header's, else the user's stored one, else the source's.
   * What a caller's own token fetched is cached for that caller only (scope), never shared.
   */
  private async credentialFor(source: ReadableSource, caller: FallbackCaller): Promise<{ token: string | null; scope: string }> {
    const header = caller.headerTokens.get(source.url);
    if (header) return { token: header, scope: caller.userId !== null ? `u:${caller.userId}` : `h:${createHash('sha256').update(header).digest('hex').slice(0, 24)}` };
    const stored = caller.userId !== null ? await this.externalTokens.tokenFor(caller.userId, source.url) : null;
    if (stored) return { token: stored, scope: `u:${caller.userId}` };
    return { token: source.token, scope: '' };
  }

  private metadataRequest(route: FallbackRoute, at: Located, req: Request): MetadataRequest {
    const ask = route.ask;
    const base = at.source.url;
    const query = normalizedQuery(req.originalUrl);
    const q = query ? `?${query}` : '';
    switch (ask.kind) {
      case 'info':
        return { requestKey: `info?${query}`, url: apiUrl(base, route.repoType, route.repoId, revisionSuffix(at.sha)) + q, method: 'GET' };
      case 'tree':
        return { requestKey: `tree/${ask.path}?${query}`, url: apiUrl(base, route.repoType, route.repoId, treeSuffix(at.sha, ask.path)) + q, method: 'GET' };
      case 'commits':
        return { requestKey: `commits?${query}`, url: apiUrl(base, route.repoType, route.repoId, `/commits/${at.sha}`) + q, method: 'GET' };
      case 'paths-info': {
        const { paths, expand } = pathsInfoBody(req.body);
        const form = new URLSearchParams([...paths.map((p): [string, string] => ['paths', p]), ['expand', String(expand)]]).toString();
        return { requestKey: `paths-info:${expand}:${JSON.stringify(paths)}`, url: apiUrl(base, route.repoType, route.repoId, `/paths-info/${at.sha}`), method: 'POST', form };
      }
      default:
        throw new Error(`not a metadata request: ${ask.kind}`);
    }
  }

  private async serveMetadata(req: Request, res: Response, at: Located, m: MetadataRequest): Promise<void> {
    send(res, await this.cachedOrFetched(at, m), at.source.url, publicBaseUrl(req));
  }

  private async cachedOrFetched(at: Located, m: MetadataRequest): Promise<CachedMetadata> {
    const cached = await this.cache.metadata(at.key, at.sha, m.requestKey);
    if (cached) return cached;
    const found = await this.fetchMetadata(at, m);
    await this.cache.saveMetadata(at.key, at.sha, m.requestKey, found);
    return found;
  }

  /** An upstream answer (not cached here); an upstream error is answered as the upstream gave it. */
  private async fetchMetadata(at: Located, m: MetadataRequest): Promise<CachedMetadata> {
    let answer;
    try {
      answer = await upstreamRequest(m.url, {
        method: m.method,
        token: at.token,
        body: m.form,
        contentType: m.form === undefined ? undefined : 'application/x-www-form-urlencoded',
        timeoutMs: this.config.fallback.timeoutSeconds * 1000,
      });
    } catch (err) {
      if (err instanceof UpstreamUnreachable) throw upstreamUnavailable(err, `This answer about ${at.key.repoId}@${at.sha}`, at.source);
      throw err;
    }
    if (answer.status >= 500) {
      answer.discard();
      throw upstreamUnavailable(serverErrorAsUnreachable(answer.url, answer.status), `This answer about ${at.key.repoId}@${at.sha}`, at.source);
    }
    if (answer.status !== 200) {
      const text = await answer.text().catch(() => '');
      const code = answer.headers.get('x-error-code') ?? 'NotFound';
      const message = answer.headers.get('x-error-message') ?? safeErrorText(text) ?? `upstream answered ${answer.status}`;
      throw new DomainError(answer.status, code, message);
    }
    const contentType = answer.headers.get('content-type') ?? 'application/json';
    return { contentType, link: answer.headers.get('link'), body: withoutXetHashes(contentType, await answer.bytes()) };
  }

  /** refs move, so they are asked for each time; the last answer serves when the upstream can't be reached. */
  private async serveRefs(req: Request, res: Response, at: Located): Promise<void> {
    const m: MetadataRequest = { requestKey: `refs?${normalizedQuery(req.originalUrl)}`, url: apiUrl(at.source.url, at.key.repoType, at.key.repoId, '/refs') + queryOf(req.originalUrl), method: 'GET' };
    let found: CachedMetadata;
    try {
      found = await this.fetchMetadata(at, m);
      await this.cache.saveMetadata(at.key, at.sha, m.requestKey, found, true);
    } catch (err) {
      const cached = await this.cache.metadata(at.key, at.sha, m.requestKey);
      if (!cached || !(err instanceof DomainError) || err.code !== 'UpstreamUnavailable') throw err;
      res.setHeader('Warning', STALE_WARNING);
      found = cached;
    }
    send(res, found, at.source.url, publicBaseUrl(req));
  }

  /** The file's tree entry at the commit (cached: a commit never changes). */
  private async fileEntry(at: Located, path: string): Promise<FileEntry> {
    const form = new URLSearchParams([['paths', path], ['expand', 'false']]).toString();
    const m: MetadataRequest = { requestKey: fileEntryRequestKey(path), url: apiUrl(at.source.url, at.key.repoType, at.key.repoId, `/paths-info/${at.sha}`), method: 'POST', form };
    return fileEntryIn((await this.cachedOrFetched(at, m)).body, path, at.key.repoId);
  }
}

/** The metadata row of one file's tree entry: a paths-info answer for that path alone. */
function fileEntryRequestKey(path: string): string {
  return `paths-info:false:${JSON.stringify([path])}`;
}

/** The file's entry in a paths-info answer; EntryNotFound when it is not a file there. */
function fileEntryIn(body: Buffer, path: string, repoId: string): FileEntry {
  const entries = JSON.parse(body.toString('utf8')) as FileEntry[];
  const entry = Array.isArray(entries) ? entries.find((e) => e.path === path) : undefined;
  if (!entry || entry.type !== 'file') throw entryNotFound(path, repoId);
  return entry;
}

/**
 * Entries with `xetHash` make Xet clients (HfFileSystem with hf_xet, @huggingface/hub) fetch the
 * file through a Xet CAS; a fallback file has none at Hangar (Hangar streams it from its cache),
 * so the hash is left out and they download over plain HTTP, as from a hub without Xet.
 */
export function withoutXetHashes(contentType: string, body: Buffer): Buffer {
  if (!contentType.includes('json') || !body.includes('xetHash')) return body;
  try {
    return Buffer.from(JSON.stringify(JSON.parse(body.toString('utf8'), (k, v: unknown) => (k === 'xetHash' ? undefined : v))));
  } catch {
    return body;
  }
}

function send(res: Response, m: CachedMetadata, upstreamBase: string, publicBase: string): void {
  const link = rewriteLink(m.link, upstreamBase, publicBase);
  if (link) res.setHeader('Link', link);
  res.status(200).type(m.contentType).send(m.body);
}

/** paths-info bodies arrive as a form (huggingface_hub) or JSON (@huggingface/hub). */
function pathsInfoBody(body: unknown): { paths: string[]; expand: boolean } {
  const b = (body ?? {}) as { paths?: unknown; expand?: unknown };
  const raw = Array.isArray(b.paths) ? b.paths : b.paths === undefined ? [] : [b.paths];
  const paths = [...new Set(raw.filter((p): p is string => typeof p === 'string'))].sort();
  const expand = b.expand === true || (typeof b.expand === 'string' && ['true', '1'].includes(b.expand.toLowerCase()));
  return { paths, expand };
}

function safeErrorText(text: string): string | null {
  try {
    const e = (JSON.parse(text) as { error?: unknown }).error;
    return typeof e === 'string' ? e.slice(0, 500) : null;
  } catch {
    return null;
  }
}
