import { Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type { Principal } from '../auth/principal';
import type { HangarConfig } from '../core/config/config';
import { InjectConfig } from '../core/config/config.module';
import { BadRequestError, DomainError } from '../core/errors/domain-error';
import type { PathOperation } from '../git/engine/engine.types';
import { normaliseRepoPath } from '../git/engine/paths';
import { VersionEngine } from '../git/engine/version-engine.service';
import { hashObject } from '../git/codec/hash';
import { repoWebPath, type RepoRecord } from '../repos/repo.types';
import { ReposService } from '../repos/repos.service';
import { LfsService } from '../lfs/lfs.service';
import { parseCommitLine, type CommitHeader } from './commit-payload';
import { lfsPatternsOf, matchesAny } from './gitattributes';
import { isLfsBySettings } from '../repos/lfs-settings';
import { InvalidUtf8LineError, LineTooLongError, readLines } from './ndjson';
import type { CommitResponseDto, PreuploadDto, PreuploadResponseDto } from './dto/commits.dto';

const MAX_OPERATIONS = 100_000;

/** The HF commit API over the version engine: preupload decisions and streamed NDJSON commits. */
@Injectable()
export class CommitsService {
  constructor(
    @InjectConfig() private readonly config: HangarConfig,
    private readonly engine: VersionEngine,
    private readonly repos: ReposService,
    private readonly lfs: LfsService,
  ) {}

  async preupload(repo: RepoRecord, revision: string, body: PreuploadDto): Promise<PreuploadResponseDto> {
    const { commitOid } = await this.engine.resolveRevision(repo.id, revision);
    const attributes = await this.engine.entryAt(repo.id, commitOid, '.gitattributes');
    const patterns = lfsPatternsOf(
      body.gitAttributes ?? (attributes?.type === 'file' ? (await this.engine.readBlob(repo.id, attributes.oid)).toString('utf8') : ''),
    );
    const lfsSettings = await this.repos.lfsSettings(repo);
    const files = await Promise.all(
      body.files.map(async (f) => {
        const path = normaliseRepoPath(f.path);
        const existing = await this.engine.entryAt(repo.id, commitOid, path);
        const current = existing?.type === 'file' ? existing : null;
        const uploadMode: 'regular' | 'lfs' =
          isLfsBySettings(path, f.size, lfsSettings.threshold.effective, lfsSettings.suffixRules.effective) || matchesAny(path, patterns) ? 'lfs' : 'regular';
        // The whole content is known only when the sample holds all of it.
        const sample = f.sample !== undefined ? Buffer.from(f.sample, 'base64') : null;
        const sameContent = current !== null && sample !== null && sample.length === f.size && hashObject('blob', sample) === current.oid;
        return { path: f.path, uploadMode, shouldIgnore: sameContent, oid: current?.oid ?? null };
      }),
    );
    return { files, commitOid };
  }

  async commit(principal: Principal, repo: RepoRecord, revision: string, body: Readable, createPr: boolean): Promise<CommitResponseDto> {
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
      createPr,
      inTransaction: (m) => this.lfs.markCommitted(m, repo.id, lfsObjects),
    });
    await this.repos.afterCommit(repo, result.ref);
    return {
      commitOid: result.commitOid,
      commitUrl: this.repos.absoluteUrl(`${repoWebPath(repo)}/commit/${result.commitOid}`),
      pullRequestUrl: result.prNumber ? this.repos.absoluteUrl(`${repoWebPath(repo)}/discussions/${result.prNumber}`) : null,
      success: true,
    };
  }
}

