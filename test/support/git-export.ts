import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inflateSync } from 'node:zlib';
import type { Client } from 'pg';
import type { ObjectStore } from '../../src/core/storage/object-store';
import { isRawKey } from '../../src/git/engine/object-database';

const TYPES = ['', 'commit', 'tree', 'blob', 'tag'];
const GIT_ENV = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };

/**
 * Writes every git object and ref Hangar stored for a repository into a fresh bare repository
 * with `git hash-object -w`, asserting git computes the same id for each; returns its path.
 */
export async function exportToBareRepo(db: Client, store: ObjectStore, repoId: number): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hangar-export-'));
  execFileSync('git', ['init', '-q', '--bare', dir], { env: GIT_ENV });
  const objects = await db.query(`SELECT oid, type, body, storage_key FROM git_objects WHERE repo_id = $1`, [repoId]);
  for (const o of objects.rows) {
    let stored: Buffer = o.body;
    if (!stored) {
      const chunks: Buffer[] = [];
      for await (const c of (await store.get(o.storage_key)).body) chunks.push(c as Buffer);
      stored = Buffer.concat(chunks);
    }
    // Large incompressible blobs are stored as they are (ObjectDatabase's raw keys), the rest deflated.
    const body = o.storage_key && isRawKey(o.storage_key) ? stored : inflateSync(stored);
    const oid = execFileSync('git', ['hash-object', '-w', '-t', TYPES[o.type], '--stdin'], { cwd: dir, input: body, env: GIT_ENV })
      .toString()
      .trim();
    if (oid !== o.oid) throw new Error(`git computes ${oid} for the ${TYPES[o.type]} Hangar stored as ${o.oid}`);
  }
  const refs = await db.query(`SELECT name, oid FROM git_refs WHERE repo_id = $1`, [repoId]);
  for (const r of refs.rows) execFileSync('git', ['update-ref', r.name, r.oid], { cwd: dir, env: GIT_ENV });
  execFileSync('git', ['symbolic-ref', 'HEAD', 'refs/heads/main'], { cwd: dir, env: GIT_ENV });
  return dir;
}

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, env: GIT_ENV }).toString();
}
