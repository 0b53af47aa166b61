import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The admin database console's own PostgreSQL role: it may SELECT the columns of Hangar's tables
 * that hold no secret (password hashes, token hashes, secrets, encrypted or private values are
 * left out by name), and nothing else. Hangar logs in as it for every console query (the password
 * is derived from the server secret and set at first use), so a query cannot switch back to the
 * app's role. Roles are cluster-wide: the name carries the database's, and is recorded in
 * db_console_role for the app (a database cloned from this one finds it there).
 *
 * Where the app's user may not create roles (a managed PostgreSQL), nothing is created and the
 * console answers 503 DatabaseConsoleUnavailable. Tables or columns added by later migrations
 * are not readable until a migration grants them.
 */
export class DatabaseConsoleRole1796412081379 implements MigrationInterface {
  name = 'DatabaseConsoleRole1796412081379';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE db_console_role (id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1), role_name text NOT NULL)`);
    await q.query(`
      DO $$
      DECLARE
        r text := 'hangar_console_' || substr(md5(current_database()), 1, 16);
        c record;
      BEGIN
        IF NOT (SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user) THEN
          RAISE NOTICE 'hangar: % may not create roles; the admin database console stays off', current_user;
          RETURN;
        END IF;
        BEGIN
          EXECUTE format('CREATE ROLE %I NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 4', r);
        EXCEPTION WHEN duplicate_object THEN NULL;
        END;
        EXECUTE format('ALTER ROLE %I SET default_transaction_read_only = on', r);
        EXECUTE format('ALTER ROLE %I SET statement_timeout = %L', r, '10s');
        EXECUTE format('ALTER ROLE %I SET idle_in_transaction_session_timeout = %L', r, '15s');
        EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', r);
        FOR c IN
          SELECT col.table_name, col.column_name
            FROM information_schema.columns col
            JOIN information_schema.tables tab ON tab.table_schema = col.table_schema AND tab.table_name = col.table_name
           WHERE col.table_schema = 'public' AND tab.table_type = 'BASE TABLE'
             AND col.column_name !~* '(password|secret|token|encrypt|cipher|private_key|salt)'
        LOOP
          EXECUTE format('GRANT SELECT (%I) ON public.%I TO %I', c.column_name, c.table_name, r);
        END LOOP;
        INSERT INTO db_console_role (role_name) VALUES (r);
      END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$
      DECLARE r text;
      BEGIN
        SELECT role_name INTO r FROM db_console_role;
        IF r IS NOT NULL THEN
          EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA public FROM %I', r);
          EXECUTE format('REVOKE USAGE ON SCHEMA public FROM %I', r);
        END IF;
      END
      $$`);
    await q.query(`DROP TABLE IF EXISTS db_console_role`);
  }
}
