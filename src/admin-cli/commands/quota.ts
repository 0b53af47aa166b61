import type { Command } from 'commander';
import { addSetQuota, run } from '../context';
import { p } from '../http-client';

/** Storage quotas: `hangar-admin quota ...`. */
export function registerQuota(program: Command): void {
  const quota = program.command('quota').description('storage quotas and usage');

  quota
    .command('overview')
    .description('users and repositories over quota, top consumers, system storage')
    .action(
      run(async ({ client, out }) => {
        const res = await client.get<Record<string, unknown> & { users_over_quota: Record<string, unknown>[]; repos_over_quota: Record<string, unknown>[]; top_consumers: Record<string, unknown>[]; system_storage: unknown }>(
          '/admin/api/quota/overview',
        );
        if (out.json) return out.raw(res);
        out.line('Users over quota:');
        out.table(res.users_over_quota);
        out.line('Repositories over quota:');
        out.table(res.repos_over_quota);
        out.line('Top consumers:');
        out.table(res.top_consumers);
        out.line('System storage:');
        out.record(res.system_storage);
      }),
    );

  quota
    .command('get <namespace>')
    .description("a user's or organization's quota and usage")
    .action(run(async ({ client, out }, ns: string) => out.record(await client.get(p`/admin/api/quota/${ns}`))));

  addSetQuota(quota, 'set <namespace>', "set a user's or organization's quotas", (ns) => p`/admin/api/quota/${ns}`);

  quota
    .command('recalculate <namespace>')
    .description("recount a namespace's storage usage")
    .action(run(async ({ client, out }, ns: string) => out.record(await client.post(p`/admin/api/quota/${ns}/recalculate`))));
}
