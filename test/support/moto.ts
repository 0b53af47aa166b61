import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

/** Hangar's environment for the S3 driver on a (moto) endpoint and bucket; the app creates the bucket. */
export function s3EnvFor(endpoint: string, bucket: string): Record<string, string> {
  return {
    HANGAR_STORAGE_DRIVER: 's3',
    HANGAR_S3_ENDPOINT: endpoint,
    HANGAR_S3_PUBLIC_ENDPOINT: endpoint,
    HANGAR_S3_REGION: 'us-east-1',
    HANGAR_S3_BUCKET: bucket,
    HANGAR_S3_ACCESS_KEY_ID: 'testing',
    HANGAR_S3_SECRET_ACCESS_KEY: 'testing',
    HANGAR_S3_FORCE_PATH_STYLE: 'true',
  };
}

/**
 * A throwaway S3 (moto_server from the project's Python venv) on a free loopback port.
 * Each call starts a fresh, empty server; `stop()` kills exactly the process it started.
 */
export interface MotoServer {
  endpoint: string;
  stop(): Promise<void>;
}

export const MOTO_BIN = path.resolve(__dirname, '..', '..', '.venv', 'bin', 'moto_server');

export async function startMoto(timeoutMs = 30_000): Promise<MotoServer> {
  if (!existsSync(MOTO_BIN)) {
    // Loud on purpose: a silently skipped S3 suite would hide the driver from CI.
    throw new Error(`moto_server not found at ${MOTO_BIN}; create the venv: python3 -m venv .venv && .venv/bin/pip install "moto[server]"`);
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(MOTO_BIN, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let exited: { code: number | null; signal: string | null } | null = null;
  child.once('exit', (code, signal) => {
    exited = { code, signal };
  });

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`moto_server exited early (${JSON.stringify(exited)}):\n${stderr}`);
    if (await answers(endpoint)) break;
    if (Date.now() > deadline) {
      await kill(child);
      throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return { endpoint, stop: () => kill(child) };
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

/** Asks the kernel for a free port. A tiny race remains until the caller binds it; fine for tests. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await gone;
  clearTimeout(timer);
}
