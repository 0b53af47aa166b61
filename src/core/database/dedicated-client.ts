import { Client } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * A connection of its own, outside the app's pool, to the app's database: for what holds a
 * connection for long (LISTEN, a session advisory lock around a job) and so must never take one
 * of the pool's, which requests need. The caller connects it and ends it.
 */
export function dedicatedClient(db: DataSource, applicationName: string): Client {
  const url = (db.options as { url?: string }).url;
  if (!url) throw new Error('the DataSource has no URL to open a dedicated connection with');
  return new Client({ connectionString: url, application_name: applicationName });
}
