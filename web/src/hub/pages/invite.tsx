import { useState } from 'preact/hooks';
import { call, hubApi } from '../../api/client';
import { formatDate } from '../../lib/format';
import { ErrorBox, Show, useAction, useAsync } from '../../lib/ui';
import { useMe } from '../session';

/** `/invite/{token}`: what an organization invitation offers; signed-in users accept it here. */
export function InvitePage({ token }: { token: string }) {
  const me = useMe();
  const details = useAsync(() => call(hubApi.GET('/api/invitations/{token}', { params: { path: { token } } })), [token]);
  const action = useAction();
  const [accepted, setAccepted] = useState<string | null>(null);
  const accept = () =>
    action.run(async () => {
      const res = await call(hubApi.POST('/api/invitations/{token}/accept', { params: { path: { token } } }));
      setAccepted(res.org_name);
    });
  return (
    <div class="narrow-box">
      <h1>Invitation</h1>
      <Show state={details}>
        {(d) => (
          <div class="card">
            <p>
              {d.inviter ? `${d.inviter} invites you` : 'You are invited'}
              {d.org_name ? ` to join ${d.org_name} as ${d.role}` : ' to create an account'}.
            </p>
            <p class="hint">Valid until {formatDate(d.expires_at)}</p>
            {!d.is_available ? (
              <p class="error">This invitation can no longer be used{d.unavailable_reason ? ` (${d.unavailable_reason})` : ''}.</p>
            ) : accepted ? (
              <p class="ok">
                You joined <a href={`/${encodeURIComponent(accepted)}`}>{accepted}</a>.
              </p>
            ) : me ? (
              <button type="button" disabled={action.busy} onClick={() => void accept()}>
                Accept as {me.username}
              </button>
            ) : (
              <p>
                <a href={`/login`}>Log in</a> to accept, or <a href={`/signup?invitation=${encodeURIComponent(token)}`}>create an account</a> with it.
              </p>
            )}
            <ErrorBox error={action.error} />
          </div>
        )}
      </Show>
    </div>
  );
}
