import { MigrationInterface, QueryRunner } from 'typeorm';

/** Users' SSH public keys (no SSH server yet): one account per key, by fingerprint. */
export class SshKeys1796404972891 implements MigrationInterface {
  name = 'SshKeys1796404972891';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ssh_keys (
        id bigserial PRIMARY KEY,
        user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        title varchar(100) NOT NULL,
        key_type varchar(32) NOT NULL,
        public_key text NOT NULL,
        -- 'SHA256:' + unpadded base64 of the key blob's SHA-256, as ssh-keygen -l shows it
        fingerprint varchar(64) NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used timestamptz NULL
      )`);
    await q.query(`CREATE INDEX ssh_keys_user_idx ON ssh_keys (user_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS ssh_keys`);
  }
}
