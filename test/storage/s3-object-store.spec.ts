import { loadConfig } from '../../src/core/config/config';
import { S3ObjectStore, type S3StorageConfig } from '../../src/core/storage/s3-object-store';
import { s3Env, s3Harness, type StoreHarness } from './harness';

function s3Config(env: NodeJS.ProcessEnv): S3StorageConfig {
  return loadConfig({ ...env, HANGAR_SECRET: 'x'.repeat(32) }).storage as S3StorageConfig;
}

describe('S3ObjectStore specifics', () => {
  describe('presigned URLs (no network)', () => {
    const store = new S3ObjectStore(
      s3Config({ ...s3Env('http://s3.internal:9000'), HANGAR_S3_PUBLIC_ENDPOINT: 'https://files.example.test' }),
    );
    afterAll(() => store.onModuleDestroy());

    it('are signed for the public endpoint, not the internal one', async () => {
      const url = new URL(await store.signedUrl('lfs/ab/key', 'GET', { expiresInSeconds: 120 }));
      expect(url.origin).toBe('https://files.example.test');
      expect(url.pathname).toBe('/hangar-test/lfs/ab/key');
      expect(url.searchParams.get('X-Amz-Expires')).toBe('120');
      expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    });

    it('use the configured TTL by default', async () => {
      const url = new URL(await store.signedUrl('k', 'PUT'));
      expect(url.searchParams.get('X-Amz-Expires')).toBe('86400');
    });

    it('carry no SDK checksum parameters (clients could not satisfy them)', async () => {
      for (const url of [await store.signedUrl('k', 'PUT'), await store.signedPartUrl('k', 'upload-1', 2)]) {
        expect(url.toLowerCase()).not.toMatch(/checksum/);
      }
    });

    it('put the attachment filename into response-content-disposition', async () => {
      const url = new URL(await store.signedUrl('k', 'GET', { filename: 'w.bin' }));
      expect(url.searchParams.get('response-content-disposition')).toContain('attachment; filename="w.bin"');
    });

    it('fall back to the server endpoint without a public one', async () => {
      const internal = new S3ObjectStore(s3Config({ ...s3Env('http://s3.internal:9000'), HANGAR_S3_PUBLIC_ENDPOINT: '' }));
      expect(new URL(await internal.signedUrl('k', 'GET')).origin).toBe('http://s3.internal:9000');
      internal.onModuleDestroy();
    });
  });

  describe('against moto', () => {
    let h: StoreHarness;
    beforeAll(async () => {
      h = await s3Harness();
    });
    afterAll(async () => {
      await h?.close();
    });

    it('ensureBucket is idempotent', async () => {
      const store = h.store as S3ObjectStore;
      await expect(store.ensureBucket()).resolves.toBeUndefined();
      await expect(store.ensureBucket()).resolves.toBeUndefined();
    });

    it('the fs storage routes answer 404 under the s3 driver', async () => {
      for (const method of ['GET', 'PUT']) {
        const res = await fetch(`${h.appUrl}/storage/fs/some/key?expires=9999999999&sig=x`, {
          method,
          body: method === 'PUT' ? 'x' : undefined,
        });
        expect(res.status).toBe(404);
        await res.arrayBuffer();
      }
    });
  });
});
