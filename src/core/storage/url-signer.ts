import { createHmac, timingSafeEqual } from 'node:crypto';

/** Everything a storage URL grants; each field is covered by the signature. */
export interface SignedFields {
  method: 'GET' | 'PUT';
  key: string;
  /** Unix time in seconds after which the URL is refused. */
  expires: number;
  uploadId?: string;
  partNumber?: number;
  filename?: string;
}

/**
 * HMAC-SHA256 signatures for Hangar's own storage URLs (the fs driver). Pure and synchronous so
 * it can be tested byte for byte.
 */
export class UrlSigner {
  private readonly key: Buffer;

  constructor(secret: string, purpose = 'hangar/storage-url/v1') {
    if (!secret) throw new Error('UrlSigner needs a non-empty secret');
    // Derive a purpose-specific key so the server secret's other uses (other HMACs,
    // encryption keys, other URL families) can never be confused with, or forged from, this one.
    this.key = createHmac('sha256', secret).update(purpose).digest();
  }

  /** base64url HMAC over an unambiguous encoding of the fields. */
  sign(fields: SignedFields): string {
    return createHmac('sha256', this.key).update(canonical(fields)).digest('base64url');
  }

  /** True when `signature` matches `fields` and `fields.expires` is not in the past. */
  verify(fields: SignedFields, signature: string, nowMs: number = Date.now()): boolean {
    if (typeof signature !== 'string' || !Number.isSafeInteger(fields.expires)) return false;
    if (fields.expires * 1000 < nowMs) return false;
    const expected = Buffer.from(this.sign(fields), 'base64url');
    const given = Buffer.from(signature, 'base64url');
    // Re-encoding must round-trip: rejects padding or stray characters that base64url decoding ignores.
    if (given.toString('base64url') !== signature) return false;
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

/**
 * JSON of a fixed-order array: no field can bleed into its neighbour (unlike "a|b" joins),
 * and absent optional fields are distinguishable from empty ones.
 */
function canonical(f: SignedFields): string {
  return JSON.stringify([f.method, f.key, f.expires, f.uploadId ?? null, f.partNumber ?? null, f.filename ?? null]);
}
