import { useState } from 'preact/hooks';
import { errorFrom, hubApi } from '../../api/client';
import { formatDate } from '../../lib/format';
import { useLocation, navigate } from '../../lib/router';
import { Show, useAsync } from '../../lib/ui';
import { repoPath, type RepoInfo, type RepoKind } from '../repo-api';

const LIMIT = 30;
const TITLES: Record<RepoKind, string> = { models: 'Models', datasets: 'Datasets', spaces: 'Spaces' };

/** Browse and search one kind of repository; pages follow the API's `Link: rel="next"` cursor. */
export function HomePage({ kind }: { kind: RepoKind }) {
  const { query } = useLocation();
  const search = query.get('search') ?? '';
  const cursor = query.get('cursor') ?? undefined;
  const [text, setText] = useState(search);
  const repos = useAsync(async () => {
    const path = `/api/${kind}` as '/api/models';
    const { data, error, response } = await hubApi.GET(path, { params: { query: { search: search || undefined, limit: LIMIT, cursor, sort: 'lastModified', direction: '-1' } } });
    if (!response.ok || !data) throw errorFrom(response, error);
    return { list: data as RepoInfo[], next: nextCursor(response.headers.get('Link')) };
  }, [kind, search, cursor]);
  const submit = (e: Event) => {
    e.preventDefault();
    navigate(`/${kind}${text ? `?search=${encodeURIComponent(text)}` : ''}`);
  };
  return (
    <>
      <nav class="tabs" aria-label="Repository kinds">
        {(Object.keys(TITLES) as RepoKind[]).map((k) => (
          <a href={`/${k}`} aria-current={k === kind ? 'page' : undefined}>
            {TITLES[k]}
          </a>
        ))}
      </nav>
      <h1>{TITLES[kind]}</h1>
      <form role="search" class="inline-form" onSubmit={submit}>
        <label>
          Search {TITLES[kind].toLowerCase()}
          <input type="search" value={text} onInput={(e) => setText(e.currentTarget.value)} placeholder="name or owner" />
        </label>
        <button type="submit">Search</button>
      </form>
      <Show state={repos}>
        {({ list, next }) => (
          <>
            {list.length === 0 && <p class="hint">Nothing found.</p>}
            <ul class="repo-list" aria-label="Repositories">
              {list.map((r) => {
                const [namespace, name] = r.id.split('/');
                return (
                  <li>
                    <a href={repoPath({ kind, namespace, name })}>
                      <strong>{r.id}</strong>
                    </a>
                    {r.private && <span class="badge"> private</span>}
                    <p class="hint">
                      {r.pipeline_tag ? `${r.pipeline_tag} · ` : ''}updated {formatDate(r.lastModified)} · ♥ {r.likes ?? 0} · ↓ {r.downloads ?? 0}
                    </p>
                  </li>
                );
              })}
            </ul>
            {next && (
              <p>
                <a class="button secondary" href={`/${kind}?${new URLSearchParams({ ...(search ? { search } : {}), cursor: next })}`}>
                  Next page →
                </a>
              </p>
            )}
          </>
        )}
      </Show>
    </>
  );
}

function nextCursor(link: string | null): string | null {
  const m = link?.match(/<([^>]+)>;\s*rel="next"/);
  return m ? new URL(m[1], location.origin).searchParams.get('cursor') : null;
}
