import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * @nestjs/swagger names a schema after its class: two DTO classes of one name become one schema in
 * the OpenAPI document, and one of the two routes is documented with the other's shape (it only
 * logs a warning). So every DTO class name names one class.
 */
describe('DTO class names', () => {
  it('are unique across src/', () => {
    const where = new Map<string, string[]>();
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) walk(full);
        else if (e.name.endsWith('.ts')) {
          for (const m of readFileSync(full, 'utf8').matchAll(/^(?:export )?(?:abstract )?class (\w+Dto)\b/gm)) {
            where.set(m[1], [...(where.get(m[1]) ?? []), path.relative(process.cwd(), full)]);
          }
        }
      }
    };
    walk(path.join(__dirname, '..', '..', 'src'));
    expect(where.size).toBeGreaterThan(100);
    expect([...where.entries()].filter(([, files]) => files.length > 1)).toEqual([]);
  });
});
