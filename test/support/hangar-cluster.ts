import { rmSync } from 'node:fs';
import { ADMIN_TOKEN } from './test-app';
import { freePort, freshDataDir, startHangarProcess, waitFor, type HangarProcess } from './hangar-process';
import { s3EnvFor, startMoto, type MotoServer } from './moto';
import { createTestDatabase, dropTestDatabase } from './postgres';
import { startRoundRobinProxy, type RoundRobinProxy } from './round-robin-proxy';

export interface HangarNode {
  url: string;
  process: HangarProcess;
}

/**
 * Hangar as a cluster runs it: `count` processes of the built server (`dist/`) on one
 * PostgreSQL database and one S3 bucket (moto), behind a round-robin proxy whose address is the
 * cluster's HANGAR_BASE_URL. Every node has the same secret and admin token, and its own empty
 * data directory (nothing a node keeps locally may matter to another).
 */
export interface HangarCluster {
  /** The proxy's address: what clients use. */
  url: string;
  nodes: HangarNode[];
  proxy: RoundRobinProxy;
  databaseUrl: string;
  s3: Record<string, string>;
  adminToken: string;
  close(): Promise<void>;
}

export async function startHangarCluster(count = 2, env: Record<string, string> = {}): Promise<HangarCluster> {
  const moto: MotoServer = await startMoto();
  const database = await createTestDatabase('cluster');
  const proxyPort = await freePort();
  const publicUrl = `http://127.0.0.1:${proxyPort}`;
  const s3 = s3EnvFor(moto.endpoint, `cluster-${process.pid}-${Date.now().toString(36)}`);
  const nodes: HangarNode[] = [];
  const dirs: string[] = [];
  let proxy: RoundRobinProxy | null = null;
  const close = async () => {
    await proxy?.close();
    await Promise.all(nodes.map((n) => stop(n.process)));
    await moto.stop();
    await dropTestDatabase(database.name);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  };
  try {
    // One after the other: the first creates the bucket and checks the schema alone.
    for (let i = 0; i < count; i++) {
      const port = await freePort();
      const dataDir = freshDataDir(`hangar-node${i}-`);
      dirs.push(dataDir);
      const child = startHangarProcess({
        HANGAR_HOST: '127.0.0.1',
        HANGAR_PORT: String(port),
        HANGAR_BASE_URL: publicUrl,
        HANGAR_DATA_DIR: dataDir,
        HANGAR_DATABASE_URL: database.url,
        HANGAR_DATABASE_POOL_SIZE: '4',
        HANGAR_SECRET: 'cluster-secret-0123456789abcdef0123456789abcdef',
        HANGAR_ADMIN_TOKEN: ADMIN_TOKEN,
        HANGAR_LOG_LEVEL: 'warn',
        ...s3,
        ...env,
      });
      const url = `http://127.0.0.1:${port}`;
      nodes.push({ url, process: child });
      await Promise.race([
        waitFor(`${url}/health/ready`, Date.now() + 90_000),
        child.exited.then((code) => Promise.reject(new Error(`node ${i} exited with ${code}:\n${child.output()}`))),
      ]);
    }
    proxy = await startRoundRobinProxy(
      nodes.map((n) => n.url),
      proxyPort,
    );
  } catch (err) {
    await close();
    throw err;
  }
  return { url: publicUrl, nodes, proxy, databaseUrl: database.url, s3, adminToken: ADMIN_TOKEN, close };
}

/** SIGTERM, then SIGKILL if the node is not gone in 15 s. */
async function stop(p: HangarProcess): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 15_000);
  await p.exited;
  clearTimeout(timer);
}
