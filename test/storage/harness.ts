import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { loadConfig, type HangarConfig } from '../../src/core/config/config';
import { ConfigModule } from '../../src/core/config/config.module';
import { HfExceptionFilter } from '../../src/core/errors/hf-exception.filter';
import { OBJECT_STORE, type ObjectStore } from '../../src/core/storage/object-store';
import { S3ObjectStore } from '../../src/core/storage/s3-object-store';
import { StorageModule } from '../../src/core/storage/storage.module';
import { freePort, startMoto } from '../support/moto';
import { s3EnvFor } from '../support/moto';

export const TEST_SECRET = 'storage-test-secret-0123456789abcdef';

/** One running store behind a real Nest app (ConfigModule + StorageModule + the HF filter). */
export interface StoreHarness {
  store: ObjectStore;
  /** Base URL of the Nest app, e.g. to hit /storage/fs/* directly. */
  appUrl: string;
  /** Temp files and unfinished multipart uploads the driver still holds (should be 0 when idle). */
  leftovers(): Promise<number>;
  close(): Promise<void>;
}

/** Boots the storage module the way AppModule will, on `port`. */
export async function bootStorageApp(config: HangarConfig): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(config), StorageModule],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: ['error'] });
  app.useGlobalFilters(new HfExceptionFilter());
  await app.listen(config.port, '127.0.0.1');
  return app;
}

export async function fsHarness(): Promise<StoreHarness & { root: string }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'hangar-storage-'));
  const root = path.join(dataDir, 'objects');
  const port = await freePort();
  const config = loadConfig({
    HANGAR_PORT: String(port),
    HANGAR_BASE_URL: `http://127.0.0.1:${port}`,
    HANGAR_DATA_DIR: dataDir,
    HANGAR_STORAGE_DRIVER: 'fs',
    HANGAR_STORAGE_ROOT: root,
    HANGAR_SECRET: TEST_SECRET,
  });
  const app = await bootStorageApp(config);
  return {
    root,
    store: app.get<ObjectStore>(OBJECT_STORE),
    appUrl: `http://127.0.0.1:${port}`,
    leftovers: async () => {
      const names = await Promise.all(
        ['.tmp', '.multipart'].map((d) => readdir(path.join(root, d)).catch(() => [] as string[])),
      );
      return names.flat().length;
    },
    close: async () => {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export const S3_TEST_BUCKET = 'hangar-test';

export function s3Env(endpoint: string): NodeJS.ProcessEnv {
  return s3EnvFor(endpoint, S3_TEST_BUCKET);
}

/** A fresh moto_server; the app's StorageModule creates the bucket itself (ensureBucket). */
export async function s3Harness(): Promise<StoreHarness> {
  const moto = await startMoto();
  try {
    const port = await freePort();
    const config = loadConfig({ ...s3Env(moto.endpoint), HANGAR_PORT: String(port), HANGAR_SECRET: TEST_SECRET });
    const app = await bootStorageApp(config);
    const store = app.get<ObjectStore>(OBJECT_STORE);
    return {
      store,
      appUrl: `http://127.0.0.1:${port}`,
      leftovers: async () => {
        const res = await (store as S3ObjectStore).client.send(new ListMultipartUploadsCommand({ Bucket: S3_TEST_BUCKET }));
        return res.Uploads?.length ?? 0;
      },
      close: async () => {
        await app.close();
        await moto.stop();
      },
    };
  } catch (err) {
    await moto.stop();
    throw err;
  }
}

/**
 * `size` random bytes as a stream of ≤1 MiB chunks, hashed as they are produced, so a big
 * payload never sits in memory whole. Read `sha256()` after the stream has been consumed.
 */
export function randomStream(size: number): { stream: Readable; sha256(): string } {
  const hash = createHash('sha256');
  let left = size;
  const stream = new Readable({
    read() {
      if (left === 0) return void this.push(null);
      const chunk = randomBytes(Math.min(left, 1024 * 1024));
      left -= chunk.length;
      hash.update(chunk);
      this.push(chunk);
    },
  });
  let digest: string | undefined;
  return { stream, sha256: () => (digest ??= hash.digest('hex')) };
}

export async function sha256Of(stream: AsyncIterable<Buffer | Uint8Array>): Promise<string> {
  const hash: Hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk);
  return hash.digest('hex');
}

export async function readAll(stream: AsyncIterable<Buffer | Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
