import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** One-time password reset tokens, stored as sha256. */
@Injectable()
export class PasswordResetsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** A new token replaces the user's earlier ones: only the newest mail works. */
  async replace(userId: number, hash: Buffer, expiresAt: Date, m: EntityManager): Promise<void> {
    await m.query(`DELETE FROM password_resets WHERE user_id = $1`, [userId]);
    await m.query(`INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES ($1, $2, $3)`, [hash, userId, expiresAt]);
  }

  async findLiveUserId(hash: Buffer): Promise<number | null> {
    const rows = await this.db.query(`SELECT user_id::int AS "userId" FROM password_resets WHERE token_hash = $1 AND expires_at > now()`, [hash]);
    return rows[0]?.userId ?? null;
  }

  /** Consumes the token (deleted whether or not it had expired); the user when it was live. */
  async consume(hash: Buffer, m: EntityManager): Promise<number | null> {
    const [rows] = await m.query(
      `DELETE FROM password_resets WHERE token_hash = $1 RETURNING user_id::int AS "userId", expires_at > now() AS live`,
      [hash],
    );
    return rows[0]?.live ? rows[0].userId : null;
  }

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }
}
