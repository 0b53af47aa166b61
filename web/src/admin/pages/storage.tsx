import { call } from '../../api/client';
import { formatBytes, formatDate } from '../../lib/format';
import { navigate, useLocation } from '../../lib/router';
import { useState } from 'preact/hooks';
import { ErrorBox, Show, Table, useAction, useAsync } from '../../lib/ui';
import { adminApi } from '../session';

const LIMIT = 100;
const REPO_TYPES = ['model', 'dataset', 'space'] as const;
type RepoType = (typeof REPO_TYPES)[number];

/** Object-store browser by key prefix, and a repository's files with the objects that hold them. */
export function StoragePage() {
  const { query } = useLocation();
  const prefix = query.get('prefix') ?? '';
  const after = query.get('after') ?? undefined;
  const repo = query.get('repo');
  const go = (params: Record<string, string | undefined>) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
    navigate(`/admin/storage${q.size ? `?${q}` : ''}`);
  };
  return (
    <>
      <h1>Storage</h1>
      <RepoPicker current={repo} onPick={(r) => go({ repo: r })} />
      {repo ? <RepoObjects repo={repo} /> : <PrefixBrowser prefix={prefix} after={after} go={go} />}
    </>
  );
}

function RepoPicker({ current, onPick }: { current: string | null; onPick: (repo: string) => void }) {
  const submit = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    onPick(`${form.get('type')}/${String(form.get('id')).trim()}`);
  };
  const [type, id] = current ? [current.split('/')[0], current.split('/').slice(1).join('/')] : ['model', ''];
  return (
    <form class="card inline-form" onSubmit={submit} aria-label="Browse a repository's objects">
      <label>
        Type
        <select name="type" value={type}>
          {REPO_TYPES.map((t) => (
            <option value={t}>{t}</option>
          ))}
        </select>
      </label>
      <label>
        Repository <input name="id" placeholder="namespace/name" value={id} required pattern="[^/]+/[^/]+" />
      </label>
      <button type="submit">Browse repository</button>
      {current && (
        <a href="/admin/storage" class="button secondary">
          All objects
        </a>
      )}
    </form>
  );
}

function RepoObjects({ repo }: { repo: string }) {
  const [type, namespace, name] = repo.split('/') as [RepoType, string, string];
  const files = useAsync(() => call(adminApi.GET('/admin/api/repositories/{repo_type}/{namespace}/{name}/files', { params: { path: { repo_type: type, namespace, name } } })), [repo]);
  return (
    <Show state={files}>
      {(f) => (
        <section aria-label="Repository objects">
          <h2>
            {namespace}/{name} at {f.ref}: {f.count} file{f.count === 1 ? '' : 's'}
          </h2>
          <Table
            label="Repository files"
            head={['Path', 'Size', 'Stored as', 'Object']}
            rows={f.files}
            row={(file) => (
              <>
                <td class="mono">{file.path}</td>
                <td>{formatBytes(file.size)}</td>
                <td>{file.is_lfs ? `LFS (${file.version_count} version${file.version_count === 1 ? '' : 's'})` : 'git blob (database)'}</td>
                <td class="mono">
                  {file.is_lfs && file.sha256 ? <a href={`/admin/storage?prefix=${encodeURIComponent(lfsKey(file.sha256))}`}>{lfsKey(file.sha256)}</a> : file.checksum}
                </td>
              </>
            )}
          />
        </section>
      )}
    </Show>
  );
}

const lfsKey = (sha: string) => `lfs/${sha.slice(0, 2)}/${sha.slice(2, 4)}/${sha}`;

function PrefixBrowser({ prefix, after, go }: { prefix: string; after?: string; go: (p: Record<string, string | undefined>) => void }) {
  const objects = useAsync(() => call(adminApi.GET('/admin/api/storage/objects', { params: { query: { prefix: prefix || undefined, limit: LIMIT, start_after: after } } })), [prefix, after]);
  const parts = prefix.split('/').filter(Boolean);
  return (
    <section aria-label="Objects">
      <nav class="crumbs" aria-label="Prefix">
        <a href="/admin/storage">(root)</a>
        {parts.map((p, i) => (
          <>
            {' / '}
            <a href={`/admin/storage?prefix=${encodeURIComponent(parts.slice(0, i + 1).join('/') + '/')}`}>{p}</a>
          </>
        ))}
      </nav>
      {prefix && <PrefixDelete prefix={prefix} onDeleted={objects.reload} />}
      <Show state={objects}>
        {(list) => {
          // Folders are the next key segment among the objects of this page.
          const folders = new Set<string>();
          const files = list.objects.filter((o) => {
            const rest = o.full_key.slice(prefix.length);
            const slash = rest.indexOf('/');
            if (slash >= 0) {
              folders.add(prefix + rest.slice(0, slash + 1));
              return false;
            }
            return true;
          });
          return (
            <>
              <Table
                label="Objects"
                head={['Key', 'Size', 'Modified']}
                rows={[...[...folders].map((key) => ({ key, folder: true as const })), ...files.map((o) => ({ key: o.full_key, folder: false as const, object: o }))]}
                row={(e) =>
                  e.folder ? (
                    <>
                      <td class="mono">
                        <a href={`/admin/storage?prefix=${encodeURIComponent(e.key)}`}>{e.key.slice(prefix.length)}</a>
                      </td>
                      <td>folder</td>
                      <td />
                    </>
                  ) : (
                    <>
                      <td class="mono">{e.key.slice(prefix.length) || e.key}</td>
                      <td>{formatBytes(e.object.size)}</td>
                      <td>{formatDate(e.object.last_modified)}</td>
                    </>
                  )
                }
              />
              {list.objects.length === 0 && <p class="hint">No objects under this prefix.</p>}
              {list.is_truncated && list.next_start_after && (
                <button type="button" onClick={() => go({ prefix, after: list.next_start_after ?? undefined })}>
                  Next page →
                </button>
              )}
            </>
          );
        }}
      </Show>
    </section>
  );
}

/**
 * Deleting everything under a prefix takes two steps on the API: prepare (counts, and a token
 * valid for a minute), then delete with that token. Objects still referenced are refused.
 */
function PrefixDelete({ prefix, onDeleted }: { prefix: string; onDeleted: () => void }) {
  const action = useAction();
  const [plan, setPlan] = useState<{ token: string; objects: number; referenced: number } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const prepare = () =>
    action.run(async () => {
      const p = await call(adminApi.POST('/admin/api/storage/prefix/prepare-delete', { params: { query: { prefix } } }));
      setPlan({ token: p.confirm_token, objects: p.estimated_objects, referenced: p.referenced_objects });
      setDone(null);
    });
  const remove = () =>
    action.run(async () => {
      const r = await call(adminApi.DELETE('/admin/api/storage/prefix', { params: { query: { prefix, confirm_token: plan!.token } } }));
      setPlan(null);
      setDone(`Deleted ${r.deleted_count} objects under ${r.prefix}.`);
      onDeleted();
    });
  return (
    <div class="actions" aria-label="Delete prefix" role="group">
      {!plan ? (
        <button type="button" class="secondary" disabled={action.busy} onClick={() => void prepare()}>
          Delete everything under {prefix}…
        </button>
      ) : (
        <>
          <span>
            {plan.objects} objects{plan.referenced ? `, ${plan.referenced} still referenced (refused)` : ''}; confirm within a minute.
          </span>
          <button type="button" class="danger" disabled={action.busy} onClick={() => void remove()}>
            Delete {plan.objects} objects
          </button>
          <button type="button" class="secondary" onClick={() => setPlan(null)}>
            Cancel
          </button>
        </>
      )}
      {done && <span class="ok">{done}</span>}
      <ErrorBox error={action.error} />
    </div>
  );
}
