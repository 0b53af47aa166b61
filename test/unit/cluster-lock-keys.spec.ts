import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Every scheduled job (and the migration) takes a PostgreSQL advisory lock by a number of its
 * own. Two jobs on one number skip each other's runs whenever they overlap on different nodes,
 * silently: the webhook activity retention once shared the rate-limit cleanup's number.
 */
describe('advisory lock keys', () => {
  it('are distinct across the source tree', () => {
    const keys = new Map<string, string[]>();
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.ts')) {
          for (const m of readFileSync(p, 'utf8').matchAll(/^const (\w+_LOCK(?:_KEY)?) = (\d+);/gm)) {
            keys.set(m[2], [...(keys.get(m[2]) ?? []), `${path.relative(process.cwd(), p)}: ${m[1]}`]);
          }
        }
      }
    };
    walk(path.resolve(__dirname, '../../src'));
    expect(keys.size).toBeGreaterThan(10);
    expect([...keys.values()].filter((users) => users.length > 1)).toEqual([]);
  });
});
