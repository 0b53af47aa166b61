import { createHash } from 'node:crypto';

export const SSH_KEY_TYPES = ['ssh-rsa', 'ssh-dss', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'ssh-ed25519'] as const;
export type SshKeyType = (typeof SSH_KEY_TYPES)[number];

export interface SshPublicKey {
  type: SshKeyType;
  /** `<type> <base64 blob>`, the comment dropped. */
  canonical: string;
  fingerprint: string;
}

/** Uncompressed EC point sizes: 0x04 then both coordinates. */
const EC_POINT_BYTES: Record<string, number> = { nistp256: 65, nistp384: 97, nistp521: 133 };
const MIN_RSA_BITS = 1024;

/**
 * Parses an OpenSSH public key line (`type base64 [comment]`, as in authorized_keys) and checks
 * that the blob is a well-formed key of its declared type (RFC 4253 §6.6, RFC 5656, RFC 8709).
 * Returns the problem as a string, or the key.
 */
export function parseSshPublicKey(line: string): SshPublicKey | string {
  const parts = line.trim().split(/\s+/);
  if (parts.length < 2) return 'expected "<type> <base64 key> [comment]"';
  const [type, b64] = parts;
  if (!(SSH_KEY_TYPES as readonly string[]).includes(type)) return `unsupported key type "${type.slice(0, 40)}" (supported: ${SSH_KEY_TYPES.join(', ')})`;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) return 'the key is not valid base64';
  const blob = Buffer.from(b64, 'base64');
  const reader = new BlobReader(blob);
  try {
    if (reader.string().toString('latin1') !== type) return 'the key blob names a different type than the line';
    const problem = checkBody(type as SshKeyType, reader);
    if (problem) return problem;
    if (!reader.done()) return 'trailing bytes after the key';
  } catch {
    return 'the key blob is truncated';
  }
  return { type: type as SshKeyType, canonical: `${type} ${b64}`, fingerprint: `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}` };
}

function checkBody(type: SshKeyType, r: BlobReader): string | null {
  switch (type) {
    case 'ssh-ed25519':
      return r.string().length === 32 ? null : 'an Ed25519 key has 32 bytes';
    case 'ssh-rsa': {
      const e = r.mpint();
      const n = r.mpint();
      if (e.length === 0 || n.length === 0) return 'the RSA key has an empty exponent or modulus';
      const bits = (n.length - 1) * 8 + (32 - Math.clz32(n[0]));
      return bits < MIN_RSA_BITS ? `the RSA key has ${bits} bits (at least ${MIN_RSA_BITS})` : null;
    }
    case 'ssh-dss':
      for (let i = 0; i < 4; i++) if (r.mpint().length === 0) return 'the DSA key has an empty parameter';
      return null;
    default: {
      const curve = type.slice('ecdsa-sha2-'.length);
      if (r.string().toString('latin1') !== curve) return 'the ECDSA key names a different curve than its type';
      const q = r.string();
      return q.length === EC_POINT_BYTES[curve] && q[0] === 0x04 ? null : 'the ECDSA key point is not an uncompressed point of its curve';
    }
  }
}

/** SSH wire format: uint32 length-prefixed strings; mpints with their leading zero bytes stripped. */
class BlobReader {
  private at = 0;
  constructor(private readonly buf: Buffer) {}

  string(): Buffer {
    if (this.at + 4 > this.buf.length) throw new RangeError('truncated');
    const len = this.buf.readUInt32BE(this.at);
    this.at += 4;
    if (this.at + len > this.buf.length) throw new RangeError('truncated');
    const out = this.buf.subarray(this.at, this.at + len);
    this.at += len;
    return out;
  }

  mpint(): Buffer {
    const raw = this.string();
    let i = 0;
    while (i < raw.length && raw[i] === 0) i++;
    return raw.subarray(i);
  }

  done(): boolean {
    return this.at === this.buf.length;
  }
}
