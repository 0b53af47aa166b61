import { call, hubApi } from '../../api/client';
import { ConfirmButton, ErrorBox, Show, Table, useAction, useAsync } from '../../lib/ui';
import { useMe } from '../session';

const ROLES = ['read', 'contributor', 'write', 'admin', 'super-admin'] as const;
type Role = (typeof ROLES)[number];

/** An organization's members; its admins add people with a role, change roles and remove members (the API decides). */
export function OrgMembers({ org }: { org: string }) {
  const me = useMe();
  const path = { name: org };
  const members = useAsync(() => call(hubApi.GET('/org/{name}/members', { params: { path } })), [org]);
  const action = useAction();
  const mine = members.data?.members.find((m) => m.user === me?.username)?.role as string | undefined;
  const manages = mine === 'admin' || mine === 'super-admin';
  const add = (e: SubmitEvent) => {
    e.preventDefault();
    const formEl = e.currentTarget as HTMLFormElement;
    const form = new FormData(formEl);
    void action.run(async () => {
      await call(hubApi.POST('/org/{name}/members', { params: { path }, body: { username: String(form.get('username')).trim(), role: String(form.get('role')) as Role } }));
      // Keep the chosen role for the next person; clear only the name.
      (formEl.elements.namedItem('username') as HTMLInputElement).value = '';
      members.reload();
    });
  };
  const setRole = (username: string, role: Role) =>
    action.run(async () => {
      await call(hubApi.PUT('/org/{name}/members/{username}', { params: { path: { ...path, username } }, body: { role } }));
      members.reload();
    });
  const remove = (username: string) =>
    action.run(async () => {
      await call(hubApi.DELETE('/org/{name}/members/{username}', { params: { path: { ...path, username } } }));
      members.reload();
    });
  return (
    <section aria-label="Members">
      <h2>Members</h2>
      {manages && (
        <form class="card inline-form" onSubmit={add} aria-label="Add member">
          <label>
            Username <input name="username" required maxLength={96} />
          </label>
          <label>
            Role
            <select name="role">
              {ROLES.map((r) => (
                <option value={r} selected={r === 'write'}>
                  {r}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={action.busy}>
            Add member
          </button>
        </form>
      )}
      <ErrorBox error={action.error} />
      <Show state={members}>
        {(m) => (
          <Table
            label="Members"
            head={manages ? ['Member', 'Role', ''] : ['Member', 'Role']}
            rows={m.members}
            row={(x) => (
              <>
                <td>
                  <a href={`/${encodeURIComponent(x.user)}`}>{x.user}</a>
                </td>
                <td>
                  {manages ? (
                    <select aria-label={`Role of ${x.user}`} value={x.role} disabled={action.busy} onChange={(e) => void setRole(x.user, e.currentTarget.value as Role)}>
                      {ROLES.map((r) => (
                        <option value={r}>{r}</option>
                      ))}
                    </select>
                  ) : (
                    x.role
                  )}
                </td>
                {manages && (
                  <td>
                    <ConfirmButton label="Remove" confirmLabel={`Remove ${x.user}`} disabled={action.busy} onConfirm={() => void remove(x.user)} />
                  </td>
                )}
              </>
            )}
          />
        )}
      </Show>
    </section>
  );
}
