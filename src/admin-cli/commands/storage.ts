import type { Command } from 'commander';
import { int, run } from '../context';

/** The object store browser: `hangar-admin storage ...`. */
export function registerStorage(program: Command): void {
  const storage = program.command('storage').description('the object store: buckets, objects, deletes');

  storage
    .command('debug')
    .description('configuration and connectivity check')
    .action(run(async ({ client, out }) => out.record(await client.get('/admin/api/storage/debug'))));

  storage
    .command('buckets')
    .description('buckets with size and object count')
    .action(
      run(async ({ client, out }) => {
        const res = await client.get<{ buckets: Record<string, unknown>[] }>('/admin/api/storage/buckets');
        out.table(res.buckets, ['name', 'total_size', 'object_count', 'creation_date'], res);
      }),
    );

  storage
    .command('objects')
    .description('objects by prefix')
    .option('--bucket <name>', 'bucket (default: the configured one)')
    .option('--prefix <prefix>', 'key prefix')
    .option('--limit <n>', 'most objects to list', int)
    .action(
      run(async ({ client, out }, o: { bucket?: string; prefix?: string; limit?: number }) => {
        const path = o.bucket ? `/admin/api/storage/objects/${encodeURIComponent(o.bucket)}` : '/admin/api/storage/objects';
        const res = await client.get<{ objects: Record<string, unknown>[] }>(path, { prefix: o.prefix, limit: o.limit });
        out.table(res.objects, ['key', 'size', 'last_modified'], res);
      }),
    );

  storage
    .command('delete <key>')
    .description('delete one object (refused while a repository references it, unless --force)')
    .option('--force', 'delete even if referenced')
    .action(
      run(async ({ client, out }, key: string, o: { force?: boolean }) => {
        const res = await client.delete<{ message?: string }>(`/admin/api/storage/objects/${key.split('/').map(encodeURIComponent).join('/')}`, { force: o.force });
        out.message(res.message ?? `Deleted ${key}`, res);
      }),
    );

  storage
    .command('delete-prefix <prefix>')
    .description('delete every object under a prefix: shows the count; deletes only with --yes')
    .option('--yes', 'confirm the delete')
    .action(
      run(async ({ client, out }, prefix: string, o: { yes?: boolean }) => {
        const prepared = await client.post<{ confirm_token: string; estimated_objects: number }>('/admin/api/storage/prefix/prepare-delete', undefined, { prefix });
        if (!o.yes) return out.message(`${prepared.estimated_objects} objects under "${prefix}" would be deleted; run again with --yes to delete them`, prepared);
        const res = await client.delete<{ deleted_count: number }>('/admin/api/storage/prefix', { prefix, confirm_token: prepared.confirm_token });
        out.message(`Deleted ${res.deleted_count} objects under "${prefix}"`, res);
      }),
    );
}
