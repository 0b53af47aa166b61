import { useState } from 'preact/hooks';
import { call } from '../../api/client';
import { formatBytes, parseBytes } from '../../lib/format';
import { ErrorBox, Show, useAction, useAsync } from '../../lib/ui';
import { adminApi } from '../session';

export function QuotasPage() {
  const overview = useAsync(() => call(adminApi.GET('/admin/api/quota/overview')), []);
  const action = useAction();
  const [done, setDone] = useState<string | null>(null);
  const ns = (form: FormData) => String(form.get('namespace') ?? '').trim();
  const setQuota = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    void action.run(async () => {
      const q = await call(
        adminApi.PUT('/admin/api/quota/{namespace}', {
          params: { path: { namespace: ns(form) } },
          body: { private_quota_bytes: parseBytes(String(form.get('private') ?? '')), public_quota_bytes: parseBytes(String(form.get('public') ?? '')) },
        }),
      );
      setDone(`${q.namespace}: private ${q.private_quota_bytes === null ? 'unlimited' : formatBytes(q.private_quota_bytes)}, public ${q.public_quota_bytes === null ? 'unlimited' : formatBytes(q.public_quota_bytes)}`);
      overview.reload();
    });
  };
  const recalculate = (e: Event) => {
    const form = (e.currentTarget as HTMLButtonElement).form!;
    void action.run(async () => {
      const q = await call(adminApi.POST('/admin/api/quota/{namespace}/recalculate', { params: { path: { namespace: ns(new FormData(form)) } } }));
      setDone(`${q.namespace}: recounted, ${formatBytes(q.used_bytes)} used`);
      overview.reload();
    });
  };
  return (
    <>
      <h1>Quotas</h1>
      <form class="card grid-form" onSubmit={setQuota} aria-label="Set a quota">
        <label>
          User or organization <input name="namespace" required />
        </label>
        <label>
          Private quota <input name="private" placeholder="e.g. 10 GB (empty: unlimited)" />
        </label>
        <label>
          Public quota <input name="public" placeholder="e.g. 50 GB (empty: unlimited)" />
        </label>
        <div class="actions">
          <button type="submit" disabled={action.busy}>
            Set quota
          </button>
          <button type="button" class="secondary" disabled={action.busy} onClick={recalculate}>
            Recalculate usage
          </button>
        </div>
        <ErrorBox error={action.error} />
        {done && <p class="ok">{done}</p>}
      </form>
      <Show state={overview}>
        {(o) => (
          <>
            <div class="stats">
              <section class="stat card" aria-label="Stored">
                <h2>Charged</h2>
                <p class="value">{formatBytes(o.system_storage.total_used)}</p>
                <p class="hint">
                  {formatBytes(o.system_storage.public_used)} public · {formatBytes(o.system_storage.private_used)} private
                </p>
              </section>
              <section class="stat card" aria-label="Physical">
                <h2>Physically stored</h2>
                <p class="value">{formatBytes(o.system_storage.physical_used)}</p>
                <p class="hint">deduplication saves {formatBytes(o.system_storage.dedup_saved)}</p>
              </section>
            </div>
            <h2>Top consumers</h2>
            <div class="table-wrap">
              <table aria-label="Top consumers">
                <tbody>
                  {o.top_consumers.map((c) => (
                    <tr>
                      <td>
                        {c.username}
                        {c.is_org ? ' (org)' : ''}
                      </td>
                      <td>{formatBytes(c.total_bytes)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <h2>Over quota</h2>
            {o.users_over_quota.length + o.repos_over_quota.length === 0 ? (
              <p class="hint">Nobody is over quota.</p>
            ) : (
              <ul>
                {o.users_over_quota.map((u) => (
                  <li>
                    {u.username}: private {formatBytes(u.private_used)} / {formatBytes(u.private_quota)}, public {formatBytes(u.public_used)} / {formatBytes(u.public_quota)}
                  </li>
                ))}
                {o.repos_over_quota.map((r) => (
                  <li>
                    {r.repo_type}:{r.full_id}: {formatBytes(r.used_bytes)} / {formatBytes(r.quota_bytes)}
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </Show>
    </>
  );
}
