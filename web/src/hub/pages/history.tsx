import { useState } from 'preact/hooks';
import { diffLines, withContext } from '../../lib/diff';
import { formatDate } from '../../lib/format';
import { Pager, Show, useAsync } from '../../lib/ui';
import { commitPath, commitsPath, fetchText, listCommits, listTree, repoId, type RepoRef, type TreeEntry } from '../repo-api';
import { RevisionPicker } from './repo';

const LIMIT = 30;

export function HistoryView({ repo, rev }: { repo: RepoRef; rev: string }) {
  const [page, setPage] = useState(0);
  const commits = useAsync(() => listCommits(repo, rev, page, LIMIT), [repoId(repo), rev, page]);
  return (
    <section aria-label="History">
      <div class="inline-form">
        <RevisionPicker repo={repo} rev={rev} to={(r) => commitsPath(repo, r)} />
      </div>
      <Show state={commits}>
        {(list) => (
          <>
            <ol class="feed" aria-label="Commits">
              {list.map((c) => (
                <li>
                  <a href={commitPath(repo, c.id)}>
                    <strong>{c.title}</strong>
                  </a>
                  <p class="hint">
                    <span class="mono">{c.id.slice(0, 10)}</span> · {c.authors.map((a) => a.user).join(', ')} · {formatDate(c.date)}
                  </p>
                </li>
              ))}
            </ol>
            <Pager offset={page * LIMIT} limit={LIMIT} count={list.length} onChange={(o) => setPage(Math.floor(o / LIMIT))} />
          </>
        )}
      </Show>
    </section>
  );
}

/** Files fetched and diffed per commit at most; the rest are listed. */
const MAX_DIFFED = 20;
const DIFF_MAX_BYTES = 256 * 1024;

interface Change {
  path: string;
  kind: 'added' | 'deleted' | 'modified';
  before?: TreeEntry;
  after?: TreeEntry;
}

/**
 * A commit against the commit before it in the history (its first parent on a linear branch):
 * the two trees are compared by blob id, and changed text files are diffed here.
 */
export function CommitView({ repo, sha }: { repo: RepoRef; sha: string }) {
  const data = useAsync(async () => {
    const [commit, parent] = await listCommits(repo, sha, 0, 2);
    const [after, before] = await Promise.all([listTree(repo, commit.id, '', true), parent ? listTree(repo, parent.id, '', true) : Promise.resolve([])]);
    const files = (l: TreeEntry[]) => new Map(l.filter((e) => e.type === 'file').map((e) => [e.path, e]));
    const a = files(before);
    const b = files(after);
    const changes: Change[] = [];
    for (const [path, e] of b) {
      const old = a.get(path);
      if (!old) changes.push({ path, kind: 'added', after: e });
      else if (old.oid !== e.oid) changes.push({ path, kind: 'modified', before: old, after: e });
    }
    for (const [path, e] of a) if (!b.has(path)) changes.push({ path, kind: 'deleted', before: e });
    changes.sort((x, y) => x.path.localeCompare(y.path));
    return { commit, parent, changes };
  }, [repoId(repo), sha]);
  return (
    <Show state={data}>
      {({ commit, parent, changes }) => (
        <section aria-label="Commit">
          <h2>{commit.title}</h2>
          {commit.message.trim() && commit.message.trim() !== commit.title.trim() && <pre class="code">{commit.message}</pre>}
          <p class="hint">
            <span class="mono">{commit.id}</span> · {commit.authors.map((a) => a.user).join(', ')} · {formatDate(commit.date)}
            {parent && (
              <>
                {' '}
                · parent <a href={commitPath(repo, parent.id)} class="mono">{parent.id.slice(0, 10)}</a>
              </>
            )}
          </p>
          <p>{changes.length} file{changes.length === 1 ? '' : 's'} changed</p>
          {changes.map((c, i) => (
            <FileDiff repo={repo} change={c} commit={commit.id} parent={parent?.id} fetch={i < MAX_DIFFED} />
          ))}
        </section>
      )}
    </Show>
  );
}

function FileDiff({ repo, change, commit, parent, fetch }: { repo: RepoRef; change: Change; commit: string; parent?: string; fetch: boolean }) {
  const lfs = change.before?.lfs ?? change.after?.lfs;
  const small = (e?: TreeEntry) => !e || e.size <= DIFF_MAX_BYTES;
  const diffable = fetch && !lfs && small(change.before) && small(change.after);
  const lines = useAsync(async () => {
    if (!diffable) return null;
    const [old, now] = await Promise.all([change.before && parent ? fetchText(repo, parent, change.path) : '', change.after ? fetchText(repo, commit, change.path) : '']);
    return diffLines(old ?? '', now ?? '');
  }, [change.path, commit, parent]);
  return (
    <details class="card" open={diffable} aria-label={`Diff of ${change.path}`}>
      <summary>
        <span class="badge">{change.kind}</span> <span class="mono">{change.path}</span>
      </summary>
      {lfs && (
        <p class="mono hint">
          LFS {change.before?.lfs ? `${change.before.lfs.oid.slice(0, 12)}… (${change.before.lfs.size} B)` : '∅'} → {change.after?.lfs ? `${change.after.lfs.oid.slice(0, 12)}… (${change.after.lfs.size} B)` : '∅'}
        </p>
      )}
      {diffable ? (
        <Show state={lines}>
          {(l) =>
            l === null ? (
              <p class="hint">Too many changed lines to show.</p>
            ) : (
              <pre class="diff">
                {withContext(l).map((d) =>
                  d.kind === 'skip' ? (
                    <span class="ctx">⋯ {d.count} unchanged lines</span>
                  ) : (
                    <span class={d.kind}>
                      {d.kind === 'add' ? '+' : d.kind === 'del' ? '-' : ' '}
                      {d.text}
                    </span>
                  ),
                )}
              </pre>
            )
          }
        </Show>
      ) : (
        !lfs && <p class="hint">Not shown (large file or many files).</p>
      )}
    </details>
  );
}
