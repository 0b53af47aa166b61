import type { Command } from 'commander';
import { int, run, type Ctx } from '../context';
import { CliError, EXIT } from '../exit-codes';

interface TailOptions {
  after?: number;
  types?: string;
  follow: boolean;
  max?: number;
}

interface StreamedEvent {
  id: number;
  type: string;
  actor: string | null;
  target: string | null;
  data: Record<string, unknown>;
  created_at: string;
}

const RETRY_MS = [500, 1000, 2000, 5000];

/** The live event stream: `hangar-admin events tail`. */
export function registerEvents(program: Command): void {
  program
    .command('events')
    .description('the live event stream (every node of the cluster)')
    .command('tail')
    .description('print events as they happen (--json: one JSON object a line); reconnects and resumes after a dropped connection')
    .option('--after <id>', 'first replay the stored events after this id', int)
    .option('--types <list>', 'only these types or prefixes, comma-separated (e.g. ref.updated,user.)')
    .option('--no-follow', 'print the stored events after --after, then exit')
    .option('--max <n>', 'exit after this many events', int)
    .action(run(async (ctx, o: TailOptions) => tail(ctx, o)));
}

async function tail({ client, out }: Ctx, o: TailOptions): Promise<void> {
  let last = o.after;
  let seen = 0;
  let failures = 0;
  for (;;) {
    try {
      const res = await client.stream('/admin/api/events', { types: o.types, follow: o.follow ? undefined : false }, last === undefined ? {} : { 'Last-Event-ID': String(last) });
      failures = 0;
      for await (const e of events(res)) {
        last = e.id;
        out.line(out.json ? JSON.stringify(e) : humanLine(e));
        if (o.max !== undefined && ++seen >= o.max) return;
      }
      if (!o.follow) return;
    } catch (err) {
      // Refusals (bad token, bad input) are final; a lost connection is retried from the last id.
      if (err instanceof CliError && err.exitCode === EXIT.refused) throw err;
      if (!o.follow) throw err;
      process.stderr.write(`events: ${(err as Error).message}; reconnecting\n`);
    }
    await new Promise((r) => setTimeout(r, RETRY_MS[Math.min(failures++, RETRY_MS.length - 1)]));
  }
}

/** The events of an SSE answer, as they arrive (comment lines and `retry:` are skipped). */
async function* events(res: Response): AsyncGenerator<StreamedEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const data = block
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trimStart())
        .join('\n');
      if (data) yield JSON.parse(data) as StreamedEvent;
    }
  }
}

function humanLine(e: StreamedEvent): string {
  const details = Object.entries(e.data ?? {})
    .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return [e.created_at, `#${e.id}`, e.type, e.actor ?? '-', e.target ?? '-', details].join('  ').trimEnd();
}
