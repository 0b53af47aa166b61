import { formatBytes, formatDate } from '../../lib/format';
import { Show, useAsync } from '../../lib/ui';
import { blobPath, fetchText, listTree, repoId, resolveUrl, treePath, type RepoRef, type TreeEntry } from '../repo-api';
import { RevisionPicker } from './repo';

/** Text previews stop here; bigger files are for downloading. */
const PREVIEW_MAX = 512 * 1024;

function Crumbs({ repo, rev, path }: { repo: RepoRef; rev: string; path: string }) {
  const parts = path.split('/').filter(Boolean);
  return (
    <nav class="crumbs" aria-label="Path">
      <a href={treePath(repo, rev)}>{repo.name}</a>
      {parts.map((p, i) => (
        <>
          {' / '}
          {i === parts.length - 1 ? <span>{p}</span> : <a href={treePath(repo, rev, parts.slice(0, i + 1).join('/'))}>{p}</a>}
        </>
      ))}
    </nav>
  );
}

export function TreeView({ repo, rev, path }: { repo: RepoRef; rev: string; path: string }) {
  const entries = useAsync(() => listTree(repo, rev, path), [repoId(repo), rev, path]);
  return (
    <section aria-label="Files">
      <div class="inline-form">
        <RevisionPicker repo={repo} rev={rev} to={(r) => treePath(repo, r, path)} />
      </div>
      <Crumbs repo={repo} rev={rev} path={path} />
      <Show state={entries}>
        {(list) => (
          <div class="table-wrap">
            <table aria-label="File tree">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Size</th>
                  <th>Last commit</th>
                </tr>
              </thead>
              <tbody>
                {[...list]
                  .sort((a, b) => (a.type === b.type ? a.path.localeCompare(b.path) : a.type === 'directory' ? -1 : 1))
                  .map((e) => (
                    <tr>
                      <td class="mono">
                        <a href={e.type === 'directory' ? treePath(repo, rev, e.path) : blobPath(repo, rev, e.path)}>
                          {e.type === 'directory' ? '📁 ' : ''}
                          {e.path.slice(path ? path.length + 1 : 0)}
                        </a>
                        {e.lfs && <span class="badge"> LFS</span>}
                      </td>
                      <td>{e.type === 'directory' ? '' : formatBytes(e.lfs?.size ?? e.size)}</td>
                      <td>{e.lastCommit ? `${e.lastCommit.title} · ${formatDate(e.lastCommit.date)}` : ''}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        )}
      </Show>
    </section>
  );
}

/** One file: size, LFS/Xet identity, a download link, and the text (escaped) when it is small text. */
export function FileView({ repo, rev, path }: { repo: RepoRef; rev: string; path: string }) {
  const parent = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  const entry = useAsync(async () => {
    const found = (await listTree(repo, rev, parent)).find((e) => e.path === path && e.type === 'file');
    if (!found) throw new Error(`${path} is not in ${rev}`);
    return found;
  }, [repoId(repo), rev, path]);
  return (
    <section aria-label="File">
      <Crumbs repo={repo} rev={rev} path={path} />
      <Show state={entry}>{(e) => <FileBody repo={repo} rev={rev} entry={e} />}</Show>
    </section>
  );
}

function FileBody({ repo, rev, entry }: { repo: RepoRef; rev: string; entry: TreeEntry }) {
  const size = entry.lfs?.size ?? entry.size;
  const previewable = !entry.lfs && size <= PREVIEW_MAX;
  const text = useAsync(async () => {
    const t = previewable ? await fetchText(repo, rev, entry.path) : null;
    if (t === null || t.includes('\u0000')) return { text: t, html: null };
    // A chunk of its own: only file views load the highlighter.
    const { highlight } = await import('../../lib/highlight');
    return { text: t, html: highlight(entry.path, t) };
  }, [repoId(repo), rev, entry.path]);
  return (
    <>
      <dl class="card props" aria-label="File details">
        <dt>Size</dt>
        <dd>
          {formatBytes(size)} ({size} bytes)
        </dd>
        <dt>Git blob</dt>
        <dd class="mono">{entry.oid}</dd>
        {entry.lfs && (
          <>
            <dt>Stored with</dt>
            <dd>{entry.xetHash ? 'Xet (LFS pointer in git)' : 'Git LFS'}</dd>
            <dt>SHA-256</dt>
            <dd class="mono">{entry.lfs.oid}</dd>
          </>
        )}
        {entry.xetHash && (
          <>
            <dt>Xet hash</dt>
            <dd class="mono">{entry.xetHash}</dd>
          </>
        )}
      </dl>
      <p>
        <a class="button" href={`${resolveUrl(repo, rev, entry.path)}?download=true`} download>
          Download
        </a>
      </p>
      {previewable ? (
        <Show state={text}>
          {({ text: t, html }) =>
            t === null ? null : t.includes('\u0000') ? (
              <p class="hint">Binary file.</p>
            ) : html !== null ? (
              // highlight.js escapes the file's text; only its own spans are markup.
              <pre class="code hljs" aria-label="File content" dangerouslySetInnerHTML={{ __html: html }} />
            ) : (
              <pre class="code" aria-label="File content">{t}</pre>
            )
          }
        </Show>
      ) : (
        <p class="hint">{entry.lfs ? 'Large file (LFS): download it to look inside.' : 'Too large to show here.'}</p>
      )}
    </>
  );
}
