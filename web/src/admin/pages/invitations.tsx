import { useState } from 'preact/hooks';
import { call } from '../../api/client';
import { formatDate } from '../../lib/format';
import { ErrorBox, Pager, Show, Table, useAction, useAsync } from '../../lib/ui';
import { adminApi } from '../session';

const LIMIT = 25;

export function InvitationsPage() {
  const [offset, setOffset] = useState(0);
  const list = useAsync(() => call(adminApi.GET('/admin/api/invitations', { params: { query: { limit: LIMIT, offset } } })), [offset]);
  const action = useAction();
  const [link, setLink] = useState<string | null>(null);
  const create = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const uses = String(form.get('max_usage') ?? '').trim();
    void action.run(async () => {
      const made = await call(
        adminApi.POST('/admin/api/invitations/register', {
          body: {
            expires_days: Number(form.get('expires_days') || 7),
            max_usage: uses === '' ? null : Number(uses),
            org_name: String(form.get('org_name') ?? '').trim() || null,
          },
        }),
      );
      setLink(made.invitation_link);
      list.reload();
    });
  };
  return (
    <>
      <h1>Invitations</h1>
      <form class="card grid-form" onSubmit={create} aria-label="New registration invitation">
        <label>
          Valid for (days) <input name="expires_days" type="number" min={1} max={365} value="7" />
        </label>
        <label>
          Uses <input name="max_usage" type="number" min={-1} placeholder="empty: one; -1: unlimited" />
        </label>
        <label>
          Organization to join <input name="org_name" placeholder="optional" />
        </label>
        <ErrorBox error={action.error} />
        <div class="actions">
          <button type="submit" disabled={action.busy}>
            Create invitation
          </button>
        </div>
        {link && (
          <p class="ok">
            Invitation link: <output class="mono">{link}</output>
          </p>
        )}
      </form>
      <Show state={list}>
        {(l) => (
          <>
            <Table
              label="Invitations"
              head={['Token', 'Kind', 'Organization', 'Used', 'Expires', 'Available']}
              rows={l.invitations}
              row={(i) => (
                <>
                  <td class="mono">{i.token_prefix}…</td>
                  <td>{i.action}</td>
                  <td>{i.org_name ?? '—'}</td>
                  <td>
                    {i.usage_count}
                    {i.max_usage === null ? ' / 1' : i.max_usage === -1 ? ' / ∞' : ` / ${i.max_usage}`}
                  </td>
                  <td>{formatDate(i.expires_at)}</td>
                  <td>{i.is_available ? 'yes' : (i.unavailable_reason ?? 'no')}</td>
                </>
              )}
            />
            <Pager offset={offset} limit={LIMIT} count={l.invitations.length} onChange={setOffset} />
          </>
        )}
      </Show>
    </>
  );
}
