import type { Command } from 'commander';
import { addSetQuota, type Bytes, bytesOrNone, int, optionalQuota, run } from '../context';
import { p } from '../http-client';

const USER_COLUMNS = ['username', 'email', 'role', 'email_verified', 'is_active', 'private_used_bytes', 'public_used_bytes', 'created_at'];

/** Users and their credentials: `hangar-admin users ...`. */
export function registerUsers(program: Command): void {
  const users = program.command('users').description('user accounts, their tokens and sessions');

  users
    .command('list')
    .description('list users')
    .option('--search <text>', 'substring of username or email')
    .option('--limit <n>', 'page size', int)
    .option('--offset <n>', 'skip this many', int)
    .option('--sort <column>', 'sort column')
    .option('--order <asc|desc>', 'sort order')
    .option('--include-orgs', 'organizations too')
    .action(
      run(async ({ client, out }, o: { search?: string; limit?: number; offset?: number; sort?: string; order?: string; includeOrgs?: boolean }) => {
        const res = await client.get<{ users: Record<string, unknown>[] }>('/admin/api/users', {
          search: o.search,
          limit: o.limit,
          offset: o.offset,
          sort: o.sort,
          order: o.order,
          include_orgs: o.includeOrgs,
        });
        out.table(res.users, USER_COLUMNS, res);
      }),
    );

  users
    .command('get <username>')
    .description("one user's details")
    .action(run(async ({ client, out }, username: string) => out.record(await client.get(p`/admin/api/users/${username}`))));

  users
    .command('create <username>')
    .description('create a user')
    .requiredOption('--email <email>', 'email address')
    .requiredOption('--password <password>', 'initial password')
    .option('--verified', 'mark the email as verified')
    .option('--inactive', 'create the account switched off')
    .option('--private-quota <bytes>', 'private quota (bytes or "none")', bytesOrNone)
    .option('--public-quota <bytes>', 'public quota (bytes or "none")', bytesOrNone)
    .action(
      run(async ({ client, out }, username: string, o: { email: string; password: string; verified?: boolean; inactive?: boolean; privateQuota?: Bytes; publicQuota?: Bytes }) => {
        const created = await client.post('/admin/api/users', {
          username,
          email: o.email,
          password: o.password,
          email_verified: Boolean(o.verified),
          ...(o.inactive ? { is_active: false } : {}),
          ...optionalQuota('private_quota_bytes', o.privateQuota),
          ...optionalQuota('public_quota_bytes', o.publicQuota),
        });
        out.record(created);
      }),
    );

  users
    .command('delete <username>')
    .description('delete a user (one who owns repositories needs --force, which deletes them too)')
    .option('--force', 'also delete the repositories the user owns')
    .action(
      run(async ({ client, out }, username: string, o: { force?: boolean }) => {
        const res = await client.delete<{ message: string }>(p`/admin/api/users/${username}`, { force: o.force });
        out.message(res.message, res);
      }),
    );

  users
    .command('verify-email <username>')
    .description("set a user's email-verified flag")
    .option('--unverify', 'clear the flag instead')
    .action(run(async ({ client, out }, username: string, o: { unverify?: boolean }) => out.record(await client.patch(p`/admin/api/users/${username}/email-verification`, undefined, { verified: !o.unverify }))));

  users
    .command('set-role <username> <role>')
    .description('set the account role: admin, user or viewer')
    .action(run(async ({ client, out }, username: string, role: string) => out.record(await client.patch(p`/admin/api/users/${username}`, { role }))));

  addSetQuota(users, 'set-quota <username>', "set a user's storage quotas", (username) => p`/admin/api/users/${username}/quota`);

  for (const [name, what] of [
    ['activate', 'turn an account back on'],
    ['deactivate', 'turn an account off (its tokens and sessions stop working at once)'],
  ] as const) {
    users
      .command(`${name} <username>`)
      .description(what)
      .action(run(async ({ client, out }, username: string) => out.record(await client.post(`${p`/admin/api/users/${username}`}/${name}`))));
  }

  users
    .command('credentials <username>')
    .description("a user's live sessions and API tokens (never their secrets)")
    .action(
      run(async ({ client, out }, username: string) => {
        const res = await client.get<{ sessions?: Record<string, unknown>[]; tokens?: Record<string, unknown>[] }>(p`/admin/api/users/${username}/credentials`);
        if (out.json) return out.raw(res);
        out.line('Sessions:');
        out.table(res.sessions ?? []);
        out.line('Tokens:');
        out.table(res.tokens ?? []);
      }),
    );

  users
    .command('revoke-session <username> <id>')
    .description("end one of a user's sessions")
    .action(run(async ({ client, out }, username: string, id: string) => out.record(await client.delete(p`/admin/api/users/${username}/sessions/${id}`))));

  users
    .command('revoke-token <username> <id>')
    .description("revoke one of a user's API tokens")
    .action(run(async ({ client, out }, username: string, id: string) => out.record(await client.delete(p`/admin/api/users/${username}/tokens/${id}`))));

  users
    .command('rotate-token <username>')
    .description("issue a new write token (shown once) and revoke the user's other tokens and sessions")
    .action(run(async ({ client, out }, username: string) => out.record(await client.post(p`/admin/api/users/${username}/rotate-token`))));
}
