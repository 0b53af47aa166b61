import type { Command } from 'commander';
import { int, run } from '../context';
import { p } from '../http-client';

/** Registration invitations: `hangar-admin invitations ...`. */
export function registerInvitations(program: Command): void {
  const inv = program.command('invitations').description('registration and organization invitations');

  inv
    .command('create')
    .description('create a registration invitation (optionally joining an organization)')
    .option('--org-id <id>', 'organization to join', int)
    .option('--org-name <name>', 'organization to join, by name')
    .option('--role <role>', 'role in that organization')
    .option('--max-usage <n>', 'uses allowed (-1: unlimited; default one)', int)
    .option('--expires-days <n>', 'days until it expires', int)
    .action(
      run(async ({ client, out }, o: { orgId?: number; orgName?: string; role?: string; maxUsage?: number; expiresDays?: number }) => {
        const res = await client.post('/admin/api/invitations/register', {
          ...(o.orgId !== undefined ? { org_id: o.orgId } : {}),
          ...(o.orgName !== undefined ? { org_name: o.orgName } : {}),
          ...(o.role !== undefined ? { role: o.role } : {}),
          ...(o.maxUsage !== undefined ? { max_usage: o.maxUsage } : {}),
          ...(o.expiresDays !== undefined ? { expires_days: o.expiresDays } : {}),
        });
        out.record(res);
      }),
    );

  inv
    .command('list')
    .description('list live invitations')
    .option('--action <action>', 'join_org or register_account')
    .option('--limit <n>', 'page size', int)
    .option('--offset <n>', 'skip this many', int)
    .action(
      run(async ({ client, out }, o: { action?: string; limit?: number; offset?: number }) => {
        const res = await client.get<{ invitations: Record<string, unknown>[] }>('/admin/api/invitations', { action: o.action, limit: o.limit, offset: o.offset });
        out.table(res.invitations, ['id', 'token_prefix', 'action', 'org_name', 'role', 'usage_count', 'max_usage', 'is_available', 'expires_at', 'creator_username'], res);
      }),
    );

  inv
    .command('delete <token>')
    .description('delete an invitation, by token or id')
    .action(
      run(async ({ client, out }, token: string) => {
        const res = await client.delete<{ message: string }>(p`/admin/api/invitations/${token}`);
        out.message(res.message, res);
      }),
    );
}
