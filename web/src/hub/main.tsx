import { mount } from '../lib/mount';
import '../styles.css';
import { navigate, useLocation } from '../lib/router';
import { HomePage } from './pages/home';
import { LoginPage, SignupPage } from './pages/auth';
import { SettingsPage } from './pages/settings';
import { NamespacePage } from './pages/profile';
import { InvitePage } from './pages/invite';
import { RepoPage } from './pages/repo';
import type { RepoKind } from './repo-api';
import { signOut, useMe } from './session';

const KINDS: Record<string, RepoKind> = { models: 'models', datasets: 'datasets', spaces: 'spaces' };

function Page() {
  const { segments } = useLocation();
  const [first = ''] = segments;
  if (segments.length === 0) return <HomePage kind="models" />;
  if (segments.length === 1 && KINDS[first]) return <HomePage kind={KINDS[first]} />;
  if (first === 'login') return <LoginPage />;
  if (first === 'signup' || first === 'register') return <SignupPage />;
  if (first === 'invite' && segments.length === 2) return <InvitePage token={segments[1]} />;
  if (first === 'settings') return <SettingsPage tab={segments[1] ?? 'profile'} />;
  if (segments.length === 1) return <NamespacePage name={first} />;
  // `/{ns}/{repo}` is a model (as on the Hub); `/models/{ns}/{repo}` is accepted too.
  const kind = KINDS[first] ?? 'models';
  const rest = KINDS[first] ? segments.slice(1) : segments;
  if (rest.length >= 2) return <RepoPage repo={{ kind, namespace: rest[0], name: rest[1] }} view={rest.slice(2)} />;
  return <p class="error">No such page.</p>;
}

function Header() {
  const me = useMe();
  return (
    <header class="topbar">
      <a class="brand" href="/">
        Hangar
      </a>
      <nav aria-label="Browse">
        <a href="/models">Models</a>
        <a href="/datasets">Datasets</a>
        <a href="/spaces">Spaces</a>
      </nav>
      {me ? (
        <>
          <a href="/settings/tokens" class="user">
            {me.username}
          </a>
          <button type="button" class="link" onClick={() => void signOut().then(() => navigate('/'))}>
            Log out
          </button>
        </>
      ) : (
        me === null && (
          <>
            <a href="/login">Log in</a>
            <a href="/signup">Sign up</a>
          </>
        )
      )}
    </header>
  );
}

function App() {
  return (
    <div class="layout">
      <Header />
      <main>
        <Page />
      </main>
    </div>
  );
}

mount(App);
