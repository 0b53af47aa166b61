import { Injectable } from '@nestjs/common';
import type { Oid } from '../git/codec/object-types';
import { VersionEngine } from '../git/engine/version-engine.service';
import { fileDiff } from './unified-diff';

/** Files larger than this are shown as binary (LFS files are small pointers, shown as text). */
const MAX_TEXT_BYTES = 512 * 1024;
/** The whole diff stops growing past this (a note says so). */
const MAX_DIFF_CHARS = 4 * 1024 * 1024;

/** The `diff` of a pull request's details: its head against the merge base, as `git diff` prints it. */
@Injectable()
export class PullRequestDiff {
  constructor(private readonly engine: VersionEngine) {}

  async render(repoId: number, base: Oid, head: Oid): Promise<string> {
    const parts: string[] = [];
    let length = 0;
    for (const c of await this.engine.diffCommits(repoId, base, head)) {
      const part = fileDiff({
        path: c.path,
        oldOid: c.old?.oid ?? null,
        newOid: c.new?.oid ?? null,
        oldMode: c.old?.mode ?? null,
        newMode: c.new?.mode ?? null,
        oldText: c.old ? await this.text(repoId, c.old.oid) : null,
        newText: c.new ? await this.text(repoId, c.new.oid) : null,
      });
      if (length + part.length > MAX_DIFF_CHARS) {
        parts.push(`# diff truncated: larger than ${MAX_DIFF_CHARS} characters\n`);
        break;
      }
      parts.push(part);
      length += part.length;
    }
    return parts.join('');
  }

  /** A blob's text, or null when it is binary (a NUL byte, as git decides) or too large. */
  private async text(repoId: number, oid: Oid): Promise<string | null> {
    const body = await this.engine.readBlob(repoId, oid);
    if (body.length > MAX_TEXT_BYTES || body.subarray(0, 8000).includes(0)) return null;
    return body.toString('utf8');
  }
}
