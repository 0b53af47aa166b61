// Helpers for bench/big-repo.sh (no dependencies).
//
//   node big-repo.mjs files DIR FROM COUNT          write files FROM..FROM+COUNT-1 under DIR (d000/f000000.txt …)
//   node big-repo.mjs ndjson OUT FROM COUNT MSG     the same files as one NDJSON commit body
//   node big-repo.mjs stats MS...                   "p50 p95" of the numbers given
//
// File i lives in folder d<i / 1000> (1,000 files per folder, as a dataset of shards would) and
// holds a short line unique to it, so every file is its own blob.
import { mkdirSync, writeFileSync, createWriteStream } from 'node:fs';
import * as path from 'node:path';

const FILES_PER_FOLDER = 1000;

export function filePath(i) {
  return `d${String(Math.floor(i / FILES_PER_FOLDER)).padStart(3, '0')}/f${String(i).padStart(6, '0')}.txt`;
}

export function fileContent(i) {
  return Buffer.from(`file ${i} of the big-repo benchmark: ${'x'.repeat(i % 64)}\n`);
}

function writeFiles(dir, from, count) {
  for (let i = from; i < from + count; i++) {
    const p = path.join(dir, filePath(i));
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, fileContent(i));
  }
}

async function writeNdjson(out, from, count, message) {
  const s = createWriteStream(out);
  s.write(JSON.stringify({ key: 'header', value: { summary: message } }) + '\n');
  for (let i = from; i < from + count; i++) {
    s.write(JSON.stringify({ key: 'file', value: { path: filePath(i), content: fileContent(i).toString('base64'), encoding: 'base64' } }) + '\n');
  }
  await new Promise((resolve, reject) => s.end((err) => (err ? reject(err) : resolve())));
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === 'files') writeFiles(args[0], Number(args[1]), Number(args[2]));
else if (cmd === 'ndjson') await writeNdjson(args[0], Number(args[1]), Number(args[2]), args[3]);
else if (cmd === 'stats') {
  const v = args.map(Number).sort((a, b) => a - b);
  process.stdout.write(`${percentile(v, 50).toFixed(1)} ${percentile(v, 95).toFixed(1)}\n`);
} else {
  process.stderr.write('usage: big-repo.mjs files|ndjson|stats …\n');
  process.exit(2);
}
