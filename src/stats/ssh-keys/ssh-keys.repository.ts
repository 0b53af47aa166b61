import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface SshKeyRecord {
  id: number;
  title: string;
  keyType: string;
  publicKey: string;
  fingerprint: string;
  createdAt: Date;
  lastUsed: Date | null;
}

const COLUMNS = `id, title, key_type AS "keyType", public_key AS "publicKey", fingerprint, created_at AS "createdAt", last_used AS "lastUsed"`;
const normalise = (r: SshKeyRecord): SshKeyRecord => ({ ...r, id: Number(r.id) });

@Injectable()
export class SshKeysRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Throws the unique violation of `ssh_keys_fingerprint_key` when any account has the key. */
  async insert(userId: number, k: { title: string; keyType: string; publicKey: string; fingerprint: string }): Promise<SshKeyRecord> {
    const [row] = await this.db.query(
      `INSERT INTO ssh_keys (user_id, title, key_type, public_key, fingerprint) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
      [userId, k.title, k.keyType, k.publicKey, k.fingerprint],
    );
    return normalise(row);
  }

  async list(userId: number): Promise<SshKeyRecord[]> {
    return (await this.db.query(`SELECT ${COLUMNS} FROM ssh_keys WHERE user_id = $1 ORDER BY id`, [userId])).map(normalise);
  }

  async find(userId: number, id: number): Promise<SshKeyRecord | null> {
    const [row] = await this.db.query(`SELECT ${COLUMNS} FROM ssh_keys WHERE user_id = $1 AND id = $2`, [userId, id]);
    return row ? normalise(row) : null;
  }

  async delete(userId: number, id: number): Promise<boolean> {
    const [, count] = await this.db.query(`DELETE FROM ssh_keys WHERE user_id = $1 AND id = $2`, [userId, id]);
    return Number(count) > 0;
  }
}
