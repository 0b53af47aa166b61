#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { registerAudit } from './commands/audit';
import { registerCommits } from './commands/commits';
import { registerDatabase } from './commands/database';
import { registerEvents } from './commands/events';
import { registerFallback } from './commands/fallback';
import { registerInvitations } from './commands/invitations';
import { registerQuota } from './commands/quota';
import { registerRepositories } from './commands/repositories';
import { registerStats } from './commands/stats';
import { registerStorage } from './commands/storage';
import { registerUsers } from './commands/users';
import { CliError, EXIT } from './exit-codes';

/**
 * `hangar-admin`: every admin operation over the admin API. Exit codes (exit-codes.ts): 0 ok,
 * 1 unexpected, 2 usage, 3 refused (HTTP 4xx), 4 Hangar failed or unreachable (5xx, network).
 */
export function buildProgram(): Command {
  const program = new Command('hangar-admin')
    .description('Administer a Hangar hub over its admin API')
    .option('--url <url>', 'Hangar base URL (default: $HANGAR_URL, else http://localhost:3000)')
    .option('--token <token>', "admin token or an admin-role user's token (default: $HANGAR_ADMIN_TOKEN)")
    .option('--json', 'print answers as JSON, for scripts')
    // Settings set before .command() are inherited by every subcommand.
    .exitOverride()
    .showHelpAfterError()
    .showSuggestionAfterError();
  registerUsers(program);
  registerQuota(program);
  registerInvitations(program);
  registerRepositories(program);
  registerCommits(program);
  registerStorage(program);
  registerStats(program);
  registerAudit(program);
  registerEvents(program);
  registerFallback(program);
  registerDatabase(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here too, with exit code 0.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof CliError) {
      process.stderr.write(`hangar-admin: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`hangar-admin: ${(err as Error)?.stack ?? String(err)}\n`);
    return EXIT.failure;
  }
}

if (require.main === module) {
  process.on('SIGINT', () => process.exit(EXIT.ok));
  // Exit once stdout has drained (a pipe): an event tail's open stream would otherwise keep the process alive.
  void main(process.argv).then((code) => process.stdout.write('', () => process.exit(code)));
}
