import { mount } from '../lib/mount';
import { useState } from 'preact/hooks';
import '../styles.css';
import { call } from '../api/client';
import { useLocation } from '../lib/router';
import { Loading, useAsync } from '../lib/ui';
import { adminApi, adminToken } from './session';
import { LoginPage } from './pages/login';
import { DashboardPage } from './pages/dashboard';
import { UsersPage, UserPage } from './pages/users';
import { InvitationsPage } from './pages/invitations';
import { StoragePage } from './pages/storage';
import { EventsPage } from './pages/events';
import { AuditPage, CommitsPage, ReposPage } from './pages/records';
import { QuotasPage } from './pages/quotas';
import { FallbackPage } from './pages/fallback';
import { ConsolePage } from './pages/console';

const NAV: [string, string][] = [
  ['/admin', 'Dashboard'],
  ['/admin/users', 'Users'],
  ['/admin/repositories', 'Repositories'],
  ['/admin/commits', 'Commits'],
  ['/admin/storage', 'Storage'],
  ['/admin/quotas', 'Quotas'],
  ['/admin/invitations', 'Invitations'],
  ['/admin/fallback-sources', 'Fallback sources'],
  ['/admin/audit', 'Audit log'],
  ['/admin/events', 'Live events'],
  ['/admin/console', 'Query console'],
];

function Page({ path }: { path: string }) {
  const user = path.match(/^\/admin\/users\/([^/]+)$/);
  if (user) return <UserPage username={user[1]} />;
  switch (path.replace(/\/+$/, '')) {
    case '':
    case '/admin':
      return <DashboardPage />;
    case '/admin/users':
      return <UsersPage />;
    case '/admin/invitations':
      return <InvitationsPage />;
    case '/admin/storage':
      return <StoragePage />;
    case '/admin/events':
      return <EventsPage />;
    case '/admin/repositories':
      return <ReposPage />;
    case '/admin/commits':
      return <CommitsPage />;
    case '/admin/quotas':
      return <QuotasPage />;
    case '/admin/fallback-sources':
      return <FallbackPage />;
    case '/admin/audit':
      return <AuditPage />;
    case '/admin/console':
      return <ConsolePage />;
    default:
      return <p class="error">No such page.</p>;
  }
}

function App() {
  const { path } = useLocation();
  const [signedIn, setSignedIn] = useState(0);
  // The admin token (or an admin-role user's session) is checked against the API itself.
  const access = useAsync(() => call(adminApi.GET('/admin/api/stats')).then(() => true, () => false), [signedIn]);
  if (access.data === undefined) return <Loading />;
  if (!access.data) return <LoginPage onSignedIn={() => setSignedIn((n) => n + 1)} />;
  const signOut = () => {
    adminToken.clear();
    setSignedIn((n) => n + 1);
  };
  return (
    <div class="layout">
      <header class="topbar">
        <a class="brand" href="/admin">
          Hangar admin
        </a>
        <nav aria-label="Admin sections">
          {NAV.map(([href, label]) => (
            <a href={href} aria-current={path === href || (href !== '/admin' && path.startsWith(href)) ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <button type="button" class="link" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main>
        <Page path={path} />
      </main>
    </div>
  );
}

mount(App);
