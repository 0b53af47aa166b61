import { call, hubApi } from '../../api/client';
import { ConfirmButton, ErrorBox, Show, Table, useAction, useAsync } from '../../lib/ui';
import { useMe } from '../session';
import { UserRoleForm } from './user-role-form';

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
  const add = async (username: string, role: Role) => {
    let done = false;
    await action.run(async () => {
      await call(hubApi.POST('/org/{name}/members', { params: { path }, body: { username, role } }));
      done = true;
      members.reload();
    });
    return done;
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
        <UserRoleForm class="card inline-form" label="Add member" roles={ROLES} initialRole="write" submitLabel="Add member" busy={action.busy} onSubmit={add} />
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
