import type { Command } from 'commander';
import { type Bytes, bytesOrNone, quota as bytes, run } from '../context';
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

  quota
    .command('set <namespace>')
    .description("set a user's or organization's quotas")
    .requiredOption('--private <bytes>', 'private quota (bytes or "none")', bytesOrNone)
    .requiredOption('--public <bytes>', 'public quota (bytes or "none")', bytesOrNone)
    .action(
      run(async ({ client, out }, ns: string, o: { private: Bytes; public: Bytes }) =>
        out.record(await client.put(p`/admin/api/quota/${ns}`, { private_quota_bytes: bytes(o.private), public_quota_bytes: bytes(o.public) })),
      ),
    );

  quota
    .command('recalculate <namespace>')
    .description("recount a namespace's storage usage")
    .action(run(async ({ client, out }, ns: string) => out.record(await client.post(p`/admin/api/quota/${ns}/recalculate`))));
}
