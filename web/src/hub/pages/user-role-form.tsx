import { useState } from 'preact/hooks';

/**
 * A username and a role, as granting repository access and adding organization members both ask.
 * After a submit only the name is cleared: the chosen role stays for the next person.
 */
export function UserRoleForm<R extends string>({
  label,
  roles,
  initialRole,
  submitLabel,
  busy,
  class: className,
  onSubmit,
}: {
  label: string;
  roles: readonly R[];
  initialRole: R;
  submitLabel: string;
  busy: boolean;
  class?: string;
  onSubmit: (username: string, role: R) => Promise<boolean>;
}) {
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<R>(initialRole);
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    void onSubmit(username.trim(), role).then((done) => done && setUsername(''));
  };
  return (
    <form class={className ?? 'inline-form'} onSubmit={submit} aria-label={label}>
      <label>
        Username <input name="username" required maxLength={96} value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
      </label>
      <label>
        Role
        <select name="role" value={role} onChange={(e) => setRole(e.currentTarget.value as R)}>
          {roles.map((r) => (
            <option value={r}>{r}</option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={busy}>
        {submitLabel}
      </button>
    </form>
  );
}
