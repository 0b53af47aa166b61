import { call } from '../../api/client';
import { formatBytes } from '../../lib/format';
import { Show, useAsync } from '../../lib/ui';
import { adminApi } from '../session';
import { DailyBars, lastDays } from './charts';

const DAYS = 30;

export function DashboardPage() {
  const stats = useAsync(() => call(adminApi.GET('/admin/api/stats/detailed')), []);
  const series = useAsync(() => call(adminApi.GET('/admin/api/stats/timeseries', { params: { query: { days: DAYS } } })), []);
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
      <h2>Last {DAYS} days</h2>
      <Show state={series}>
        {(t) => {
          const days = lastDays(DAYS);
          const repos = (d: string) => Object.values(t.repositories_by_day[d] ?? {}).reduce((a, b) => a + b, 0);
          return (
            <div class="charts">
              <DailyBars label="Commits" days={days} values={days.map((d) => t.commits_by_day[d] ?? 0)} />
              <DailyBars label="New repositories" days={days} values={days.map(repos)} />
              <DailyBars label="New users" days={days} values={days.map((d) => t.users_by_day[d] ?? 0)} />
            </div>
          );
        }}
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
