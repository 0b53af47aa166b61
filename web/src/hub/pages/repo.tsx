import { formatBytes, formatDate } from '../../lib/format';
import { renderMarkdown, stripFrontMatter } from '../../lib/markdown';
import { navigate } from '../../lib/router';
import { Show, useAsync } from '../../lib/ui';
import { blobPath, commitsPath, fetchText, listRefs, repoId, repoInfo, repoPath, resolveUrl, treePath, type RepoInfo, type RepoRef } from '../repo-api';
import { CommitView, HistoryView } from './history';
import { FileView, TreeView } from './files';
import { LikeButton } from './like';
import { RepoSettingsView } from './repo-settings';
import { DiscussionsView } from './discussions';
import { RepoAccessView, RepoLfsView } from './repo-access';
import { useMe } from '../session';

/** A repository: card, files by revision, a file, history, a commit. `view` is the path after `{id}`. */
export function RepoPage({ repo, view }: { repo: RepoRef; view: string[] }) {
  const info = useAsync(() => repoInfo(repo), [repo.kind, repo.namespace, repo.name]);
  const me = useMe();
  const [tab, rev = 'main', ...rest] = view;
  const path = rest.join('/');
  return (
    <Show state={info}>
      {(i) => (
        <>
          <RepoHeader repo={repo} info={i} />
          <nav class="tabs" aria-label="Repository">
            <a href={repoPath(repo)} aria-current={!tab ? 'page' : undefined}>
              {repo.kind === 'datasets' ? 'Dataset card' : repo.kind === 'spaces' ? 'App' : 'Model card'}
            </a>
            <a href={treePath(repo, rev)} aria-current={tab === 'tree' || tab === 'blob' ? 'page' : undefined}>
              Files
            </a>
            <a href={commitsPath(repo, rev)} aria-current={tab === 'commits' || tab === 'commit' ? 'page' : undefined}>
              History
            </a>
            <a href={`${repoPath(repo)}/discussions`} aria-current={tab === 'discussions' ? 'page' : undefined}>
              Community
            </a>
            {me && (
              <a href={`${repoPath(repo)}/settings`} aria-current={tab === 'settings' ? 'page' : undefined}>
                Settings
              </a>
            )}
          </nav>
          {!tab && <CardView repo={repo} info={i} />}
          {tab === 'tree' && <TreeView repo={repo} rev={rev} path={path} />}
          {tab === 'blob' && <FileView repo={repo} rev={rev} path={path} />}
          {tab === 'commits' && <HistoryView repo={repo} rev={rev} />}
          {tab === 'commit' && <CommitView repo={repo} sha={rev} />}
          {tab === 'settings' && (
            <>
              <RepoSettingsView repo={repo} info={i} onSaved={info.reload} />
              <RepoAccessView repo={repo} />
              <RepoLfsView repo={repo} />
            </>
          )}
          {tab === 'discussions' && <DiscussionsView repo={repo} view={view.slice(1)} />}
          {tab && !['tree', 'blob', 'commits', 'commit', 'settings', 'discussions'].includes(tab) && <p class="error">No such page.</p>}
        </>
      )}
    </Show>
  );
}

function RepoHeader({ repo, info }: { repo: RepoRef; info: RepoInfo }) {
  return (
    <header class="repo-header">
      <h1>
        <a href={`/${encodeURIComponent(repo.namespace)}`}>{repo.namespace}</a> / <a href={repoPath(repo)}>{repo.name}</a>
      </h1>
      <p class="hint">
        {info.private ? <span class="badge">private</span> : <span class="badge">public</span>} {info.gated ? <span class="badge">gated</span> : null} ↓ {info.downloads ?? 0} downloads ·
        updated {formatDate(info.lastModified)}
      </p>
      <LikeButton repo={repo} likes={info.likes ?? 0} />
    </header>
  );
}

/** The README at the current head, its YAML front matter shown as a table (from the API's cardData). */
function CardView({ repo, info }: { repo: RepoRef; info: RepoInfo }) {
  const rev = info.sha ?? 'main';
  const readme = useAsync(() => fetchText(repo, rev, 'README.md'), [repoId(repo), rev]);
  const card = (info.cardData ?? null) as Record<string, unknown> | null;
  return (
    <div class="card-view">
      {card && Object.keys(card).length > 0 && (
        <div class="table-wrap">
          <table aria-label="Card metadata">
            <tbody>
              {Object.entries(card).map(([k, v]) => (
                <tr>
                  <th scope="row">{k}</th>
                  <td>{metadataText(v)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Show state={readme}>
        {(text) =>
          text === null ? (
            <p class="hint">
              No README.md. <a href={treePath(repo, 'main')}>Browse the files</a>.
            </p>
          ) : (
            <article
              class="markdown card"
              aria-label="README"
              // The HTML comes from renderMarkdown, which escapes raw HTML and drops unsafe URLs.
              dangerouslySetInnerHTML={{ __html: renderMarkdown(stripFrontMatter(text), { page: (p) => blobPath(repo, rev, p), file: (p) => resolveUrl(repo, rev, p) }) }}
            />
          )
        }
      </Show>
    </div>
  );
}

function metadataText(v: unknown): string {
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' && x !== null ? JSON.stringify(x) : String(x))).join(', ');
  if (typeof v === 'object' && v !== null) return JSON.stringify(v);
  return String(v);
}

/** Branches and tags; choosing one keeps the current view. */
export function RevisionPicker({ repo, rev, to }: { repo: RepoRef; rev: string; to: (rev: string) => string }) {
  const refs = useAsync(() => listRefs(repo), [repoId(repo)]);
  const names = refs.data ? [...refs.data.branches.map((b) => b.name), ...refs.data.tags.map((t) => t.name)] : [];
  if (!names.includes(rev)) names.unshift(rev);
  return (
    <label class="rev-picker">
      Revision
      <select value={rev} onChange={(e) => navigate(to(e.currentTarget.value))}>
        {names.map((n) => (
          <option value={n}>{n}</option>
        ))}
      </select>
    </label>
  );
}

export { formatBytes };
