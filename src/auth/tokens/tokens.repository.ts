import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export type TokenRole = 'read' | 'write';

export interface TokenRecord {
  id: number;
  userId: number;
  name: string;
  role: TokenRole;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
}

const COLUMNS = `id, user_id AS "userId", name, role, created_at AS "createdAt", expires_at AS "expiresAt", last_used_at AS "lastUsedAt"`;
/** A token's use is recorded at most once a minute: authentication does not write on every request. */
const TOUCH_DUE = `(last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`;

/** API tokens, stored as sha256 of the secret; the secret itself is never stored. */
@Injectable()
export class TokensRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(
    t: { userId: number; name: string; role: TokenRole; hash: Buffer; expiresAt: Date | null },
    m: EntityManager = this.db.manager,
  ): Promise<TokenRecord> {
    const [row] = await m.query(
      `INSERT INTO api_tokens (user_id, name, role, token_hash, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
      [t.userId, t.name, t.role, t.hash, t.expiresAt],
    );
    return row;
  }

  /**
   * The token with this hash, expired or not (the caller tells an expired one apart), or null.
   * `touchDue`: its last use is older than `touch` records (by the database's clock), so the
   * caller writes it only then.
   */
  async findByHash(hash: Buffer): Promise<(TokenRecord & { expired: boolean; touchDue: boolean }) | null> {
    const rows = await this.db.query(
      `SELECT ${COLUMNS}, (expires_at IS NOT NULL AND expires_at <= now()) AS expired, ${TOUCH_DUE} AS "touchDue" FROM api_tokens WHERE token_hash = $1`,
      [hash],
    );
    return rows[0] ?? null;
  }

  /** The user's token `id` when it still works (not revoked, rotated away or expired), else null. */
  async findLive(id: number, userId: number): Promise<TokenRecord | null> {
    const rows = await this.db.query(
      `SELECT ${COLUMNS} FROM api_tokens WHERE id = $1 AND user_id = $2 AND (expires_at IS NULL OR expires_at > now())`,
      [id, userId],
    );
    return rows[0] ?? null;
  }

  listForUser(userId: number): Promise<TokenRecord[]> {
    return this.db.query(`SELECT ${COLUMNS} FROM api_tokens WHERE user_id = $1 ORDER BY id`, [userId]);
  }

  /** Deletes the user's token; false when the user has no token with this id. */
  async deleteForUser(userId: number, id: number): Promise<boolean> {
    const [, count] = await this.db.query(`DELETE FROM api_tokens WHERE id = $1 AND user_id = $2`, [id, userId]);
    return count > 0;
  }

  async deleteById(id: number, m: EntityManager): Promise<void> {
    await m.query(`DELETE FROM api_tokens WHERE id = $1`, [id]);
  }

  async deleteAllForUser(userId: number, m: EntityManager, exceptId?: number): Promise<void> {
    await m.query(`DELETE FROM api_tokens WHERE user_id = $1 AND id <> $2`, [userId, exceptId ?? -1]);
  }

  /** Records use at most once a minute per token (TOUCH_DUE). */
  async touch(id: number): Promise<void> {
    await this.db.query(
      `UPDATE api_tokens SET last_used_at = now() WHERE id = $1 AND ${TOUCH_DUE}`,
      [id],
    );
  }
}
