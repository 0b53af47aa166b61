import { call } from '../../api/client';
import { ConfirmButton, ErrorBox, Show, Table, useAction, useAsync } from '../../lib/ui';
import { adminApi } from '../session';

export function FallbackPage() {
  const list = useAsync(() => call(adminApi.GET('/admin/api/fallback-sources')), []);
  const action = useAction();
  const create = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const text = (k: string) => String(form.get(k) ?? '').trim();
    void action.run(async () => {
      await call(
        adminApi.POST('/admin/api/fallback-sources', {
          body: { name: text('name'), url: text('url'), priority: Number(text('priority') || 100), source_type: text('source_type') as 'huggingface', namespace: text('namespace'), token: text('token') || undefined },
        }),
      );
      (e.target as HTMLFormElement).reset();
      list.reload();
    });
  };
  const remove = (id: number) =>
    action.run(async () => {
      await call(adminApi.DELETE('/admin/api/fallback-sources/{source_id}', { params: { path: { source_id: id } } }));
      list.reload();
    });
  return (
    <>
      <h1>Fallback sources</h1>
      <form class="card grid-form" onSubmit={create} aria-label="New fallback source">
        <label>
          Name <input name="name" required />
        </label>
        <label>
          URL <input name="url" type="url" required placeholder="https://huggingface.co" />
        </label>
        <label>
          Type
          <select name="source_type">
            <option value="huggingface">huggingface</option>
            <option value="hangar">hangar</option>
            <option value="kohakuhub">kohakuhub</option>
          </select>
        </label>
        <label>
          Priority <input name="priority" type="number" value="100" />
        </label>
        <label>
          Namespace <input name="namespace" placeholder="empty: every namespace" />
        </label>
        <label>
          Token <input name="token" type="password" autocomplete="off" placeholder="optional" />
        </label>
        <div class="actions">
          <button type="submit" disabled={action.busy}>
            Add source
          </button>
        </div>
      </form>
      <ErrorBox error={action.error} />
      <Show state={list}>
        {(sources) => (
          <Table
            label="Fallback sources"
            head={['Name', 'URL', 'Type', 'Priority', 'Namespace', 'Enabled', '']}
            rows={sources}
            row={(s) => (
              <>
                <td>{s.name}</td>
                <td class="mono">{s.url}</td>
                <td>{s.source_type}</td>
                <td>{s.priority}</td>
                <td>{s.namespace || 'all'}</td>
                <td>{s.enabled ? 'yes' : 'no'}</td>
                <td>
                  <ConfirmButton label="Remove" confirmLabel={`Remove ${s.name}`} disabled={action.busy} onConfirm={() => void remove(s.id)} />
                </td>
              </>
            )}
          />
        )}
      </Show>
    </>
  );
}
