import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encrypts short secrets Hangar must be able to read back (tokens for upstream hubs) with
 * AES-256-GCM. The key is derived (HKDF-SHA256) from HANGAR_DATABASE_KEY when set, else from the
 * server secret, so a database dump alone reveals nothing. Stored form:
 * `v1:<base64 of iv | tag | ciphertext>`; the version prefix leaves room for key rotation.
 * `purpose` binds a value to its column (as GCM associated data): a ciphertext copied into
 * another column does not decrypt.
 */
export class AtRestCipher {
  private readonly key: Buffer;

  constructor(keyMaterial: string) {
    if (!keyMaterial) throw new Error('AtRestCipher needs key material');
    this.key = Buffer.from(hkdfSync('sha256', Buffer.from(keyMaterial, 'utf8'), Buffer.alloc(0), 'hangar at-rest secrets v1', 32));
  }

  encrypt(plaintext: string, purpose: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(purpose, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  /** Throws when the value was not made by this key for this purpose (tampered, wrong key). */
  decrypt(stored: string, purpose: string): string {
    const [version, data] = stored.split(':', 2);
    if (version !== VERSION || !data) throw new Error('not an at-rest secret of a known version');
    const raw = Buffer.from(data, 'base64');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new Error('at-rest secret too short');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(purpose, 'utf8'));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }
}

/**
 * What an answer may show of a secret: enough to tell two apart, never enough to use one.
 * Short secrets show nothing but their length class.
 */
/** What an answer shows of a stored secret: masked, or a note to set it again when the current key no longer opens it. */
export function maskedStoredSecret(cipher: AtRestCipher, stored: string, purpose: string): { preview: string; readable: boolean } {
  try {
    return { preview: maskSecret(cipher.decrypt(stored, purpose)), readable: true };
  } catch {
    // A changed HANGAR_DATABASE_KEY (or server secret): the secret must be set again.
    return { preview: '(unreadable: set it again)', readable: false };
  }
}

export function maskSecret(secret: string): string {
  if (secret.length < 12) return '****';
  return `${secret.slice(0, 4)}…${secret.slice(-4)}`;
}
