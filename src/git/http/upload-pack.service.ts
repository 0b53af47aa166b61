import { Injectable, Logger } from '@nestjs/common';
import type { Principal } from '../../auth/principal';
import { UnauthorizedError } from '../../core/errors/domain-error';
import { PACKAGE_INFO } from '../../core/health/package-info';
import { RepoAccessService } from '../../repos/access/repo-access.service';
import { repoId } from '../../repos/repo.types';
import type { RepoRecord } from '../../repos/repo.types';
import type { Oid } from '../codec/object-types';
import { DELIM, FLUSH, parsePktLines, pktError, pktLine } from '../codec/pktline';
import { type Band, SIDEBAND_64K_MAX_DATA, SIDEBAND_MAX_DATA, sidebandFrames } from '../codec/sideband';
import { PackPlanner, type PackPlan, type ResolvedWants } from '../engine/pack-planner';
import { PackStreamer, type PackStreamOptions } from '../engine/pack-streamer';
import { isDeepening, NoCommitsSelectedError } from '../engine/shallow-boundary';
import { VersionEngine } from '../engine/version-engine.service';
import {
  advertiseRefsV0,
  type AdvertisedRef,
  capabilityAdvertisementV2,
  GitProtocolError,
  type GitService,
  parseCommandRequest,
  parseFetchArguments,
  parseLsRefsArguments,
  parseUploadRequestV0,
  receivePackCapabilities,
  uploadPackCapabilities,
} from './protocol';
import { type FetchOptions, resolveFetchOptions } from './fetch-options';

export const GIT_AGENT = `hangar/${PACKAGE_INFO.version}`;

/** The refs of a repository as git sees them, and where HEAD points. */
interface RepoRefs {
  refs: AdvertisedRef[];
  headRef: string;
  head: AdvertisedRef | null;
}

/**
 * Ref discovery and `git-upload-pack` (clone, fetch, pull): protocol v0 and v2 over stateless
 * HTTP (git-protocol notes §1.3–1.7). Each POST is answered from the request alone.
 */
@Injectable()
export class UploadPackService {
  private readonly logger = new Logger(UploadPackService.name);

  constructor(
    private readonly engine: VersionEngine,
    private readonly planner: PackPlanner,
    private readonly streamer: PackStreamer,
    private readonly access: RepoAccessService,
  ) {}

  private async repoRefs(repo: RepoRecord): Promise<RepoRefs> {
    const refs: AdvertisedRef[] = (await this.engine.listRefs(repo.id)).map((r) => (r.tagOid ? { name: r.name, oid: r.tagOid, peeled: r.oid } : { name: r.name, oid: r.oid }));
    const headRef = `refs/heads/${repo.defaultBranch}`;
    const target = refs.find((r) => r.name === headRef);
    return { refs, headRef, head: target ? { name: 'HEAD', oid: target.oid } : null };
  }

  /**
   * `GET info/refs?service=…`: the v0 advertisement, or the v2 capability list for upload-pack
   * when asked. receive-pack needs `contribute` (writers push anything, a pull request's author
   * its `refs/pr/N`: ReceivePackService decides per ref): an anonymous caller is asked for
   * credentials (401 + WWW-Authenticate, also on public repositories), a read token gets 403.
   */
  async advertise(principal: Principal | null, repo: RepoRecord, service: GitService, v2: boolean): Promise<Buffer> {
    if (service === 'git-receive-pack') {
      if (!principal) throw new UnauthorizedError('Authentication required to push', 'Unauthorized', { 'WWW-Authenticate': 'Basic realm="Hangar"' });
      await this.access.assert(principal, repo, 'contribute', repoId(repo));
    }
    if (service === 'git-upload-pack' && v2) return Buffer.concat(capabilityAdvertisementV2(GIT_AGENT));
    const { refs, head, headRef } = await this.repoRefs(repo);
    const caps = service === 'git-upload-pack' ? uploadPackCapabilities(GIT_AGENT, head ? headRef : null) : receivePackCapabilities(GIT_AGENT);
    return Buffer.concat(advertiseRefsV0(service, refs, head, caps));
  }

  /** `POST git-upload-pack`: the answer's bytes. Throws `GitProtocolError`/`PktLineError` (→ 400) before the first byte. */
  async *uploadPack(repo: RepoRecord, body: Buffer, v2: boolean): AsyncGenerator<Buffer, void, undefined> {
    const packets = parsePktLines(body);
    if (!v2) {
      yield* this.uploadPackV0(repo, packets);
      return;
    }
    // A v2 body may end with the response-end marker some clients add; only the first command counts.
    const request = parseCommandRequest(packets.filter((p) => p.type !== 'response-end'));
    if (!request) return;
    if (request.command === 'ls-refs') yield* this.lsRefs(repo, request.args);
    else if (request.command === 'fetch') yield* this.fetchV2(repo, request.args);
    else throw new GitProtocolError(`unknown command ${JSON.stringify(request.command.slice(0, 40))}`);
  }

  private async *lsRefs(repo: RepoRecord, rawArgs: string[]): AsyncGenerator<Buffer> {
    const args = parseLsRefsArguments(rawArgs);
    const { refs, head, headRef } = await this.repoRefs(repo);
    const wanted = (name: string) => args.prefixes.length === 0 || args.prefixes.some((p) => name.startsWith(p));
    const lines: Buffer[] = [];
    if (wanted('HEAD')) {
      const target = args.symrefs ? ` symref-target:${headRef}` : '';
      if (head) lines.push(pktLine(`${head.oid} HEAD${target}`));
      else if (args.unborn) lines.push(pktLine(`unborn HEAD${target}`));
    }
    for (const r of refs.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)))) {
      if (!wanted(r.name)) continue;
      lines.push(pktLine(`${r.oid} ${r.name}${args.peel && r.peeled ? ` peeled:${r.peeled}` : ''}`));
    }
    lines.push(FLUSH);
    yield Buffer.concat(lines);
  }

  private async *fetchV2(repo: RepoRecord, rawArgs: string[]): AsyncGenerator<Buffer> {
    const args = parseFetchArguments(rawArgs);
    if (args.unsupported.length) {
      yield pktError(`${args.unsupported[0]} is not supported by this server`);
      return;
    }
    if (args.wants.length === 0) return;
    const wants = await this.planner.resolveWants(repo.id, args.wants);
    if ('missing' in wants) {
      yield pktError(`upload-pack: not our ref ${wants.missing}`);
      return;
    }
    const options = await resolveFetchOptions(args, () => this.engine.listRefs(repo.id), repo.defaultBranch);
    if (typeof options === 'string') {
      yield pktError(options);
      return;
    }
    const { deepen } = options;
    const common = await this.planner.commonHaves(repo.id, args.haves);
    const head: Buffer[] = [];
    if (!args.done) {
      const ready = await this.planner.readyToGiveUp(repo.id, wants.commits, common, args.shallows);
      head.push(pktLine('acknowledgments'));
      if (common.length === 0) head.push(pktLine('NAK'));
      for (const c of common) head.push(pktLine(`ACK ${c}`));
      if (!ready) {
        head.push(FLUSH);
        yield Buffer.concat(head);
        return;
      }
      head.push(pktLine('ready'), DELIM);
    }
    const plan = await this.plan(repo, wants, common, args.shallows, options, args.includeTag);
    if (plan === null) {
      yield Buffer.concat([...head, pktError(new NoCommitsSelectedError().message)]);
      return;
    }
    if (isDeepening(deepen) || args.shallows.length > 0) {
      head.push(pktLine('shallow-info'), ...plan.shallow.map((s) => pktLine(`shallow ${s}`)), ...plan.unshallow.map((s) => pktLine(`unshallow ${s}`)), DELIM);
    }
    head.push(pktLine('packfile'));
    yield Buffer.concat(head);
    yield* this.sidebandPack(repo, plan, SIDEBAND_64K_MAX_DATA, { ofsDelta: args.ofsDelta });
  }

  private async *uploadPackV0(repo: RepoRecord, packets: ReturnType<typeof parsePktLines>): AsyncGenerator<Buffer> {
    const req = parseUploadRequestV0(packets);
    if (req.wants.length === 0) return;
    if (req.unsupported.length) {
      yield pktError(`${req.unsupported[0]} is not supported by this server`);
      return;
    }
    const wants = await this.planner.resolveWants(repo.id, req.wants);
    if ('missing' in wants) {
      yield pktError(`upload-pack: not our ref ${wants.missing}`);
      return;
    }
    const options = await resolveFetchOptions(req, () => this.engine.listRefs(repo.id), repo.defaultBranch);
    if (typeof options === 'string') {
      yield pktError(options);
      return;
    }
    const { deepen } = options;
    const caps = req.capabilities;
    const multiAck = caps.has('multi_ack_detailed') ? 2 : caps.has('multi_ack') ? 1 : 0;
    const band = caps.has('side-band-64k') ? SIDEBAND_64K_MAX_DATA : caps.has('side-band') ? SIDEBAND_MAX_DATA : 0;
    const out: Buffer[] = [];
    // The shallow update comes first whenever the client deepens or is shallow (§1.7).
    if (isDeepening(deepen) || req.shallows.length > 0) {
      let update = { shallow: [] as Oid[], unshallow: [] as Oid[] };
      try {
        if (isDeepening(deepen)) update = await this.planner.shallowUpdate(repo.id, wants, req.shallows, deepen);
      } catch (err) {
        if (!(err instanceof NoCommitsSelectedError)) throw err;
        yield pktError(err.message);
        return;
      }
      out.push(...update.shallow.map((s) => pktLine(`shallow ${s}`)), ...update.unshallow.map((s) => pktLine(`unshallow ${s}`)), FLUSH);
      // The first POST of a shallow fetch stops here: the client sends the same again with its haves.
      if (req.end === 'eof') {
        yield Buffer.concat(out);
        return;
      }
    }
    const common = await this.planner.commonHaves(repo.id, req.haves);
    const commonSet = new Set(common);
    let last: Oid | null = null;
    for (const h of req.haves) {
      if (!commonSet.has(h)) continue;
      if (multiAck === 2) out.push(pktLine(`ACK ${h} common`));
      else if (multiAck === 1) out.push(pktLine(`ACK ${h} continue`));
      else if (last === null) out.push(pktLine(`ACK ${h}`));
      last = h;
    }
    if (req.end === 'done') {
      if (last === null) out.push(pktLine('NAK'));
      else if (multiAck) out.push(pktLine(`ACK ${last}`));
    } else {
      const ready = multiAck === 2 && last !== null && (await this.planner.readyToGiveUp(repo.id, wants.commits, common, req.shallows));
      if (ready) out.push(pktLine(`ACK ${last} ready`));
      if (last === null || multiAck) out.push(pktLine('NAK'));
      if (!(ready && caps.has('no-done'))) {
        yield Buffer.concat(out);
        return;
      }
      out.push(pktLine(`ACK ${last}`));
    }
    const plan = await this.plan(repo, wants, common, req.shallows, options, caps.has('include-tag'));
    if (plan === null) {
      yield Buffer.concat([...out, pktError(new NoCommitsSelectedError().message)]);
      return;
    }
    yield Buffer.concat(out);
    const packOpts: PackStreamOptions = { ofsDelta: caps.has('ofs-delta') };
    if (band) yield* this.sidebandPack(repo, plan, band, packOpts);
    else yield* this.streamer.packStream(repo.id, plan, packOpts);
  }

  /** The pack's plan; null when a `deepen-since`/`deepen-not` leaves no commit to send. */
  private async plan(repo: RepoRecord, wants: ResolvedWants, common: Oid[], shallows: Oid[], options: FetchOptions, includeTag: boolean): Promise<PackPlan | null> {
    const includeTags = includeTag
      ? (await this.engine.listRefs(repo.id)).filter((r) => r.tagOid && r.name.startsWith('refs/tags/')).map((r) => ({ tagOid: r.tagOid!, commit: r.oid }))
      : null;
    try {
      return await this.planner.plan(repo.id, { wants, common, clientShallows: shallows, deepen: options.deepen, filter: options.filter, includeTags });
    } catch (err) {
      if (err instanceof NoCommitsSelectedError) return null;
      throw err;
    }
  }

  /** The pack in side-band 1, then a flush; a failure midway goes out on band 3 (the client stops there). */
  private async *sidebandPack(repo: RepoRecord, plan: PackPlan, maxData: number, packOpts: PackStreamOptions): AsyncGenerator<Buffer> {
    const frame = (band: Band, data: Buffer | string) => Buffer.concat(sidebandFrames(band, data, maxData));
    try {
      for await (const chunk of this.streamer.packStream(repo.id, plan, packOpts)) yield frame(1, chunk);
    } catch (err) {
      this.logger.error({ err, repoId: repo.id }, 'upload-pack failed while streaming a pack');
      yield frame(3, `error: could not read an object of ${repo.namespace}/${repo.name}\n`);
      return;
    }
    yield FLUSH;
  }
}
