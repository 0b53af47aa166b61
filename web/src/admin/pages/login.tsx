import { useState } from 'preact/hooks';
import { ErrorBox, useAction } from '../../lib/ui';
import { adminApi, adminToken } from '../session';
import { call } from '../../api/client';

export function LoginPage({ onSignedIn }: { onSignedIn: () => void }) {
  const [token, setToken] = useState('');
  const action = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    void action.run(async () => {
      adminToken.set(token.trim());
      try {
        await call(adminApi.GET('/admin/api/stats'));
      } catch (err) {
        adminToken.clear();
        throw err;
      }
      onSignedIn();
    });
  };
  return (
    <main class="narrow">
      <h1>Hangar admin</h1>
      <form onSubmit={submit} class="card">
        <label>
          Admin token
          <input type="password" name="token" autocomplete="off" required value={token} onInput={(e) => setToken(e.currentTarget.value)} />
        </label>
        <p class="hint">Kept in this tab only (session storage). Admin-role users signed in to the hub are let in without it.</p>
        <ErrorBox error={action.error} />
        <button type="submit" disabled={action.busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
