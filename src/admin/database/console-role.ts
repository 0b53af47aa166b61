import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHmac } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { HangarConfig } from '../../core/config/config';
import { InjectConfig } from '../../core/config/config.module';
import { DomainError } from '../../core/errors/domain-error';

export class ConsoleUnavailableError extends DomainError {
  constructor(reason: string) {
    super(503, 'DatabaseConsoleUnavailable', `The database console is off: ${reason}`);
  }
}

/**
 * The console's PostgreSQL role (migration DatabaseConsoleRole) and how to log in as it: the
 * password is derived from the server secret, so every node computes the same one, and is set
 * by the first node that needs it (the app's user created the role, so it may).
 */
@Injectable()
export class ConsoleRole {
  private readonly logger = new Logger('DatabaseConsole');
  private ready: Promise<string> | null = null;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectConfig() private readonly config: HangarConfig,
  ) {}

  /** A connection URL for the console role; ConsoleUnavailableError when there is none. */
  connectionUrl(): Promise<string> {
    this.ready ??= this.prepare().catch((err) => {
      this.ready = null; // try again next time (e.g. a transient database error)
      throw err;
    });
    return this.ready;
  }

  private async prepare(): Promise<string> {
    const [row] = await this.db.query(`SELECT role_name AS name FROM db_console_role`);
    if (!row) {
      throw new ConsoleUnavailableError(
        "Hangar's database user may not create roles, so no console role was made; grant it CREATEROLE and re-run the migration DatabaseConsoleRole, or use psql",
      );
    }
    const password = createHmac('sha256', this.config.secret!).update(`hangar/db-console/v1/${row.name}`).digest('base64url');
    const [me] = await this.db.query(`SELECT rolsuper OR rolcreaterole AS may FROM pg_roles WHERE rolname = current_user`);
    if (me?.may) {
      const [{ sql }] = await this.db.query(`SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', $1::text, $2::text) AS sql`, [row.name, password]);
      await this.db.query(sql);
    } else {
      this.logger.warn(`cannot set the password of ${row.name}; logging in with the derived one, which an operator must have set`);
    }
    const url = new URL((this.db.options as { url: string }).url);
    url.username = encodeURIComponent(row.name);
    url.password = encodeURIComponent(password);
    return url.toString();
  }
}
