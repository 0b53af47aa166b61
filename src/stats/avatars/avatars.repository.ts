import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface StoredAvatar {
  sha256: string;
  size: number;
  updatedAt: Date;
}

/** Which uploaded avatar a namespace shows (its bytes are in the object store). */
@Injectable()
export class AvatarsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async current(namespaceId: number): Promise<StoredAvatar | null> {
    const [row] = await this.db.query(
      `SELECT avatar_sha256 AS sha256, avatar_size AS size, avatar_updated_at AS "updatedAt" FROM namespaces WHERE id = $1 AND avatar_sha256 IS NOT NULL`,
      [namespaceId],
    );
    return row ?? null;
  }

  /**
   * Points the namespace at another avatar (or none) and returns the one it replaced, in one
   * statement: of two concurrent changes each sees the other's result, so each old object is
   * named exactly once.
   */
  async swap(namespaceId: number, next: { sha256: string; size: number } | null): Promise<string | null> {
    const [rows] = (await this.db.query(
      `UPDATE namespaces n SET avatar_sha256 = $2::text, avatar_size = $3::int, avatar_updated_at = CASE WHEN $2::text IS NULL THEN NULL ELSE now() END
         FROM (SELECT id, avatar_sha256 FROM namespaces WHERE id = $1 FOR UPDATE) old
        WHERE n.id = old.id
        RETURNING old.avatar_sha256 AS previous`,
      [namespaceId, next?.sha256 ?? null, next?.size ?? null],
    )) as [{ previous: string | null }[], number];
    return rows[0]?.previous ?? null;
  }

  /** Which of these store keys are a namespace's current avatar (`avatarStoreKey`). */
  async shownKeys(keys: string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows: { key: string }[] = await this.db.query(
      `SELECT k.key FROM unnest($1::text[]) AS k(key)
         JOIN namespaces n ON n.id = substring(k.key FROM '^avatars/([0-9]{1,18})/')::bigint
        WHERE k.key = 'avatars/' || n.id || '/' || n.avatar_sha256 || '.jpg'`,
      [keys],
    );
    return new Set(rows.map((r) => r.key));
  }
}
