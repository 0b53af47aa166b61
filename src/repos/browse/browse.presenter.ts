import { avatarPath } from '../../auth/avatars';
import type { CommitInfo } from '../../git/engine/engine.types';
import type { CommitDto, TreeEntryDto } from './browse.dto';
import type { BrowseEntry } from './browse.service';

/** A tree / paths-info entry in the hub's shape; `expand` adds lastCommit and the scan status. */
export function toTreeEntry(e: BrowseEntry, expand: boolean): TreeEntryDto {
  const lfs = e.lfs && !e.lfs.pruned ? e.lfs : undefined;
  const out: TreeEntryDto = { type: e.type, oid: e.oid, size: e.type === 'file' ? (lfs?.size ?? e.size) : 0, path: e.path };
  if (lfs) out.lfs = { oid: lfs.oid, size: lfs.size, pointerSize: e.size };
  // As on the hub, beside `lfs`: huggingface_hub's RepoFile.xet_hash and @huggingface/hub read it there.
  if (lfs?.xetHash) out.xetHash = lfs.xetHash;
  if (expand) {
    if (e.lastCommit) out.lastCommit = { id: e.lastCommit.oid, title: e.lastCommit.title, date: e.lastCommit.committedAt.toISOString() };
    // huggingface_hub reads avScan and pickleImportScan unconditionally: present, null when unscanned.
    if (e.type === 'file') out.securityFileStatus = { status: 'unscanned', avScan: null, pickleImportScan: null };
  }
  return out;
}

/** A commit as list_repo_commits reads it: `message` is the description below the title line. */
export function toCommit(c: CommitInfo, formatted: boolean, baseUrl: string): CommitDto {
  const newline = c.message.indexOf('\n');
  const description = newline < 0 ? '' : c.message.slice(newline + 1).trim();
  const out: CommitDto = {
    id: c.oid,
    title: c.title,
    message: description,
    date: c.authoredAt.toISOString(),
    authors: [{ user: c.authorName, avatar: baseUrl + avatarPath(c.authorName) }],
  };
  if (formatted) out.formatted = { title: escapeHtml(c.title), message: escapeHtml(description) };
  return out;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}
