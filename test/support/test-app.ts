import type { INestApplication } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Client } from 'pg';
import request from 'supertest';
import { createHangarApp } from '../../src/app-setup';
import { HangarConfig, loadConfig } from '../../src/core/config/config';
import { createTestDatabase, dropTestDatabase } from './postgres';
import { expectQuotaCountersExact } from './quota';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef0123456789';

export interface TestApp {
  app: INestApplication;
  config: HangarConfig;
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  http: () => ReturnType<typeof request>;
  /** A client on this test's database, to assert what changed (or did not). */
  db: Client;
  /** This test's database, for a second Hangar process on it. */
  databaseUrl: string;
  close(): Promise<void>;
  /**
   * A second Hangar node on the same database and object store (as behind a load balancer),
   * on its own port; closing it leaves this app running.
   */
  startPeer(): Promise<{ app: INestApplication; baseUrl: string; http: () => ReturnType<typeof request>; close(): Promise<void> }>;
}

/**
 * Boots the real AppModule on a fresh database and an ephemeral port, with the production
 * pipeline (configureApp). `env` overrides HANGAR_* variables.
 */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hangar-test-data-'));
  // The port is chosen first so that the URLs Hangar hands out (signed hrefs) point at it.
  const port = await freePort();
  const config = loadConfig({
    HANGAR_PORT: String(port),
    HANGAR_BASE_URL: `http://127.0.0.1:${port}`,
    HANGAR_DATA_DIR: dataDir,
    HANGAR_SECRET: 'test-secret-0123456789abcdef0123456789abcdef',
    HANGAR_ADMIN_TOKEN: ADMIN_TOKEN,
    HANGAR_LOG_LEVEL: process.env.HANGAR_TEST_LOG_LEVEL ?? 'silent',
    HANGAR_DATABASE_POOL_SIZE: '4',
    ...env,
  });
  const app = await createHangarApp(config, database.url, { silent: true });
  await app.listen(port, '127.0.0.1');
  stopCronJobs(app);
  const baseUrl = `http://127.0.0.1:${port}`;
  const db = new Client({ connectionString: database.url });
  await db.connect();
  return {
    app,
    config,
    baseUrl,
    http: () => request(app.getHttpServer()),
    db,
    databaseUrl: database.url,
    async startPeer() {
      const peerPort = await freePort();
      // Same settings (HANGAR_BASE_URL included: one public address for the cluster), own port.
      const peer = await createHangarApp({ ...config, port: peerPort }, database.url, { silent: true });
      await peer.listen(peerPort, '127.0.0.1');
      stopCronJobs(peer);
      return { app: peer, baseUrl: `http://127.0.0.1:${peerPort}`, http: () => request(peer.getHttpServer()), close: () => peer.close() };
    },
    async close() {
      try {
        await expectQuotaCountersExact(app);
      } finally {
        await db.end();
        // A client may leave a download or keep-alive socket open; server.close() would wait for it.
        (app.getHttpServer() as import('node:http').Server).closeAllConnections();
        await app.close();
        await dropTestDatabase(database.name);
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * Tests run the scheduled jobs themselves, when their state is set up: a cron firing on its own
 * (the fallback cache's eviction runs every minute) would change what a test is asserting on.
 */
function stopCronJobs(app: INestApplication): void {
  for (const job of app.get(SchedulerRegistry).getCronJobs().values()) void job.stop();
}
