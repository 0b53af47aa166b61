import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The real `git` command line against a test app. Always asynchronous: the server under test
 * runs in the same process, so a synchronous child would block it.
 */

/** No user or system config, never a credential prompt, a fixed identity. */
export const GIT_CLI_ENV: Record<string, string> = {
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_TERMINAL_PROMPT: '0',
  GIT_ASKPASS: '',
  SSH_ASKPASS: '',
  GIT_AUTHOR_NAME: 'Git Tester',
  GIT_AUTHOR_EMAIL: 'git-tester@example.com',
  GIT_COMMITTER_NAME: 'Git Tester',
  GIT_COMMITTER_EMAIL: 'git-tester@example.com',
  LC_ALL: 'C',
};

export interface GitRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs git; never throws on a non-zero exit (see `git` for that). */
export function runGit(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; input?: Buffer | string; signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<GitRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: opts.cwd,
      // Aborted or timed out: git is killed and the run ends with its signal's exit code (-1).
      signal: opts.signal,
      timeout: opts.timeoutMs,
      killSignal: 'SIGKILL',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: os.tmpdir(), ...GIT_CLI_ENV, ...opts.env },
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    child.stderr!.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e) => (e.name === 'AbortError' ? undefined : reject(e)));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
    if (child.stdin) {
      child.stdin.on('error', () => undefined); // git may exit without reading all of it
      child.stdin.end(opts.input);
    }
  });
}

/** Runs git in `cwd` and returns its stdout; throws with stderr when it fails. */
export async function git(cwd: string, ...args: string[]): Promise<string> {
  const r = await runGit(args, { cwd });
  if (r.code !== 0) throw new Error(`git ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return r.stdout;
}

/** `http://user:token@127.0.0.1:port/<repoPath>`, or without credentials when `token` is null. */
export function gitUrl(baseUrl: string, repoPath: string, cred: { user: string; token: string } | null = null): string {
  const u = new URL(baseUrl);
  if (cred) {
    u.username = encodeURIComponent(cred.user);
    u.password = encodeURIComponent(cred.token);
  }
  return `${u.toString().replace(/\/$/, '')}/${repoPath.replace(/^\//, '')}`;
}

/** A scratch directory, removed by `cleanup()`. */
export function scratchDirs(prefix = 'hangar-git-') {
  const dirs: string[] = [];
  return {
    make(): string {
      const d = mkdtempSync(path.join(os.tmpdir(), prefix));
      dirs.push(d);
      return d;
    },
    cleanup(): void {
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
}
