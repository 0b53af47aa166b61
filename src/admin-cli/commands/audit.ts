import type { Command } from 'commander';
import { int, run } from '../context';

/** The audit log: `hangar-admin audit list`. */
export function registerAudit(program: Command): void {
  program
    .command('audit')
    .description('the audit log of admin actions')
    .command('list')
    .description('admin actions, newest first')
    .option('--action <action>', 'e.g. user.delete')
    .option('--actor <actor>', 'e.g. admin:<fingerprint>')
    .option('--target <target>', 'e.g. user:alice')
    .option('--result <success|failure>', 'outcome')
    .option('--since <iso-date>', 'from this time')
    .option('--until <iso-date>', 'before this time')
    .option('--limit <n>', 'page size', int)
    .option('--offset <n>', 'skip this many', int)
    .action(
      run(async ({ client, out }, o: { action?: string; actor?: string; target?: string; result?: string; since?: string; until?: string; limit?: number; offset?: number }) => {
        const res = await client.get<{ entries: Record<string, unknown>[] }>('/admin/api/audit', { ...o });
        out.table(res.entries, ['id', 'created_at', 'actor', 'action', 'target', 'result', 'status'], res);
      }),
    );
}
