import { QuotaService } from '../quota/quota.service';
import { Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type { Principal } from '../auth/principal';
import type { HangarConfig } from '../core/config/config';
import { InjectConfig } from '../core/config/config.module';
import { BadRequestError, DomainError } from '../core/errors/domain-error';
import type { PathOperation, RepoEntry } from '../git/engine/engine.types';
import { normaliseRepoPath } from '../git/engine/paths';
import { VersionEngine } from '../git/engine/version-engine.service';
import type { RepoRecord } from '../repos/repo.types';
import { ReposService } from '../repos/repos.service';
import { LfsService } from '../lfs/lfs.service';
import { parseCommitLine, type CommitHeader } from './commit-payload';
import { lfsPatternsOf, matchesAny } from './gitattributes';
import { GitIgnore } from './gitignore';
import { MAX_POINTER_BYTES, parsePointer } from '../lfs/lfs-pointer';
import { isLfsBySettings } from '../repos/lfs-settings';
import { InvalidUtf8LineError, LineTooLongError, readLines } from './ndjson';
import type { CommitResponseDto, PreuploadDto, PreuploadResponseDto } from './dto/commits.dto';
import { DiscussionsService, PR_REF } from '../discussions/discussions.service';

const MAX_OPERATIONS = 100_000;

/**
 * Binary files from this size go to LFS whatever the threshold, as on the Hub (which refuses
 * binary files over 1 MB in plain git: huggingface_hub PR #657's note).
 */
const BINARY_LFS_MIN_BYTES = 1_000_000;

/** git's own binary test (buffer_is_binary): a NUL byte in the first bytes, here the client's 512-byte sample. */
function looksBinary(sampleBase64: string | undefined): boolean {
  return sampleBase64 !== undefined && Buffer.from(sampleBase64, 'base64').includes(0);
}

/** The HF commit API over the version engine: preupload decisions and streamed NDJSON commits. */
@Injectable()
export class CommitsService {
  constructor(
    @InjectConfig() private readonly config: HangarConfig,
    private readonly engine: VersionEngine,
    private readonly repos: ReposService,
    private readonly lfs: LfsService,
    private readonly quota: QuotaService,
    private readonly discussions: DiscussionsService,
  ) {}

  /**
   * For each file: how to upload it, whether `.gitignore` excludes it (`shouldIgnore`: the
   * client then leaves it out of the commit; it never means "unchanged"), and the id of what is
   * at its path now (`oid`), which the client compares with its own to skip unchanged files:
   * the git blob id of a regular file, the sha256 of an LFS file's content.
   */
  async preupload(repo: RepoRecord, revision: string, body: PreuploadDto): Promise<PreuploadResponseDto> {
    const { commitOid } = await this.engine.resolveRevision(repo, revision);
    const patterns = lfsPatternsOf(body.gitAttributes ?? (await this.textAt(repo, commitOid, '.gitattributes')));
    const ignore = new GitIgnore(body.gitIgnore ?? (await this.textAt(repo, commitOid, '.gitignore')));
    const lfsSettings = await this.repos.lfsSettings(repo);
    let newBytes = 0;
    const files = await Promise.all(
      body.files.map(async (f) => {
        const path = normaliseRepoPath(f.path);
        const existing = await this.engine.entryAt(repo.id, commitOid, path);
        const lfs =
          isLfsBySettings(path, f.size, lfsSettings.threshold.effective, lfsSettings.suffixRules.effective) ||
          matchesAny(path, patterns) ||
          (f.size >= BINARY_LFS_MIN_BYTES && looksBinary(f.sample));
        const uploadMode: 'regular' | 'lfs' = lfs ? 'lfs' : 'regular';
        // A path holding content of the same size now is taken as unchanged (the client skips it).
        const same = existing?.type === 'file' && (existing.size === f.size || (await this.contentSize(repo, existing)) === f.size);
        newBytes += same ? 0 : f.size;
        return { path: f.path, uploadMode, shouldIgnore: ignore.ignores(path), oid: existing?.type === 'file' ? await this.contentId(repo, existing) : null };
      }),
    );
    // The early quota check: what obviously won't fit is refused before any byte is sent.
    await this.quota.assertFits(repo, newBytes);
    return { files, commitOid };
  }

  /** The size of a file's content: an LFS pointer's size, else the blob's. */
  private async contentSize(repo: RepoRecord, entry: RepoEntry): Promise<number> {
    if (entry.size > MAX_POINTER_BYTES) return entry.size;
    return parsePointer(await this.engine.readBlob(repo.id, entry.oid))?.size ?? entry.size;
  }

  /** The text of a file at a commit, '' when there is none. */
  private async textAt(repo: RepoRecord, commitOid: string, path: string): Promise<string> {
    const entry = await this.engine.entryAt(repo.id, commitOid, path);
    return entry?.type === 'file' ? (await this.engine.readBlob(repo.id, entry.oid)).toString('utf8') : '';
  }

  /** What huggingface_hub compares to skip an unchanged file: an LFS pointer's sha256, else the git blob id. */
  private async contentId(repo: RepoRecord, entry: RepoEntry): Promise<string> {
    if (entry.size > MAX_POINTER_BYTES) return entry.oid;
    return parsePointer(await this.engine.readBlob(repo.id, entry.oid))?.oid ?? entry.oid;
  }

  async commit(principal: Principal, repo: RepoRecord, revision: string, body: Readable, createPr: boolean, baseUrl: string): Promise<CommitResponseDto> {
    // Before any byte is read: who may commit to an existing pull request's ref.
    const pr = createPr ? null : PR_REF.exec(revision);
    if (pr) await this.discussions.assertMayCommitToPullRequest(principal, repo, Number(pr[1]));
    if (createPr) await this.discussions.assertDiscussionsAllow(principal, repo, 'pull-request');
    let header: CommitHeader | null = null;
    const operations: PathOperation[] = [];
    const lfsObjects: { oid: string; size: number }[] = [];
    try {
      let index = 0;
      for await (const line of readLines(body, this.config.commits.maxLineBytes)) {
        const parsed = parseCommitLine(line, index++);
        if ('header' in parsed) header = parsed.header;
        else if ('lfs' in parsed) {
          const { pointer, size } = await this.lfs.pointerForCommit(principal, repo, parsed.lfs.oid, parsed.lfs.size);
          lfsObjects.push({ oid: parsed.lfs.oid, size });
          operations.push({ kind: 'put-prepared', path: parsed.lfs.path, blob: await this.engine.prepareBlob(pointer) });
        }
        else if (parsed.operation.kind === 'put') {
          // Hash and store each file as it arrives; only its id is kept.
          operations.push({ kind: 'put-prepared', path: parsed.operation.path, blob: await this.engine.prepareBlob(parsed.operation.content) });
        } else operations.push(parsed.operation);
        if (operations.length > MAX_OPERATIONS) throw new BadRequestError(`A commit may hold at most ${MAX_OPERATIONS} operations`, 'TooManyOperations');
      }
    } catch (err) {
      if (err instanceof LineTooLongError) throw new DomainError(413, 'PayloadTooLarge', `${err.message} (HANGAR_COMMIT_MAX_LINE_BYTES)`);
      if (err instanceof InvalidUtf8LineError) throw new BadRequestError(`Commit payload ${err.message}`, 'InvalidCommitPayload');
      throw err;
    }
    if (!header) throw new BadRequestError('Commit payload must start with a header line', 'InvalidCommitPayload');
    const result = await this.engine.commit({
      repoId: repo.id,
      revision,
      operations,
      summary: header.summary,
      description: header.description,
      parentCommit: header.parentCommit,
      author: { name: principal.user.name, email: principal.user.email },
      actorId: principal.user.id,
      createPr,
      inTransaction: (m) => this.lfs.markCommitted(m, repo.id, lfsObjects),
    });
    await this.repos.afterCommit(repo, result.ref, { commit: result.commitOid, tree: result.treeOid });
    return {
      commitOid: result.commitOid,
      commitUrl: `${this.repos.url(baseUrl, repo)}/commit/${result.commitOid}`,
      pullRequestUrl: result.prNumber ? `${this.repos.url(baseUrl, repo)}/discussions/${result.prNumber}` : null,
      success: true,
    };
  }
}

