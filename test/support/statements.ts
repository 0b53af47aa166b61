import type { QueryRunner } from 'typeorm';
import { DataSource } from 'typeorm';
import type { TestApp } from './test-app';

/** A statement the app sent, with the query runner (connection, transaction) that sent it. */
export interface SeenStatement {
  runner: QueryRunner | undefined;
  /** Whitespace collapsed. */
  sql: string;
}

/**
 * Records every statement the app sends from now on, observed through TypeORM's logger (which
 * every statement passes): `seen` fills in order, `reset()` empties it.
 */
export function observeStatements(t: TestApp): { seen: SeenStatement[]; reset(): void } {
  const seen: SeenStatement[] = [];
  const logger = t.app.get(DataSource).logger;
  const logQuery = logger.logQuery.bind(logger);
  logger.logQuery = (sql, params, runner) => {
    seen.push({ runner, sql: sql.replace(/\s+/g, ' ') });
    return logQuery(sql, params, runner);
  };
  return { seen, reset: () => void seen.splice(0) };
}
