import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { StartupError } from '../startup-error';

type Log = (message: string) => void;

/**
 * A hard-killed Hangar (SIGKILL, the OOM killer, a supervisor that signals only the node
 * process) leaves its embedded postmaster running: PostgreSQL's children do not die with their
 * parent. The next start would then fail on `lock file "postmaster.pid" already exists`, forever.
 * This finds such an orphan and shuts it down (fast shutdown: committed data is kept), so that
 * Hangar starts its own. It is recognised by its `postmaster.pid` in our data directory, a live
 * process that is a `postgres -D <that directory>`, and a parent that is not a Node process (an
 * orphan is adopted by init or a subreaper). A postmaster whose parent is still a Node process
 * belongs to another running Hangar on the same data directory: that is refused, untouched.
 * Linux only (it reads /proc); elsewhere PostgreSQL's own lock-file error stands.
 */
export async function stopStalePostmaster(databaseDir: string, log: Log): Promise<void> {
  const pidFile = await readFile(path.join(databaseDir, 'postmaster.pid'), 'utf8').catch(() => null);
  if (pidFile === null) return;
  const pid = Number(pidFile.split('\n')[0]);
  if (!Number.isSafeInteger(pid) || pid <= 0 || !isAlive(pid)) return; // PostgreSQL removes a dead one's file itself
  const argv = await cmdline(pid);
  if (argv === null) return; // no /proc: not Linux
  if (!isPostmasterOf(argv, databaseDir)) {
    throw new StartupError(
      `${path.join(databaseDir, 'postmaster.pid')} names process ${pid}, which is not the embedded PostgreSQL of this data directory. ` +
        'If no PostgreSQL uses this directory, delete that file and start again.',
    );
  }
  const parent = await parentPid(pid);
  const parentArgv = parent === null ? null : await cmdline(parent);
  if (parentArgv !== null && path.basename(parentArgv[0] ?? '').startsWith('node')) {
    throw new StartupError(
      `Another Hangar (process ${parent}) is running on the data directory ${path.dirname(databaseDir)}. ` +
        'Stop it first, or give this one its own HANGAR_DATA_DIR and HANGAR_EMBEDDED_PG_PORT.',
    );
  }
  log(`stopping the embedded PostgreSQL (process ${pid}) left running by a Hangar that did not shut down`);
  await stop(pid);
}

function isPostmasterOf(argv: string[], databaseDir: string): boolean {
  const d = argv.indexOf('-D');
  return path.basename(argv[0] ?? '') === 'postgres' && d >= 0 && path.resolve(argv[d + 1] ?? '') === path.resolve(databaseDir);
}

/** Fast shutdown (SIGINT), then immediate shutdown (SIGQUIT: crash recovery at the next start) if it lingers. */
async function stop(pid: number): Promise<void> {
  for (const [signal, waitMs] of [['SIGINT', 60_000], ['SIGQUIT', 30_000]] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return; // already gone
    }
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline) {
      if (!isAlive(pid)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new StartupError(`The embedded PostgreSQL left by an earlier Hangar (process ${pid}) does not stop; stop it by hand.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function cmdline(pid: number): Promise<string[] | null> {
  const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null);
  return raw === null ? null : raw.split('\0').filter((x, i, all) => x !== '' || i < all.length - 1);
}

async function parentPid(pid: number): Promise<number | null> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
  const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ppid = Number(fields?.[1]);
  return Number.isSafeInteger(ppid) && ppid > 0 ? ppid : null;
}
