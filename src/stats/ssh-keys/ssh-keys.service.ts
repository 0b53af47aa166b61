import { Injectable } from '@nestjs/common';
import { BadRequestError, ConflictError, NotFoundError } from '../../core/errors/domain-error';
import { isUniqueViolation } from '../../core/database/pg-errors';
import { parseSshPublicKey } from './ssh-public-key';
import { SshKeysRepository, type SshKeyRecord } from './ssh-keys.repository';

/** A user's SSH public keys; a key belongs to one account only. */
@Injectable()
export class SshKeysService {
  constructor(private readonly keys: SshKeysRepository) {}

  async add(userId: number, title: string, line: string): Promise<SshKeyRecord> {
    const key = parseSshPublicKey(line);
    if (typeof key === 'string') throw new BadRequestError(`Invalid SSH public key: ${key}`, 'InvalidSshKey');
    try {
      return await this.keys.insert(userId, { title, keyType: key.type, publicKey: key.canonical, fingerprint: key.fingerprint });
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`This key (${key.fingerprint}) is already registered to an account`, 'SshKeyExists');
      throw err;
    }
  }

  list(userId: number): Promise<SshKeyRecord[]> {
    return this.keys.list(userId);
  }

  async get(userId: number, id: string): Promise<SshKeyRecord> {
    const key = keyId(id) === null ? null : await this.keys.find(userId, keyId(id)!);
    if (!key) throw notFound(id);
    return key;
  }

  async delete(userId: number, id: string): Promise<void> {
    const n = keyId(id);
    if (n === null || !(await this.keys.delete(userId, n))) throw notFound(id);
  }
}

const notFound = (id: string) => new NotFoundError(`SSH key ${id.slice(0, 40)} not found`, 'SshKeyNotFound');

/** Key ids are positive integers; anything else names no key. */
function keyId(id: string): number | null {
  return /^[1-9]\d{0,14}$/.test(id) ? Number(id) : null;
}
