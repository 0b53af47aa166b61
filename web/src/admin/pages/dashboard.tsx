import { call } from '../../api/client';
import { formatBytes } from '../../lib/format';
import { Show, useAsync } from '../../lib/ui';
import { adminApi } from '../session';

export function DashboardPage() {
  const stats = useAsync(() => call(adminApi.GET('/admin/api/stats/detailed')), []);
  return (
    <>
      <h1>Dashboard</h1>
      <Show state={stats}>
        {(s) => (
          <div class="stats">
            <Stat label="Users" value={s.users.total} detail={`${s.users.active} active · ${s.users.verified} verified`} />
            <Stat label="Organizations" value={s.organizations.total} />
            <Stat label="Repositories" value={s.repositories.total} detail={`${s.repositories.public} public · ${s.repositories.private} private`} />
            <Stat label="Commits" value={s.commits.total} />
            <Stat label="Storage used" value={formatBytes(s.storage.total_used)} detail={`${formatBytes(s.storage.public_used)} public · ${formatBytes(s.storage.private_used)} private`} />
            <Stat label="LFS objects" value={s.lfs.total_objects} detail={formatBytes(s.lfs.total_size)} />
          </div>
        )}
      </Show>
    </>
  );
}

function Stat({ label, value, detail }: { label: string; value: string | number; detail?: string }) {
  return (
    <section class="stat card" aria-label={label}>
      <h2>{label}</h2>
      <p class="value">{value}</p>
      {detail && <p class="hint">{detail}</p>}
    </section>
  );
}
