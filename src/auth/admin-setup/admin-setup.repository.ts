import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface CompletedSetup {
  adminTokenHash: Buffer;
  adminTokenFingerprint: string;
}

/** The single `admin_setup` row: the pending setup token's hash, then the admin token's. */
@Injectable()
export class AdminSetupRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Stores a new setup token hash (replacing an unused one); false when setup is already done. */
  async replaceSetupToken(hash: Buffer): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `INSERT INTO admin_setup (id, setup_token_hash, issued_at) VALUES (1, $1, now())
       ON CONFLICT (id) DO UPDATE SET setup_token_hash = EXCLUDED.setup_token_hash, issued_at = now()
       WHERE admin_setup.completed_at IS NULL
       RETURNING id`,
      [hash],
    );
    return rows.length === 1;
  }

  /** Exchanges the setup token (by hash) for the admin token, once: false when it does not match or was used. */
  async complete(setupHash: Buffer, adminHash: Buffer, adminFingerprint: string): Promise<boolean> {
    const [rows] = (await this.db.query(
      `UPDATE admin_setup SET admin_token_hash = $2, admin_token_fingerprint = $3, completed_at = now(), setup_token_hash = NULL
       WHERE id = 1 AND completed_at IS NULL AND setup_token_hash = $1
       RETURNING id`,
      [setupHash, adminHash, adminFingerprint],
    )) as [unknown[], number];
    return rows.length === 1;
  }

  async completed(): Promise<CompletedSetup | null> {
    const rows: CompletedSetup[] = await this.db.query(
      `SELECT admin_token_hash AS "adminTokenHash", admin_token_fingerprint AS "adminTokenFingerprint" FROM admin_setup WHERE id = 1 AND completed_at IS NOT NULL`,
    );
    return rows[0] ?? null;
  }
}
