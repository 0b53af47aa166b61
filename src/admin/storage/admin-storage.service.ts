import { Inject, Injectable } from '@nestjs/common';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import type { HangarConfig } from '../../core/config/config';
import { InjectConfig } from '../../core/config/config.module';
import { generateSecret, sha256 } from '../../core/crypto/secrets';
import { BadRequestError, ConflictError, NotFoundError } from '../../core/errors/domain-error';
import { assertValidKey, assertValidPrefix } from '../../core/storage/object-key';
import { OBJECT_STORE, type ObjectInfo, type ObjectStore } from '../../core/storage/object-store';
import { S3ObjectStore } from '../../core/storage/s3-object-store';
import { DeleteTokensRepository } from './delete-tokens.repository';
import { ObjectReference, StorageReferencesRepository } from './storage-references.repository';

/** How long a prefix-delete confirmation token lives (KohakuHub: 60 s). */
export const DELETE_TOKEN_TTL_SECONDS = 60;
/** The fs driver has no buckets: the browser shows its root as one virtual bucket of this name. */
export const FS_BUCKET = 'local';
/** Keys looked up at once when checking what references a prefix's objects. */
const REFERENCE_BATCH = 1000;
/** Referenced keys named in a refusal (the count says how many there are). */
const NAMED_IN_REFUSAL = 20;

export interface BucketInfo {
  name: string;
  creationDate: Date | null;
  totalSize: number;
  objectCount: number;
}

/**
 * The admin's object-store browser. It never deletes what a repository still references unless
 * told to (`force`), and deletes a prefix only with a confirmation token prepared for it.
 */
@Injectable()
export class AdminStorageService {
  constructor(
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @InjectConfig() private readonly config: HangarConfig,
    private readonly refs: StorageReferencesRepository,
    private readonly tokens: DeleteTokensRepository,
  ) {}

  get bucketName(): string {
    const s = this.config.storage;
    return s.driver === 's3' ? s.bucket : FS_BUCKET;
  }

  /** The configuration (never credentials) and whether the store answers a health check and a listing. */
  async debug() {
    const s = this.config.storage;
    const where = s.driver === 's3' ? { endpoint: s.endpoint, bucket: s.bucket, region: s.region, force_path_style: s.forcePathStyle } : { root: s.root, bucket: FS_BUCKET };
    let accessible = true;
    let healthError: string | null = null;
    try {
      await this.store.healthCheck();
    } catch (err) {
      accessible = false;
      healthError = (err as Error).message;
    }
    const sample = await this.probeListing();
    return { driver: s.driver, ...where, bucket_accessible: accessible, error: healthError, test_list: sample };
  }

  private async probeListing(): Promise<{ success: boolean; key_count: number; sample_keys: string[]; error: string | null }> {
    const keys: string[] = [];
    try {
      for await (const o of this.store.list('')) {
        keys.push(o.key);
        if (keys.length >= 10) break;
      }
      return { success: true, key_count: keys.length, sample_keys: keys, error: null };
    } catch (err) {
      return { success: false, key_count: 0, sample_keys: [], error: (err as Error).message };
    }
  }

  /** The configured bucket (the only one Hangar writes), counted by a full listing. */
  async buckets(): Promise<BucketInfo[]> {
    let totalSize = 0;
    let objectCount = 0;
    for await (const o of this.store.list('')) {
      totalSize += o.size;
      objectCount += 1;
    }
    return [{ name: this.bucketName, creationDate: await this.bucketCreationDate(), totalSize, objectCount }];
  }

  private async bucketCreationDate(): Promise<Date | null> {
    if (!(this.store instanceof S3ObjectStore)) return null;
    try {
      const out = await this.store.client.send(new ListBucketsCommand({}));
      return out.Buckets?.find((b) => b.Name === this.bucketName)?.CreationDate ?? null;
    } catch {
      return null; // credentials limited to the bucket may not list buckets
    }
  }

  assertBucket(bucket: string | undefined): void {
    if (bucket !== undefined && bucket !== '' && bucket !== this.bucketName) {
      throw new NotFoundError(`Bucket "${bucket}" is not this hub's store (it uses "${this.bucketName}")`, 'BucketNotFound');
    }
  }

  /** Up to `limit` objects under `prefix` after the key `startAfter`, and whether more follow. */
  async objects(prefix: string, limit: number, startAfter: string | undefined): Promise<{ objects: ObjectInfo[]; truncated: boolean }> {
    assertValidPrefix(prefix);
    const objects: ObjectInfo[] = [];
    for await (const o of this.store.list(prefix)) {
      if (startAfter !== undefined && o.key <= startAfter) continue;
      if (objects.length === limit) return { objects, truncated: true };
      objects.push(o);
    }
    return { objects, truncated: false };
  }

  /** What references `key`; with `force`, deletes it anyway. */
  async deleteObject(key: string, force: boolean): Promise<{ references: ObjectReference[] }> {
    assertValidKey(key);
    if (!(await this.store.head(key))) throw new NotFoundError(`Object not found: ${key}`, 'ObjectNotFound');
    const references = (await this.refs.find([key])).get(key) ?? [];
    if (references.length > 0 && !force) {
      throw new ConflictError(`Object ${key} is still referenced (${describe(references)}); pass force=true to delete it anyway`, 'ObjectReferenced', {
        key,
        references,
      });
    }
    await this.store.delete(key);
    return { references };
  }

  async prepareDelete(prefix: string, actor: string): Promise<{ token: string; estimated: number; referenced: number }> {
    assertDeletablePrefix(prefix);
    const { keys, referenced } = await this.scan(prefix);
    const token = generateSecret('hsd_', 40);
    await this.tokens.insert(sha256(token), prefix, actor, DELETE_TOKEN_TTL_SECONDS);
    return { token, estimated: keys.length, referenced: referenced.size };
  }

  /** Deletes every object under `prefix`, given a live token prepared for exactly that prefix; the token is used up. */
  async deletePrefix(prefix: string, confirmToken: string, force: boolean): Promise<{ deleted: number; referencedDeleted: number }> {
    assertDeletablePrefix(prefix);
    const hash = sha256(confirmToken);
    if (!(await this.tokens.isLive(hash, prefix))) throw invalidToken();
    const { keys, referenced } = await this.scan(prefix);
    if (referenced.size > 0 && !force) {
      const named = [...referenced.entries()].slice(0, NAMED_IN_REFUSAL).map(([key, references]) => ({ key, references }));
      throw new ConflictError(
        `${referenced.size} object(s) under "${prefix}" are still referenced (e.g. ${named[0].key}: ${describe(named[0].references)}); pass force=true to delete them anyway`,
        'ObjectReferenced',
        { referenced_count: referenced.size, referenced: named },
      );
    }
    // Used up before anything is deleted, so a second request with it finds nothing to confirm.
    if (!(await this.tokens.consume(hash, prefix))) throw invalidToken();
    for (const key of keys) await this.store.delete(key);
    return { deleted: keys.length, referencedDeleted: referenced.size };
  }

  private async scan(prefix: string): Promise<{ keys: string[]; referenced: Map<string, ObjectReference[]> }> {
    const keys: string[] = [];
    for await (const o of this.store.list(prefix)) keys.push(o.key);
    const referenced = new Map<string, ObjectReference[]>();
    for (let i = 0; i < keys.length; i += REFERENCE_BATCH) {
      for (const [k, v] of await this.refs.find(keys.slice(i, i + REFERENCE_BATCH))) referenced.set(k, v);
    }
    return { keys, referenced };
  }
}

/** A prefix delete names a real prefix: never the whole store. */
function assertDeletablePrefix(prefix: string): void {
  if (prefix === '') throw new BadRequestError('prefix is required (the whole store cannot be deleted this way)', 'InvalidPrefix');
  assertValidPrefix(prefix);
}

function invalidToken(): BadRequestError {
  return new BadRequestError('Invalid, expired or already used confirmation token, or it was prepared for another prefix', 'InvalidConfirmToken');
}

function describe(refs: ObjectReference[]): string {
  return refs.map((r) => `${r.kind}${r.namespace ? ` of ${r.namespace}` : r.repositories.length ? ` of ${r.repositories.join(', ')}` : ' (registry)'}`).join('; ');
}
