import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** What holds an object key: a kind of row, and the repositories that reach the object through it. */
export interface ObjectReference {
  kind: 'git-object' | 'lfs-object' | 'xet-xorb' | 'lfs-upload' | 'avatar';
  /** `"<type>:<namespace>/<name>"`; empty when only the registry row holds it (unreferenced, awaiting GC). */
  repositories: string[];
  /** For an avatar: the user or organization whose picture it is. */
  namespace?: string;
}

/**
 * Which database rows point at object-store keys. Every table that stores a key is asked here:
 * a key none of them names is not Hangar's data (or a leftover of an interrupted write).
 */
@Injectable()
export class StorageReferencesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async find(keys: string[]): Promise<Map<string, ObjectReference[]>> {
    const out = new Map<string, ObjectReference[]>();
    if (keys.length === 0) return out;
    const rows: { key: string; kind: ObjectReference['kind']; repo: string | null; namespace: string | null }[] = await this.db.query(
      `WITH refs(key, kind, repo_id, namespace) AS (
         SELECT storage_key, 'git-object', repo_id, NULL::text FROM git_objects WHERE storage_key = ANY($1)
         UNION ALL
         SELECT l.storage_key, 'lfs-object', rl.repo_id, NULL FROM lfs_objects l LEFT JOIN repo_lfs_objects rl ON rl.oid = l.oid WHERE l.storage_key = ANY($1)
         UNION ALL
         SELECT x.storage_key, 'xet-xorb', rx.repo_id, NULL FROM xet_xorbs x LEFT JOIN repo_xet_xorbs rx ON rx.xorb_hash = x.hash WHERE x.storage_key = ANY($1)
         UNION ALL
         SELECT staging_key, 'lfs-upload', repo_id, NULL FROM lfs_uploads WHERE staging_key = ANY($1)
         UNION ALL
         -- avatars/<namespace id>/<sha256>.jpg: the namespace's current upload (see avatarStoreKey)
         SELECT k.key, 'avatar', NULL, n.name FROM unnest($1::text[]) AS k(key)
           JOIN namespaces n ON n.id = substring(k.key FROM '^avatars/([0-9]{1,18})/')::bigint
          WHERE k.key = 'avatars/' || n.id || '/' || n.avatar_sha256 || '.jpg'
       )
       SELECT DISTINCT refs.key, refs.kind, refs.namespace, CASE WHEN r.id IS NULL THEN NULL ELSE r.type || ':' || n.name || '/' || r.name END AS repo
         FROM refs LEFT JOIN repositories r ON r.id = refs.repo_id LEFT JOIN namespaces n ON n.id = r.namespace_id
        ORDER BY 1, 2, 3`,
      [keys],
    );
    for (const row of rows) {
      const list = out.get(row.key) ?? [];
      let ref = list.find((r) => r.kind === row.kind);
      if (!ref) list.push((ref = { kind: row.kind, repositories: [], ...(row.namespace ? { namespace: row.namespace } : {}) }));
      if (row.repo) ref.repositories.push(row.repo);
      out.set(row.key, list);
    }
    return out;
  }
}
