import { call, hubApi } from '../../api/client';
import { navigate } from '../../lib/router';
import { ErrorBox, useAction } from '../../lib/ui';
import { refreshMe } from '../session';

const field = (form: FormData, k: string) => String(form.get(k) ?? '');

export function LoginPage() {
  const action = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    void action.run(async () => {
      await call(hubApi.POST('/api/auth/login', { body: { username: field(form, 'username'), password: field(form, 'password') } }));
      await refreshMe();
      navigate('/');
    });
  };
  return (
    <div class="narrow-box">
      <h1>Log in</h1>
      <form class="card" onSubmit={submit} aria-label="Log in">
        <label>
          Username or email <input name="username" autocomplete="username" required />
        </label>
        <label>
          Password <input name="password" type="password" autocomplete="current-password" required />
        </label>
        <ErrorBox error={action.error} />
        <div class="actions">
          <button type="submit" disabled={action.busy}>
            Log in
          </button>
          <a href="/signup">Create an account</a>
        </div>
      </form>
    </div>
  );
}

export function SignupPage() {
  const action = useAction();
  const invitation = new URLSearchParams(location.search).get('invitation') ?? undefined;
  const submit = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const username = field(form, 'username');
    const password = field(form, 'password');
    void action.run(async () => {
      await call(hubApi.POST('/api/auth/register', { body: { username, email: field(form, 'email'), password, invitation_token: invitation } }));
      await call(hubApi.POST('/api/auth/login', { body: { username, password } }));
      await refreshMe();
      navigate('/settings/tokens');
    });
  };
  return (
    <div class="narrow-box">
      <h1>Sign up</h1>
      <form class="card" onSubmit={submit} aria-label="Sign up">
        {invitation && <p class="hint">You were invited: this invitation comes with your account.</p>}
        <label>
          Username <input name="username" autocomplete="username" required />
        </label>
        <label>
          Email <input name="email" type="email" autocomplete="email" required />
        </label>
        <label>
          Password <input name="password" type="password" autocomplete="new-password" minLength={8} required />
        </label>
        <ErrorBox error={action.error} />
        <div class="actions">
          <button type="submit" disabled={action.busy}>
            Create account
          </button>
          <a href="/login">I have an account</a>
        </div>
      </form>
    </div>
  );
}
