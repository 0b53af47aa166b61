import { Global, Module } from '@nestjs/common';
import type { HangarConfig } from '../config/config';
import { HANGAR_CONFIG } from '../config/config.module';
import { FsObjectStore } from './fs-object-store';
import { OBJECT_STORE, type ObjectStore } from './object-store';
import { S3ObjectStore } from './s3-object-store';
import { StorageController } from './storage.controller';
import { UrlSigner } from './url-signer';

/**
 * Builds the configured driver. Async because the S3 driver makes sure its bucket exists
 * before the app starts serving (a fresh MinIO then works without manual setup).
 */
export async function createObjectStore(config: HangarConfig): Promise<ObjectStore> {
  const storage = config.storage;
  if (storage.driver === 's3') {
    const store = new S3ObjectStore(storage);
    await store.ensureBucket();
    return store;
  }
  // The bootstrap fills the secret (generated under dataDir when not configured).
  if (!config.secret) throw new Error('HangarConfig.secret must be set before StorageModule starts');
  // The default base serves callers without a request (none today); request handlers pass theirs.
  return new FsObjectStore(storage.root, new UrlSigner(config.secret), config.baseUrl ?? `http://localhost:${config.port}`, {
    defaultTtlSeconds: storage.signedUrlTtlSeconds,
    fileMode: storage.fileMode,
    dirMode: storage.dirMode,
  });
}

/** Provides OBJECT_STORE everywhere, plus the routes that serve the fs driver's signed URLs. */
@Global()
@Module({
  controllers: [StorageController],
  providers: [{ provide: OBJECT_STORE, inject: [HANGAR_CONFIG], useFactory: createObjectStore }],
  exports: [OBJECT_STORE],
})
export class StorageModule {}
