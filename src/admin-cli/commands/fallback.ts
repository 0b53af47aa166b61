import type { Command } from 'commander';
import { int, list, run } from '../context';
import { p } from '../http-client';

const COLUMNS = ['id', 'name', 'source_type', 'url', 'namespace', 'priority', 'enabled', 'token', 'allow_patterns', 'deny_patterns'];

interface SourceFlags {
  sourceUrl?: string;
  name?: string;
  type?: string;
  namespace?: string;
  sourceToken?: string;
  clearToken?: boolean;
  priority?: number;
  enabled?: boolean;
  allow?: string[];
  deny?: string[];
}

/** The request body of add/update: only the flags given. */
function body(o: SourceFlags): Record<string, unknown> {
  const b: Record<string, unknown> = {};
  if (o.sourceUrl !== undefined) b.url = o.sourceUrl;
  if (o.name !== undefined) b.name = o.name;
  if (o.type !== undefined) b.source_type = o.type;
  if (o.namespace !== undefined) b.namespace = o.namespace;
  if (o.sourceToken !== undefined) b.token = o.sourceToken;
  if (o.clearToken) b.token = null;
  if (o.priority !== undefined) b.priority = o.priority;
  if (o.enabled !== undefined) b.enabled = o.enabled;
  if (o.allow !== undefined) b.allow_patterns = o.allow;
  if (o.deny !== undefined) b.deny_patterns = o.deny;
  return b;
}

/**
 * The flags add and update share. The source's URL and token have their own names
 * (--source-url, --source-token): --url and --token are the CLI's own (which Hangar, which admin).
 */
function sourceOptions(cmd: Command): Command {
  return cmd
    .option('--namespace <ns>', 'serve only this namespace ("" = global)')
    .option('--source-token <token>', 'token for the upstream (stored encrypted, shown masked)')
    .option('--priority <n>', 'higher is asked first', int)
    .option('--allow <patterns>', 'only repositories matching (e.g. meta-llama/*; repeat or comma-separate)', list)
    .option('--deny <patterns>', 'never repositories matching', list)
    .option('--enable', 'enable it')
    .option('--disable', 'disable it');
}

function flags(o: SourceFlags & { enable?: boolean; disable?: boolean }): SourceFlags {
  return { ...o, enabled: o.disable ? false : o.enable ? true : undefined };
}

/** Upstream hubs: `hangar-admin fallback ...`. */
export function registerFallback(program: Command): void {
  const fb = program.command('fallback').description('fallback sources (upstream hubs)');

  fb.command('list')
    .description('list sources, highest priority first')
    .option('--namespace <ns>', 'only this namespace ("" = global)')
    .option('--enabled <bool>', 'only enabled (true) or disabled (false)')
    .action(
      run(async ({ client, out }, o: { namespace?: string; enabled?: string }) => {
        const res = await client.get<Record<string, unknown>[]>('/admin/api/fallback-sources', { namespace: o.namespace, enabled: o.enabled });
        out.table(res, COLUMNS);
      }),
    );

  fb.command('get <id>')
    .description('one source')
    .action(run(async ({ client, out }, id: string) => out.record(await client.get(p`/admin/api/fallback-sources/${id}`))));

  sourceOptions(fb.command('add <name> <source-url>').description('add a source')).requiredOption('--type <type>', 'huggingface, hangar or kohakuhub').action(
    run(async ({ client, out }, name: string, sourceUrl: string, o: SourceFlags & { enable?: boolean; disable?: boolean }) =>
      out.record(await client.post('/admin/api/fallback-sources', body({ ...flags(o), name, sourceUrl }))),
    ),
  );

  sourceOptions(fb.command('update <id>').description('change a source (only the flags given)'))
    .option('--name <name>', 'display name')
    .option('--source-url <url>', 'base URL of the upstream hub')
    .option('--type <type>', 'huggingface, hangar or kohakuhub')
    .option('--clear-token', 'remove its token')
    .action(run(async ({ client, out }, id: string, o: SourceFlags & { enable?: boolean; disable?: boolean }) => out.record(await client.put(p`/admin/api/fallback-sources/${id}`, body(flags(o))))));

  fb.command('delete <id>')
    .description('delete a source')
    .action(
      run(async ({ client, out }, id: string) => {
        const res = await client.delete<{ message: string }>(p`/admin/api/fallback-sources/${id}`);
        out.message(res.message, res);
      }),
    );

  fb.command('cache-stats')
    .description('fallback cache figures')
    .action(run(async ({ client, out }) => out.record(await client.get('/admin/api/fallback-sources/cache/stats'))));

  fb.command('cache-clear')
    .description('clear the fallback cache')
    .action(
      run(async ({ client, out }) => {
        const res = await client.delete<{ message: string }>('/admin/api/fallback-sources/cache/clear');
        out.message(res.message, res);
      }),
    );

  fb.command('available')
    .description('the public list of enabled global sources')
    .action(run(async ({ client, out }) => out.table(await client.getPublic<Record<string, unknown>[]>('/api/fallback-sources/available'))));
}
