import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** One-time email verification tokens, stored as sha256. */
@Injectable()
export class EmailVerificationsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(userId: number, hash: Buffer, expiresAt: Date, m: EntityManager = this.db.manager): Promise<void> {
    await m.query(`INSERT INTO email_verifications (token_hash, user_id, expires_at) VALUES ($1, $2, $3)`, [hash, userId, expiresAt]);
  }

  /** Consumes the token: it is deleted whether or not it had expired; returns the user when it was live. */
  async consume(hash: Buffer, m: EntityManager): Promise<number | null> {
    // TypeORM answers a DELETE with [rows, affectedCount].
    const [rows] = await m.query(
      `DELETE FROM email_verifications WHERE token_hash = $1 RETURNING user_id AS "userId", expires_at > now() AS live`,
      [hash],
    );
    return rows[0]?.live ? rows[0].userId : null;
  }
}
