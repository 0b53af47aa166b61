// Mixed-load driver of bench/soak.sh: `workers` loops, each taking the next operation in turn
// (download, commit, listing, clone) against `url` for `seconds`, then prints the figures.
//   node soak.mjs URL TOKEN REPO SECONDS WORKERS PID[,PID…] NODE_URL[,NODE_URL…]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const [url, token, repo, secondsArg, workersArg, pidsArg, nodesArg] = process.argv.slice(2);
const seconds = Number(secondsArg);
const workers = Number(workersArg);
const pids = pidsArg.split(',').map(Number);
const nodeUrls = (nodesArg ?? '').split(',').filter(Boolean);
const auth = { Authorization: `Bearer ${token}` };
const user = repo.split('/')[0];

function rssKiB(pid) {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/** V8 heap in use and memory outside it (Buffers), from a node's /metrics: RSS alone mixes garbage not yet collected with what is kept. */
async function heapMiB(nodeUrl) {
  if (!nodeUrl) return null;
  const text = await (await fetch(`${nodeUrl}/metrics`)).text();
  const value = (name) => Number(new RegExp(`^${name} ([0-9.e+]+)$`, 'm').exec(text)?.[1] ?? NaN) / 1024 / 1024;
  return { heap: value('nodejs_heap_size_used_bytes'), external: value('nodejs_external_memory_bytes') };
}

async function ok(res, what) {
  const body = Buffer.from(await res.arrayBuffer());
  if (res.status < 200 || res.status >= 300) throw new Error(`${what}: ${res.status} ${body.subarray(0, 200)}`);
  return body;
}

let commits = 0;
const operations = {
  download: async () => ok(await fetch(`${url}/${repo}/resolve/main/data/file-${Math.floor(Math.random() * 50)}.txt`, { headers: auth }), 'download'),
  commit: async () => {
    const n = ++commits;
    const body = [JSON.stringify({ key: 'header', value: { summary: `soak ${n}` } }), JSON.stringify({ key: 'file', value: { path: `soak/${n % 200}.txt`, content: Buffer.from(`soak ${n}\n`).toString('base64'), encoding: 'base64' } })].join('\n');
    return ok(await fetch(`${url}/api/models/${repo}/commit/main`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/x-ndjson' }, body }), 'commit');
  },
  listing: async () => ok(await fetch(`${url}/api/models/${repo}/tree/main?recursive=true`, { headers: auth }), 'listing'),
  clone: async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'soak-clone-'));
    try {
      const u = new URL(`${url}/${repo}`);
      u.username = user;
      u.password = token;
      await new Promise((resolve, reject) => {
        const git = spawn('git', ['clone', '-q', '--depth', '1', u.toString(), path.join(dir, 'c')], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_LFS_SKIP_SMUDGE: '1' } });
        let err = '';
        git.stderr.on('data', (d) => (err += d));
        git.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`clone: exit ${code} ${err.slice(0, 200)}`))));
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
const names = Object.keys(operations);
const latencies = Object.fromEntries(names.map((n) => [n, []]));
const errors = Object.fromEntries(names.map((n) => [n, 0]));
const firstErrors = [];

const rssStart = pids.map(rssKiB);
const heapStart = await Promise.all(pids.map((_, i) => heapMiB(nodeUrls[i])));
const deadline = Date.now() + seconds * 1000;
let turn = 0;
await Promise.all(
  Array.from({ length: workers }, async () => {
    while (Date.now() < deadline) {
      const name = names[turn++ % names.length];
      const start = process.hrtime.bigint();
      try {
        await operations[name]();
        latencies[name].push(Number(process.hrtime.bigint() - start) / 1e6);
      } catch (err) {
        errors[name]++;
        if (firstErrors.length < 5) firstErrors.push(String(err.message ?? err));
      }
    }
  }),
);
const rssEnd = pids.map(rssKiB);
const heapEnd = await Promise.all(pids.map((_, i) => heapMiB(nodeUrls[i])));

const pct = (xs, p) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
console.log(`operation  count  errors  p50 ms  p95 ms`);
for (const n of names) {
  console.log(`${n.padEnd(9)} ${String(latencies[n].length).padStart(6)} ${String(errors[n]).padStart(7)} ${pct(latencies[n], 50).toFixed(1).padStart(7)} ${pct(latencies[n], 95).toFixed(1).padStart(7)}`);
}
pids.forEach((pid, i) => {
  const growth = ((rssEnd[i] - rssStart[i]) / rssStart[i]) * 100;
  console.log(`node ${i + 1} (pid ${pid}): RSS ${(rssStart[i] / 1024).toFixed(1)} MiB at start, ${(rssEnd[i] / 1024).toFixed(1)} MiB at end (${growth >= 0 ? '+' : ''}${growth.toFixed(1)} %)`);
  const [a, b] = [heapStart[i], heapEnd[i]];
  if (a && b) console.log(`node ${i + 1}: V8 heap used ${a.heap.toFixed(1)} → ${b.heap.toFixed(1)} MiB, external ${a.external.toFixed(1)} → ${b.external.toFixed(1)} MiB`);
});
const totalErrors = Object.values(errors).reduce((a, b) => a + b, 0);
console.log(`errors: ${totalErrors}${firstErrors.length ? ` (first: ${firstErrors.join(' | ')})` : ''}`);
process.exitCode = totalErrors ? 1 : 0;
