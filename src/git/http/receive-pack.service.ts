import { Injectable, Logger } from '@nestjs/common';
import type { Principal } from '../../auth/principal';
import type { HangarConfig } from '../../core/config/config';
import { InjectConfig } from '../../core/config/config.module';
import { DomainError } from '../../core/errors/domain-error';
import { EventLog } from '../../core/events/event-log';
import { LfsService } from '../../lfs/lfs.service';
import { parsePointer, type LfsPointer } from '../../lfs/lfs-pointer';
import { RepoAccessService } from '../../repos/access/repo-access.service';
import { repoId, type RepoRecord } from '../../repos/repo.types';
import { ReposService } from '../../repos/repos.service';
import { ZERO_OID } from '../codec/object-types';
import { PackError } from '../codec/pack-reader';
import { FLUSH, PktLineError, readUntilFlush, type ByteSource } from '../codec/pktline';
import { sideband } from '../codec/sideband';
import { RefHooks } from '../engine/ref-hooks';
import { assertValidRefName } from '../engine/ref-names';
import { type Connected, type Ingested, PushEngine, PushFsckError, PushPackError, type RefUpdate } from '../engine/push';
import { GitProtocolError, parseReceiveCommands, type RefCommand, reportStatus } from './protocol';

const MiB = 1024 * 1024;
/** A pull request's ref (the same shape the discussions module numbers). */
const PR_REF = /^refs\/pr\/([1-9][0-9]{0,8})$/;
/** The command list of a push is small; a larger one is refused before any pack is read. */
const MAX_COMMAND_BYTES = 4 * MiB;
/** The inflate ratio is judged only past this much inflated: a few very repetitive files are fine. */
const INFLATE_RATIO_AFTER_BYTES = 64 * MiB;

/** One command on its way through the checks: null error = still fine. */
interface CommandState extends RefCommand {
  error: string | null;
  connected?: Connected;
  pointers: LfsPointer[];
}

const formatMiB = (bytes: number) => `${(bytes / MiB).toFixed(bytes % MiB === 0 ? 0 : 1)} MiB`;

/**
 * `git-receive-pack` (push), protocol v0 only (git-protocol notes §1.8): read the commands and the
 * pack, apply Hangar's rules (ref names, connectivity, plain-git size limit, LFS pointers the
 * pusher may link, which refs the pusher may move), move the refs by compare-and-swap, answer report-status (inside side-band 1
 * when asked). A refused push changes no ref.
 */
@Injectable()
export class ReceivePackService {
  private readonly logger = new Logger(ReceivePackService.name);

  constructor(
    @InjectConfig() private readonly config: HangarConfig,
    private readonly push: PushEngine,
    private readonly lfs: LfsService,
    private readonly repos: ReposService,
    private readonly access: RepoAccessService,
    private readonly hooks: RefHooks,
    private readonly events: EventLog,
  ) {}

  /**
   * The answer's bytes. Throws `GitProtocolError`/`PktLineError` (→ 400) while reading the
   * commands, before the first byte; after that every failure is reported in the protocol.
   */
  async *receivePack(principal: Principal, repo: RepoRecord, body: ByteSource): AsyncGenerator<Buffer, void, undefined> {
    const { packets, rest } = await readUntilFlush(body, { maxBytes: MAX_COMMAND_BYTES });
    // git's probe before a large chunked push: a lone flush, answered with an empty 200.
    if (packets.length === 0) return;
    const request = parseReceiveCommands(packets);
    if (request.commands.length === 0) throw new GitProtocolError('no ref to update');
    const caps = request.capabilities;
    const useSideband = caps.has('side-band-64k');
    const atomic = caps.has('atomic');
    const messages: string[] = [];
    const commands: CommandState[] = request.commands.map((c) => ({ ...c, error: null, pointers: [] }));
    if (new Set(commands.map((c) => c.ref)).size !== commands.length) throw new GitProtocolError('a ref may be updated only once per push');
    for (const c of commands) c.error = this.checkCommand(repo, c);
    await this.checkPusher(principal, repo, commands);

    let unpack = 'ok';
    let ingested: Ingested | null = null;
    if (commands.some((c) => c.new !== ZERO_OID)) {
      const threshold = (await this.repos.lfsSettings(repo)).threshold.effective;
      try {
        ingested = await this.push.ingest(repo.id, rest, {
          maxObjectBytes: Math.max(threshold + MiB, 64 * MiB),
          maxInflatedBytes: this.config.git.pushMaxInflatedBytes,
          maxInflateRatio: { ratio: this.config.git.pushMaxInflateRatio, afterBytes: INFLATE_RATIO_AFTER_BYTES },
        });
      } catch (err) {
        if (!isUnpackError(err)) throw err;
        unpack = `error ${err.message}`.replace(/[\r\n]+/g, ' ').slice(0, 300);
        if (err instanceof PackError && err.code === 'too-large') messages.push(tooLargeMessage(threshold, []));
        if (err instanceof PackError && err.code === 'inflate-limit') {
          messages.push(`Your push was rejected: ${err.message} (HANGAR_GIT_PUSH_MAX_INFLATED_BYTES, HANGAR_GIT_PUSH_MAX_INFLATE_RATIO).`);
        }
        // What git's own receive-pack (index-pack --strict) prints, so `git push` shows the same.
        if (err instanceof PushFsckError) messages.push(`error: ${err.message}`, 'fatal: fsck error in packed object');
        for (const c of commands) c.error = 'unpacker error';
      }
      if (ingested) await this.checkContent(principal, repo, commands, ingested, threshold, messages);
    }

    if (atomic && commands.some((c) => c.error)) {
      for (const c of commands) c.error ??= 'atomic push failure';
    }
    const accepted = commands.filter((c) => c.error === null);
    if (accepted.length) {
      const pointersOf = new Map(accepted.map((c) => [c.ref, c.pointers]));
      const updates: RefUpdate[] = accepted.map((c) => ({ ref: c.ref, old: c.old, new: c.new, objects: c.connected?.objects ?? [], commits: c.connected?.commits ?? [] }));
      const { results, quota } = await this.push.update(repo.id, updates, atomic, ingested?.objects ?? new Map(), async (m, u) => {
        const pointers = pointersOf.get(u.ref) ?? [];
        if (pointers.length) await this.lfs.markCommitted(m, repo.id, pointers);
      }, principal.user.id);
      for (const c of accepted) c.error = results.get(c.ref) ?? null;
      if (quota) {
        // git prints the reason of each refused ref; this says it once, above them.
        messages.push(`Your push was rejected: ${quota.message}`);
        // A git push reports its refusal in-band (200), so the error filter never sees it.
        const refusal = (quota.details?.quota ?? {}) as { namespace?: string };
        await this.events.report({ type: 'quota.refused', actor: `user:${principal.user.name}`, target: refusal.namespace ? `namespace:${refusal.namespace}` : null, data: { ...refusal, method: 'git-receive-pack', repo: repoId(repo) } });
      }
      for (const c of accepted) {
        if (c.error !== null) continue;
        try {
          await this.repos.afterCommit(repo, c.ref, c.connected?.head);
        } catch (err) {
          this.logger.warn({ err, repoId: repo.id, ref: c.ref }, 'card data refresh after a push failed');
        }
      }
    }

    const report = reportStatus(unpack, commands);
    if (!caps.has('report-status')) return;
    if (!useSideband) {
      yield report;
      return;
    }
    const out: Buffer[] = [];
    if (messages.length) out.push(sideband(2, messages.map((m) => `${m}\n`).join('')));
    out.push(sideband(1, report), FLUSH);
    yield Buffer.concat(out);
  }

  /**
   * Who may move which ref, before any ref moves: writers any; anyone else (the route let in
   * whoever may contribute) only the `refs/pr/N` of pull requests they opened, as through the API.
   */
  private async checkPusher(principal: Principal, repo: RepoRecord, commands: CommandState[]): Promise<void> {
    if (await this.access.mayWrite(principal, repo)) return;
    for (const c of commands) {
      if (c.error !== null) continue;
      const pr = PR_REF.exec(c.ref);
      if (!pr) {
        c.error = `you cannot write to ${repoId(repo)}: push to the refs/pr/N of a pull request you opened`;
        continue;
      }
      const author = await this.hooks.pullRequestAuthor(repo.id, Number(pr[1]));
      if (author !== principal.user.id) c.error = `only the author of pull request #${pr[1]} or a writer of ${repoId(repo)} can push to ${c.ref}`;
    }
  }

  /** Rules that need no object: which refs may be pushed, and how. */
  private checkCommand(repo: RepoRecord, c: RefCommand): string | null {
    const isBranch = c.ref.startsWith('refs/heads/');
    const isTag = c.ref.startsWith('refs/tags/');
    if (!isBranch && !isTag && !/^refs\/pr\/\d+$/.test(c.ref)) return 'only branches (refs/heads/*) and tags (refs/tags/*) can be pushed';
    if (c.ref.startsWith('refs/pr/') && c.old === ZERO_OID) return 'pull-request refs are created by opening a pull request';
    if (isBranch || isTag) {
      try {
        assertValidRefName(c.ref.slice(isBranch ? 11 : 10));
      } catch {
        return 'invalid ref name';
      }
    }
    if (c.old === ZERO_OID && c.new === ZERO_OID) return 'nothing to do';
    if (c.new === ZERO_OID && c.ref === `refs/heads/${repo.defaultBranch}`) return 'deletion of the default branch is prohibited';
    return null;
  }

  /** Connectivity, object types, the plain-git size limit and LFS pointers, per command. */
  private async checkContent(principal: Principal, repo: RepoRecord, commands: CommandState[], ingested: Ingested, threshold: number, messages: string[]): Promise<void> {
    const lfsChecked = new Map<string, string | null>();
    for (const c of commands) {
      if (c.error !== null || c.new === ZERO_OID) continue;
      const connected = await this.push.connect(repo.id, c.new, ingested);
      if ('missing' in connected) {
        c.error = 'missing necessary objects';
        continue;
      }
      if (c.ref.startsWith('refs/heads/') || c.ref.startsWith('refs/pr/')) {
        if (connected.tipType !== 'commit') {
          c.error = `a branch must point at a commit, not a ${connected.tipType}`;
          continue;
        }
      } else if (connected.tipType !== 'commit' && connected.tipType !== 'tag') {
        c.error = `a tag must point at a commit or a tag object, not a ${connected.tipType}`;
        continue;
      }
      c.connected = connected;
      const pointers: { pointer: LfsPointer; name: string }[] = [];
      const tooLarge: { name: string; size: number }[] = [];
      for (const b of connected.blobs) {
        const pointer = b.smallBody ? parsePointer(b.smallBody) : null;
        if (pointer) pointers.push({ pointer, name: b.name });
        else if (b.size > threshold) tooLarge.push(b);
      }
      if (tooLarge.length) {
        c.error = `files larger than ${formatMiB(threshold)} must be stored with git-lfs`;
        messages.push(tooLargeMessage(threshold, tooLarge.map((b) => `${b.name} (${formatMiB(b.size)}, ref: ${c.ref})`)));
        continue;
      }
      for (const { pointer, name } of pointers) {
        const key = `${pointer.oid}:${pointer.size}`;
        if (!lfsChecked.has(key)) lfsChecked.set(key, await this.lfsProblem(principal, repo, pointer));
        const problem = lfsChecked.get(key);
        if (problem) {
          c.error = `LFS object of ${name} is missing: push it with git-lfs first`;
          messages.push(`${name}: ${problem}`);
          break;
        }
      }
      if (c.error === null) c.pointers = pointers.map((p) => p.pointer);
    }
  }

  /** Null when the pusher may link the pointer's object into this repository, else why not. */
  private async lfsProblem(principal: Principal, repo: RepoRecord, pointer: LfsPointer): Promise<string | null> {
    try {
      await this.lfs.pointerForCommit(principal, repo, pointer.oid, pointer.size);
      return null;
    } catch (err) {
      if (err instanceof DomainError) return err.message;
      throw err;
    }
  }
}

/** A corrupt pack, or a request body that is not valid gzip: reported as `unpack error …`, nothing stored. */
function isUnpackError(err: unknown): err is Error {
  if (err instanceof PackError || err instanceof PushPackError || err instanceof PktLineError) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return err instanceof Error && typeof code === 'string' && code.startsWith('Z_');
}

function tooLargeMessage(threshold: number, files: string[]): string {
  return [
    `Your push was rejected because it contains files larger than ${formatMiB(threshold)}.`,
    'Please use https://git-lfs.github.com/ to store large files.',
    ...(files.length ? ['Offending files:', ...files.map((f) => `  - ${f}`)] : []),
  ].join('\n');
}
