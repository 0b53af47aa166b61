import { spawnSync } from 'node:child_process';

/** git with no user or system config and fixed identities and dates, so its output is reproducible. */
export function deterministicGitEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    LANG: 'C',
    LC_ALL: 'C',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'A U Thor',
    GIT_AUTHOR_EMAIL: 'author@example.com',
    GIT_AUTHOR_DATE: '1700000000 +0000',
    GIT_COMMITTER_NAME: 'C O Mitter',
    GIT_COMMITTER_EMAIL: 'committer@example.com',
    GIT_COMMITTER_DATE: '1700000000 +0000',
  };
}

/** Runs git synchronously (unit tests only: nothing else runs in the process) and returns stdout. */
export function runGitSync(args: string[], opts: { cwd: string; home: string; input?: Buffer | string }): Buffer {
  const r = spawnSync('git', args, { cwd: opts.cwd, input: opts.input, env: deterministicGitEnv(opts.home), maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} exited ${r.status}: ${r.stderr.toString()}`);
  return r.stdout;
}
