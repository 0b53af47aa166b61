import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client, type FieldDef } from 'pg';
import { DataSource } from 'typeorm';
import { BadRequestError } from '../../core/errors/domain-error';
import { ConsoleRole, ConsoleUnavailableError } from './console-role';
import { assertSingleSelect } from './single-select';

export const CONSOLE_MAX_ROWS = 1000;
export const CONSOLE_TIMEOUT_MS = 10_000;

export interface ConsoleColumn {
  name: string;
  type: string;
  nullable: boolean;
  unique: boolean;
  /** The console role may select it (false for secret columns). */
  readable: boolean;
}

export interface ConsoleTable {
  name: string;
  columns: ConsoleColumn[];
}

export interface ConsoleResult {
  columns: string[];
  rows: Record<string, unknown>[];
  truncated: boolean;
}

/** Queries the console runs for the asking: each reads only what the console role may read. */
export const QUERY_TEMPLATES = [
  { name: 'List users', sql: 'SELECT u.id, n.name AS username, u.email, u.role, u.is_active, u.created_at FROM users u JOIN namespaces n ON n.id = u.id ORDER BY u.id LIMIT 100', description: 'The first 100 accounts' },
  { name: 'Count repositories by type', sql: 'SELECT type, count(*) AS count FROM repositories GROUP BY type ORDER BY type', description: 'Repository type distribution' },
  { name: 'Largest repositories', sql: "SELECT r.type, n.name || '/' || r.name AS repo, r.used_bytes, r.private FROM repositories r JOIN namespaces n ON n.id = r.namespace_id ORDER BY r.used_bytes DESC LIMIT 20", description: 'By bytes charged to their quota' },
  { name: 'Recent commits', sql: 'SELECT c.committed_at, c.author_name, c.title, c.oid FROM git_commits c ORDER BY c.id DESC LIMIT 50', description: 'The last 50 commits stored, any repository' },
  { name: 'Recent admin actions', sql: 'SELECT created_at, actor, action, target, result, status FROM audit_log ORDER BY id DESC LIMIT 50', description: 'The audit log, newest first' },
  { name: 'Largest LFS objects', sql: 'SELECT oid, size, created_at FROM lfs_objects ORDER BY size DESC LIMIT 20', description: 'Stored LFS objects by size' },
];

/**
 * The admin's read-only SQL console. Each query runs on its own connection as the console role
 * (it reads non-secret columns and nothing else, and cannot become another role), in a READ ONLY
 * transaction, through a cursor (PostgreSQL accepts only a query there), with a 10 s statement
 * timeout; at most 1,000 rows come back, and the transaction is rolled back.
 */
@Injectable()
export class DatabaseConsoleService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly role: ConsoleRole,
  ) {}

  async tables(): Promise<ConsoleTable[]> {
    const [row] = await this.db.query(`SELECT role_name AS name FROM db_console_role`);
    const rows: { table: string; column: string; type: string; nullable: boolean; unique: boolean; readable: boolean }[] = await this.db.query(
      `SELECT c.table_name AS "table", c.column_name AS "column", c.data_type AS type, c.is_nullable = 'YES' AS nullable,
              EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                       WHERE i.indrelid = ('public.' || quote_ident(c.table_name))::regclass AND i.indisunique AND i.indnkeyatts = 1 AND a.attname = c.column_name) AS unique,
              ($1::text IS NOT NULL AND has_column_privilege($1::text, ('public.' || quote_ident(c.table_name))::regclass, c.column_name, 'SELECT')) AS readable
         FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
        WHERE c.table_schema = 'public'
        ORDER BY c.table_name, c.ordinal_position`,
      [row?.name ?? null],
    );
    const tables = new Map<string, ConsoleTable>();
    for (const r of rows) {
      let t = tables.get(r.table);
      if (!t) tables.set(r.table, (t = { name: r.table, columns: [] }));
      t.columns.push({ name: r.column, type: r.type, nullable: r.nullable, unique: r.unique, readable: r.readable });
    }
    return [...tables.values()];
  }

  async query(sql: string): Promise<ConsoleResult> {
    const statement = assertSingleSelect(sql);
    const client = new Client({ connectionString: await this.role.connectionUrl(), application_name: 'hangar-db-console', statement_timeout: CONSOLE_TIMEOUT_MS + 1000 });
    client.on('error', () => undefined); // a connection the server ends is reported by the query that fails
    try {
      await client.connect();
    } catch (err) {
      throw new ConsoleUnavailableError(`cannot log in as the console role (${(err as Error).message})`);
    }
    try {
      await client.query('BEGIN TRANSACTION READ ONLY');
      await client.query(`SET LOCAL statement_timeout = ${CONSOLE_TIMEOUT_MS}`);
      await client.query(`DECLARE hangar_console NO SCROLL CURSOR FOR ${statement}`);
      const res = await client.query(`FETCH FORWARD ${CONSOLE_MAX_ROWS + 1} FROM hangar_console`);
      const columns = res.fields.map((f: FieldDef) => f.name);
      const rows = res.rows.slice(0, CONSOLE_MAX_ROWS).map((r: Record<string, unknown>) => jsonRow(r));
      return { columns, rows, truncated: res.rows.length > CONSOLE_MAX_ROWS };
    } catch (err) {
      const e = err as { message?: string; code?: string };
      // PostgreSQL's refusal (permission, read-only, timeout, syntax) is the answer; nothing ran.
      throw new BadRequestError(`Query failed: ${e.message ?? String(err)}`, 'InvalidQuery', { sqlstate: e.code ?? null });
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end().catch(() => undefined);
    }
  }
}

function jsonRow(r: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) out[k] = Buffer.isBuffer(v) ? `\\x${v.toString('hex')}` : v instanceof Date ? v.toISOString() : v;
  return out;
}
