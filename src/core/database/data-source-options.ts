import * as path from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/** Where compiled (dist) or source (ts-jest) migrations live; never `.d.ts`. */
export const MIGRATIONS_GLOB = path.join(__dirname, '..', '..', '..', 'migrations', '*.{js,ts}');

/** One definition of the connection, shared by the app, the migrate CLI and the tests. */
export function dataSourceOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    migrations: [MIGRATIONS_GLOB],
    migrationsTableName: 'hangar_migrations',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    extra: { max: poolSize, application_name: 'hangar' },
  };
}
