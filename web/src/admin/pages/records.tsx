import { useState } from 'preact/hooks';
import { call } from '../../api/client';
import { formatBytes, formatDate } from '../../lib/format';
import { Pager, Show, Table, useAsync } from '../../lib/ui';
import { adminApi } from '../session';

const LIMIT = 50;

/** Shared frame of the admin's long lists: a filter row, the table, pages. */
function useListState() {
  const [offset, setOffset] = useState(0);
  const [filters, setFilters] = useState<Record<string, string>>({});
  const set = (k: string, v: string) => (setFilters((f) => ({ ...f, [k]: v })), setOffset(0));
  const q = (k: string) => filters[k] || undefined;
  return { offset, setOffset, filters, set, q };
}

function Filter({ label, name, state, options }: { label: string; name: string; state: ReturnType<typeof useListState>; options?: string[] }) {
  return (
    <label>
      {label}
      {options ? (
        <select value={state.filters[name] ?? ''} onChange={(e) => state.set(name, e.currentTarget.value)}>
          <option value="">all</option>
          {options.map((o) => (
            <option value={o}>{o}</option>
          ))}
        </select>
      ) : (
        <input type="search" value={state.filters[name] ?? ''} onInput={(e) => state.set(name, e.currentTarget.value)} />
      )}
    </label>
  );
}

export function ReposPage() {
  const s = useListState();
  const list = useAsync(
    () =>
      call(
        adminApi.GET('/admin/api/repositories', {
          params: { query: { limit: LIMIT, offset: s.offset, search: s.q('search'), namespace: s.q('namespace'), repo_type: s.q('repo_type') as 'model' | undefined } },
        }),
      ),
    [s.offset, s.filters],
  );
  return (
    <>
      <h1>Repositories</h1>
      <div class="inline-form card">
        <Filter label="Search" name="search" state={s} />
        <Filter label="Namespace" name="namespace" state={s} />
        <Filter label="Type" name="repo_type" state={s} options={['model', 'dataset', 'space']} />
      </div>
      <Show state={list}>
        {(l) => (
          <>
            <Table
              label="Repositories"
              head={['Repository', 'Type', 'Visibility', 'Used / quota', 'Created', '']}
              rows={l.repositories}
              row={(r) => (
                <>
                  <td class="mono">{r.full_id}</td>
                  <td>{r.repo_type}</td>
                  <td>{r.private ? 'private' : 'public'}</td>
                  <td>
                    {formatBytes(r.used_bytes)} / {r.effective_quota_bytes === null ? 'unlimited' : formatBytes(r.effective_quota_bytes)}
                  </td>
                  <td>{formatDate(r.created_at)}</td>
                  <td>
                    <a href={`/admin/storage?repo=${encodeURIComponent(`${r.repo_type}/${r.full_id}`)}`}>files</a>
                  </td>
                </>
              )}
            />
            <Pager offset={s.offset} limit={LIMIT} count={l.repositories.length} total={l.total} onChange={s.setOffset} />
          </>
        )}
      </Show>
    </>
  );
}

export function CommitsPage() {
  const s = useListState();
  const list = useAsync(
    () => call(adminApi.GET('/admin/api/commits', { params: { query: { limit: LIMIT, offset: s.offset, repo_full_id: s.q('repo_full_id'), username: s.q('username') } } })),
    [s.offset, s.filters],
  );
  return (
    <>
      <h1>Commits</h1>
      <div class="inline-form card">
        <Filter label="Repository (namespace/name)" name="repo_full_id" state={s} />
        <Filter label="Author" name="username" state={s} />
      </div>
      <Show state={list}>
        {(l) => (
          <>
            <Table
              label="Commits"
              head={['Commit', 'Repository', 'Branch', 'Message', 'Author', 'When']}
              rows={l.commits}
              row={(c) => (
                <>
                  <td class="mono">{c.commit_id.slice(0, 10)}</td>
                  <td class="mono">
                    {c.repo_type}:{c.repo_full_id}
                  </td>
                  <td>{c.branch}</td>
                  <td>{c.message}</td>
                  <td>{c.username ?? '—'}</td>
                  <td>{formatDate(c.created_at)}</td>
                </>
              )}
            />
            <Pager offset={s.offset} limit={LIMIT} count={l.commits.length} onChange={s.setOffset} />
          </>
        )}
      </Show>
    </>
  );
}

export function AuditPage() {
  const s = useListState();
  const list = useAsync(
    () =>
      call(
        adminApi.GET('/admin/api/audit', {
          params: { query: { limit: LIMIT, offset: s.offset, action: s.q('action'), actor: s.q('actor'), target: s.q('target'), result: s.q('result') as 'success' | undefined } },
        }),
      ),
    [s.offset, s.filters],
  );
  return (
    <>
      <h1>Audit log</h1>
      <div class="inline-form card">
        <Filter label="Action" name="action" state={s} />
        <Filter label="Actor" name="actor" state={s} />
        <Filter label="Target" name="target" state={s} />
        <Filter label="Result" name="result" state={s} options={['success', 'failure']} />
      </div>
      <Show state={list}>
        {(l) => (
          <>
            <Table
              label="Audit entries"
              head={['When', 'Action', 'Actor', 'Target', 'Result']}
              rows={l.entries}
              row={(e) => (
                <>
                  <td>{formatDate(e.created_at)}</td>
                  <td class="mono">{e.action}</td>
                  <td>{e.actor}</td>
                  <td class="mono">{e.target}</td>
                  <td>
                    {e.result} ({e.status})
                  </td>
                </>
              )}
            />
            <Pager offset={s.offset} limit={LIMIT} count={l.entries.length} total={l.total} onChange={s.setOffset} />
          </>
        )}
      </Show>
    </>
  );
}
