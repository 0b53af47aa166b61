import { ADMIN_TOKEN } from './test-app';
import { freePort, startHangarProcess, waitFor, type HangarProcess } from './hangar-process';
import { waitUntil } from './wait';

/** Real Hangar processes for the fallback tests: an upstream (A) and the nodes reading through to it (B). */
export interface Node {
  url: string;
  proc: HangarProcess;
}

export async function startNode(databaseUrl: string, dataDir: string, env: Record<string, string> = {}): Promise<Node> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = startHangarProcess({
    HANGAR_HOST: '127.0.0.1',
    HANGAR_PORT: String(port),
    HANGAR_DATA_DIR: dataDir,
    HANGAR_DATABASE_URL: databaseUrl,
    HANGAR_DATABASE_POOL_SIZE: '4',
    HANGAR_SECRET: 'fallback-secret-0123456789abcdef0123456789abcdef',
    HANGAR_ADMIN_TOKEN: ADMIN_TOKEN,
    HANGAR_LOG_LEVEL: 'warn',
    ...env,
  });
  await Promise.race([
    waitFor(`${url}/health/ready`, Date.now() + 90_000),
    proc.exited.then((code) => Promise.reject(new Error(`node exited with ${code}:\n${proc.output()}`))),
  ]);
  return { url, proc };
}

export async function stop(n: Node): Promise<void> {
  if (n.proc.child.exitCode !== null || n.proc.child.signalCode !== null) return;
  n.proc.child.kill('SIGKILL');
  await n.proc.exited;
}

/**
 * Adds a fallback source through the first node's admin API and waits until every given node
 * lists it (a node reads the source list anew after a couple of seconds); returns its id.
 */
export async function addFallbackSource(nodes: Node[], source: Record<string, unknown>): Promise<number> {
  const created = await fetch(`${nodes[0].url}/admin/api/fallback-sources`, {
    method: 'POST',
    headers: { 'X-Admin-Token': ADMIN_TOKEN, 'Content-Type': 'application/json' },
    body: JSON.stringify(source),
  });
  if (created.status !== 200) throw new Error(`adding a fallback source: ${created.status} ${await created.text()}`);
  const id = ((await created.json()) as { id: number }).id;
  for (const node of nodes) {
    await waitUntil(async () => ((await (await fetch(`${node.url}/health/ready`)).json()) as { fallback_sources?: { url: string }[] }).fallback_sources?.some((s) => s.url === source.url) === true);
  }
  return id;
}
