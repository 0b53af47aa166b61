import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** Browser sessions, keyed by sha256 of the cookie value. */
@Injectable()
export class SessionsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(userId: number, hash: Buffer, expiresAt: Date): Promise<void> {
    await this.db.query(`INSERT INTO sessions (user_id, token_hash, expires_at) VALUES ($1, $2, $3)`, [userId, hash, expiresAt]);
  }

  async findLive(hash: Buffer): Promise<{ id: number; userId: number } | null> {
    const rows = await this.db.query(`SELECT id::int AS id, user_id::int AS "userId" FROM sessions WHERE token_hash = $1 AND expires_at > now()`, [hash]);
    return rows[0] ?? null;
  }

  /** Whether the user's session `id` is still live (not ended, not expired). */
  async isLive(id: number, userId: number): Promise<boolean> {
    const rows = await this.db.query(`SELECT 1 FROM sessions WHERE id = $1 AND user_id = $2 AND expires_at > now()`, [id, userId]);
    return rows.length > 0;
  }

  async deleteByHash(hash: Buffer): Promise<void> {
    await this.db.query(`DELETE FROM sessions WHERE token_hash = $1`, [hash]);
  }

  async deleteAllForUser(userId: number, m: EntityManager = this.db.manager): Promise<void> {
    await m.query(`DELETE FROM sessions WHERE user_id = $1`, [userId]);
  }

  /** The user's live sessions, newest first; `current` marks the one with `currentHash`. */
  listLive(userId: number, currentHash: Buffer | null): Promise<{ id: number; createdAt: Date; expiresAt: Date; current: boolean }[]> {
    return this.db.query(
      `SELECT id::int AS id, created_at AS "createdAt", expires_at AS "expiresAt", coalesce(token_hash = $2, false) AS current
         FROM sessions WHERE user_id = $1 AND expires_at > now() ORDER BY created_at DESC, id DESC`,
      [userId, currentHash],
    );
  }

  /** False when the user has no session with this id. */
  async deleteForUser(userId: number, id: number): Promise<boolean> {
    const [, count] = await this.db.query(`DELETE FROM sessions WHERE id = $1 AND user_id = $2`, [id, userId]);
    return count > 0;
  }

  async deleteOthers(userId: number, keepHash: Buffer | null, m: EntityManager): Promise<void> {
    await m.query(`DELETE FROM sessions WHERE user_id = $1 AND ($2::bytea IS NULL OR token_hash <> $2)`, [userId, keepHash]);
  }

  async deleteExpired(): Promise<number> {
    const [, count] = await this.db.query(`DELETE FROM sessions WHERE expires_at <= now()`);
    return count;
  }
}
