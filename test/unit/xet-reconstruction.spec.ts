import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  buildXorb,
  type BuiltXorb,
  chunkAndHash,
  type CompressionPolicy,
  computeFileHash,
  hashToHex,
  hexToHash,
  mergeFetchRanges,
  parseRangeHeader,
  planReconstruction,
  type ReconstructionTerm,
  scanXorb,
  toReconstructionResponseV1,
  toReconstructionResponseV2,
  XetFormatError,
  type XetFormatErrorCode,
  type XetHash,
  type XorbChunkIndex,
  xorbIndexFromLayout,
} from '../../src/xet/codec';
import { PYTHON, XET_HELPER, expectXetCode } from '../support/xet-vectors';

/**
 * Reconstruction planning. The planner and the xorbs we build are served by a small CAS in this
 * test (v1 and v2 reconstruction APIs, ranged and multi-range xorb fetches), and the real hf_xet
 * client (test/support/xet-vectors.py) downloads whole files and byte ranges from it.
 */



// ---------------------------------------------------------------------------------------------
// Planner unit tests on a synthetic layout.

const H = (n: number): XetHash => new Uint8Array(32).fill(n);
const X1 = H(1);
const X2 = H(2);
// xorb 1: chunks of 10, 20, 30, 40 bytes (serialized with 8-byte headers, uncompressed)
// xorb 2: chunks of 5, 5, 5 bytes
const INDEX = new Map<string, XorbChunkIndex>([
  [hashToHex(X1), { chunkSizes: [10, 20, 30, 40], chunkEnds: [18, 46, 84, 132] }],
  [hashToHex(X2), { chunkSizes: [5, 5, 5], chunkEnds: [13, 26, 39] }],
]);
const lookup = (h: XetHash): XorbChunkIndex | undefined => INDEX.get(hashToHex(h));
// file = X1[0,2) (30 bytes) + X2[0,3) (15) + X1[1,4) (90) = 135 bytes
const TERMS: ReconstructionTerm[] = [
  { xorbHash: X1, chunkIndexStart: 0, chunkIndexEnd: 2, unpackedSegmentBytes: 30 },
  { xorbHash: X2, chunkIndexStart: 0, chunkIndexEnd: 3, unpackedSegmentBytes: 15 },
  { xorbHash: X1, chunkIndexStart: 1, chunkIndexEnd: 4, unpackedSegmentBytes: 90 },
];

describe('planReconstruction', () => {
  it('plans the whole file with merged fetch ranges per xorb', () => {
    const plan = planReconstruction(TERMS, null, lookup);
    expect(plan.fileSize).toBe(135);
    expect(plan.offsetIntoFirstRange).toBe(0);
    expect(plan.terms.map((t) => [t.chunkIndexStart, t.chunkIndexEnd, t.unpackedLength])).toEqual([
      [0, 2, 30],
      [0, 3, 15],
      [1, 4, 90],
    ]);
    // X1 [0,2) and [1,4) overlap: one fetch of chunks [0,4) = bytes [0,132).
    expect(plan.fetches.get(hashToHex(X1))).toEqual([{ chunkIndexStart: 0, chunkIndexEnd: 4, byteStart: 0, byteEnd: 132 }]);
    expect(plan.fetches.get(hashToHex(X2))).toEqual([{ chunkIndexStart: 0, chunkIndexEnd: 3, byteStart: 0, byteEnd: 39 }]);
  });

  it('trims terms to the chunks overlapping a range and reports the offset into the first chunk', () => {
    // bytes [12, 50): starts inside X1 chunk 1 (file bytes 10..30), ends inside the third term's first chunk (45..65)
    const plan = planReconstruction(TERMS, { start: 12, end: 50 }, lookup);
    expect(plan.offsetIntoFirstRange).toBe(2);
    expect(plan.terms.map((t) => [t.hashHex === hashToHex(X1), t.chunkIndexStart, t.chunkIndexEnd, t.unpackedLength])).toEqual([
      [true, 1, 2, 20],
      [false, 0, 3, 15],
      [true, 1, 2, 20],
    ]);
    expect(plan.fetches.get(hashToHex(X1))).toEqual([{ chunkIndexStart: 1, chunkIndexEnd: 2, byteStart: 18, byteEnd: 46 }]);
    // A range inside one chunk.
    const inner = planReconstruction(TERMS, { start: 31, end: 33 }, lookup);
    expect(inner.offsetIntoFirstRange).toBe(1);
    expect(inner.terms.map((t) => [t.chunkIndexStart, t.chunkIndexEnd])).toEqual([[0, 1]]);
    // Ranges ending exactly on a chunk boundary keep no extra chunk; past the end is clamped.
    expect(planReconstruction(TERMS, { start: 0, end: 10 }, lookup).terms.map((t) => [t.chunkIndexStart, t.chunkIndexEnd])).toEqual([[0, 1]]);
    const tail = planReconstruction(TERMS, { start: 130, end: 10_000 }, lookup);
    expect([tail.offsetIntoFirstRange, tail.range, tail.terms.map((t) => [t.chunkIndexStart, t.chunkIndexEnd])]).toEqual([35, { start: 130, end: 135 }, [[3, 4]]]);
  });

  it('merges adjacent ranges and keeps disjoint ones apart', () => {
    const r = (a: number, b: number): { chunkIndexStart: number; chunkIndexEnd: number; byteStart: number; byteEnd: number } => ({
      chunkIndexStart: a,
      chunkIndexEnd: b,
      byteStart: a * 10,
      byteEnd: b * 10,
    });
    expect(mergeFetchRanges([r(5, 7), r(0, 2), r(2, 3), r(8, 9), r(6, 8)])).toEqual([r(0, 3), r(5, 9)]);
  });

  it('handles empty files, out-of-range starts and inconsistent terms', () => {
    expect(planReconstruction([], null, lookup)).toMatchObject({ fileSize: 0, terms: [], offsetIntoFirstRange: 0 });
    expect(planReconstruction([], { start: 0, end: 10 }, lookup).terms).toEqual([]);
    expectXetCode(() => planReconstruction(TERMS, { start: 135, end: 200 }, lookup), 'range_not_satisfiable');
    expectXetCode(() => planReconstruction([{ ...TERMS[0], unpackedSegmentBytes: 31 }], null, lookup), 'invalid_argument');
    expectXetCode(() => planReconstruction([{ ...TERMS[0], chunkIndexEnd: 5 }], null, lookup), 'invalid_argument');
    expectXetCode(() => planReconstruction([{ ...TERMS[0], xorbHash: H(9) }], null, lookup), 'invalid_argument');
  });

  it('renders v1 and v2 responses', () => {
    const plan = planReconstruction(TERMS, { start: 12, end: 50 }, lookup);
    const v1 = toReconstructionResponseV1(plan, (hex, r) => `u/${hex.slice(0, 2)}/${r.start}-${r.end}`);
    expect(v1.offset_into_first_range).toBe(2);
    expect(v1.terms[0]).toEqual({ hash: hashToHex(X1), unpacked_length: 20, range: { start: 1, end: 2 } });
    expect(v1.fetch_info[hashToHex(X1)]).toEqual([{ range: { start: 1, end: 2 }, url: 'u/01/18-45', url_range: { start: 18, end: 45 } }]);
    const full = planReconstruction(
      [
        { xorbHash: X1, chunkIndexStart: 0, chunkIndexEnd: 1, unpackedSegmentBytes: 10 },
        { xorbHash: X1, chunkIndexStart: 2, chunkIndexEnd: 3, unpackedSegmentBytes: 30 },
        { xorbHash: X1, chunkIndexStart: 3, chunkIndexEnd: 4, unpackedSegmentBytes: 40 },
      ],
      null,
      lookup,
    );
    const v2 = toReconstructionResponseV2(full, (hex, rs) => `u/${rs.map((r) => `${r.start}-${r.end}`).join(',')}`);
    expect(v2.xorbs[hashToHex(X1)]).toEqual([
      {
        url: 'u/0-17,46-131',
        ranges: [
          { chunks: { start: 0, end: 1 }, bytes: { start: 0, end: 17 } },
          { chunks: { start: 2, end: 4 }, bytes: { start: 46, end: 131 } },
        ],
      },
    ]);
    expect(toReconstructionResponseV2(full, () => 'u', 1).xorbs[hashToHex(X1)]).toHaveLength(2);
  });
});

describe('parseRangeHeader', () => {
  it('parses single byte ranges (inclusive end) into [start, end)', () => {
    expect(parseRangeHeader(undefined, 100)).toEqual({ start: 0, end: 100 });
    expect(parseRangeHeader('bytes=0-0', 100)).toEqual({ start: 0, end: 1 });
    expect(parseRangeHeader('bytes=10-19', 100)).toEqual({ start: 10, end: 20 });
    expect(parseRangeHeader('bytes=10-', 100)).toEqual({ start: 10, end: 100 });
    expect(parseRangeHeader('bytes=90-1000', 100)).toEqual({ start: 90, end: 100 });
    expect(parseRangeHeader('bytes=-30', 100)).toEqual({ start: 70, end: 100 });
    expect(parseRangeHeader('bytes=-300', 100)).toEqual({ start: 0, end: 100 });
    expect(parseRangeHeader('bytes=0-10', 0)).toEqual({ start: 0, end: 0 });
  });

  it('rejects malformed and unsatisfiable ranges', () => {
    for (const bad of ['bytes=', 'bytes=-', 'bytes=5-2', 'items=0-1', 'bytes=0-1,5-6', 'bytes=a-b']) expectXetCode(() => parseRangeHeader(bad, 100), 'invalid_range');
    expectXetCode(() => parseRangeHeader('bytes=100-', 100), 'range_not_satisfiable');
    expectXetCode(() => parseRangeHeader('bytes=5-10', 0), 'range_not_satisfiable');
  });
});

// ---------------------------------------------------------------------------------------------
// hf_xet downloading from a CAS driven by the planner.

interface StoredFile {
  hash: string;
  data: Buffer;
  terms: ReconstructionTerm[];
}

interface Cas {
  server: Server;
  endpoint: string;
  requests: Array<{ method: string; url: string; range?: string }>;
  apiVersionsSeen: Set<string>;
}

function makeContent(): { files: StoredFile[]; xorbs: Map<string, BuiltXorb> } {
  const text = Buffer.from(
    Array.from({ length: 60_000 }, (_, i) => `line ${i} ${['alpha', 'beta', 'gamma', 'delta'][i % 4]} ${(i * 7919) % 1000}\n`).join(''),
  ).subarray(0, 900_000);
  const rnd = randomBytes(700_000);
  const floats = Buffer.alloc(400_000);
  for (let i = 0; i < floats.length / 4; i++) floats.writeFloatLE(Math.sin(i / 50) * 2, i * 4);
  const sources: Record<string, Buffer> = {
    a: Buffer.concat([text, rnd]),
    // Shares a's text and part of its random data, plus new float data in the middle.
    b: Buffer.concat([text, floats, rnd.subarray(0, 350_000)]),
    zeros: Buffer.alloc(3 * 131072 + 999),
    small: Buffer.from('hello xet'),
  };
  // Put each file's new chunks in xorbs (one xorb per file, rotating compression), dedup the rest.
  const where = new Map<string, [string, number]>(); // chunk hash -> [xorb hex, index]
  const xorbs = new Map<string, BuiltXorb>();
  const policies: CompressionPolicy[] = ['lz4', 'bg4-lz4', 'none', 'auto'];
  const files: StoredFile[] = [];
  Object.entries(sources).forEach(([, data], fi) => {
    const chunks = chunkAndHash(data);
    const fresh: typeof chunks = [];
    const seen = new Set<string>();
    for (const c of chunks) {
      const hex = hashToHex(c.hash);
      if (!where.has(hex) && !seen.has(hex)) {
        seen.add(hex);
        fresh.push(c);
      }
    }
    if (fresh.length > 0) {
      const x = buildXorb(
        fresh.map((c) => c.data),
        { compression: policies[fi % policies.length] },
      );
      xorbs.set(x.hashHex, x);
      fresh.forEach((c, i) => where.set(hashToHex(c.hash), [x.hashHex, i]));
    }
    const terms: ReconstructionTerm[] = [];
    for (const c of chunks) {
      const [xhex, idx] = where.get(hashToHex(c.hash))!;
      const last = terms[terms.length - 1];
      if (last && hashToHex(last.xorbHash) === xhex && last.chunkIndexEnd === idx) {
        last.chunkIndexEnd++;
        last.unpackedSegmentBytes += c.size;
      } else {
        terms.push({ xorbHash: hexToHash(xhex), chunkIndexStart: idx, chunkIndexEnd: idx + 1, unpackedSegmentBytes: c.size });
      }
    }
    files.push({ hash: hashToHex(computeFileHash(chunks)), data, terms });
  });
  return { files, xorbs };
}

function parseHttpRanges(header: string | undefined, size: number): Array<[number, number]> | null {
  if (!header) return null;
  const m = /^bytes=(.+)$/.exec(header);
  if (!m) return null;
  return m[1].split(',').map((p) => {
    const [a, b] = p.trim().split('-');
    return [Number(a), Math.min(Number(b), size - 1)];
  });
}

async function startCas(files: StoredFile[], xorbs: Map<string, BuiltXorb>): Promise<Cas> {
  const indexes = new Map<string, XorbChunkIndex>();
  for (const [hex, x] of xorbs) indexes.set(hex, xorbIndexFromLayout(scanXorb(x.bytes)));
  const cas: Cas = { server: createServer(), endpoint: '', requests: [], apiVersionsSeen: new Set() };
  cas.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    const url = req.url ?? '';
    cas.requests.push({ method: req.method ?? '', url, range: req.headers.range });
    const json = (code: number, body: unknown): void => {
      const text = JSON.stringify(body);
      res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    const recon = /^\/(v1|v2)\/reconstructions\/([0-9a-f]{64})$/.exec(url);
    if (req.method === 'GET' && recon) {
      cas.apiVersionsSeen.add(recon[1]);
      const file = files.find((f) => f.hash === recon[2]);
      if (!file) return json(404, { error: 'not found' });
      try {
        const range = parseRangeHeader(req.headers.range, file.data.length);
        const plan = planReconstruction(file.terms, range, (h) => indexes.get(hashToHex(h)));
        const base = cas.endpoint;
        return json(
          200,
          recon[1] === 'v1'
            ? toReconstructionResponseV1(plan, (hex, r) => `${base}/xorb/${hex}?bytes=${r.start}-${r.end}`)
            : toReconstructionResponseV2(plan, (hex, rs) => `${base}/xorb/${hex}?bytes=${rs.map((r) => `${r.start}-${r.end}`).join(',')}`),
        );
      } catch (e) {
        if (e instanceof XetFormatError && e.code === 'range_not_satisfiable') return json(416, { error: e.message });
        return json(400, { error: String(e) });
      }
    }
    const fetch = /^\/xorb\/([0-9a-f]{64})(\?.*)?$/.exec(url);
    if (req.method === 'GET' && fetch) {
      const x = xorbs.get(fetch[1]);
      if (!x) return json(404, { error: 'no xorb' });
      const ranges = parseHttpRanges(req.headers.range, x.bytes.length);
      if (!ranges) {
        res.writeHead(200, { 'content-length': x.bytes.length });
        return res.end(Buffer.from(x.bytes));
      }
      if (ranges.length === 1) {
        const [a, b] = ranges[0];
        res.writeHead(206, { 'content-range': `bytes ${a}-${b}/${x.bytes.length}`, 'content-length': b - a + 1 });
        return res.end(Buffer.from(x.bytes.subarray(a, b + 1)));
      }
      const boundary = 'XETTESTBOUNDARY';
      const parts = ranges.flatMap(([a, b]) => [
        Buffer.from(`--${boundary}\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes ${a}-${b}/${x.bytes.length}\r\n\r\n`),
        Buffer.from(x.bytes.subarray(a, b + 1)),
        Buffer.from('\r\n'),
      ]);
      const body = Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]);
      res.writeHead(206, { 'content-type': `multipart/byteranges; boundary=${boundary}`, 'content-length': body.length });
      return res.end(body);
    }
    return json(404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => cas.server.listen(0, '127.0.0.1', resolve));
  cas.endpoint = `http://127.0.0.1:${(cas.server.address() as AddressInfo).port}`;
  return cas;
}

function runPython(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), 45_000);
    p.on('error', reject);
    p.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

describe('hf_xet downloads from a CAS serving our plans and xorbs', () => {
  let tmp: string;
  let content: ReturnType<typeof makeContent>;
  let cas: Cas;

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'xet-recon-'));
    content = makeContent();
    cas = await startCas(content.files, content.xorbs);
  });

  afterAll(async () => {
    if (cas) await new Promise((r) => cas.server.close(r));
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('built content exercises dedup across files, repeated chunks and every compression scheme', () => {
    const schemes = new Set([...content.xorbs.values()].flatMap((x) => x.chunks.map((c) => c.scheme)));
    expect([...schemes].sort()).toEqual([0, 1, 2]);
    const b = content.files[1];
    expect(new Set(b.terms.map((t) => hashToHex(t.xorbHash))).size).toBeGreaterThan(1);
    const zeros = content.files[2];
    expect(zeros.terms.length).toBeGreaterThan(1);
  });

  const RANGES: Array<[number, number, number]> = [
    // [file index, start, end)
    [0, 0, 1000],
    [0, 100_001, 300_017],
    [0, 1_599_000, 1_600_000],
    [1, 850_000, 1_400_000], // across the text/floats/random terms
    [1, 1_000_000, 1_000_001],
    [2, 131_000, 300_000], // repeated zero chunks
    [3, 2, 7],
  ];

  it.each([
    ['v1', { 'client.reconstruction_api_version': 1 }],
    ['v2', { 'client.reconstruction_api_version': 2 }],
    ['v2 multi-range', { 'client.reconstruction_api_version': 2, 'client.enable_multirange_fetching': true }],
  ])('reconstruction API %s: whole files and byte ranges come back intact', async (label, config) => {
    const dir = path.join(tmp, label.replace(/\W+/g, '-'));
    const items = [
      ...content.files.map((f, i) => ({ hash: f.hash, size: f.data.length, dest: path.join(dir, `whole-${i}`) })),
      ...RANGES.map(([fi, start, end], i) => ({
        hash: content.files[fi].hash,
        size: content.files[fi].data.length,
        start,
        end,
        dest: path.join(dir, `range-${i}`),
      })),
    ];
    const specPath = path.join(tmp, `${label.replace(/\W+/g, '-')}.json`);
    writeFileSync(specPath, JSON.stringify({ outDir: dir, endpoint: cas.endpoint, config, items }));
    cas.apiVersionsSeen.clear();
    const before = cas.requests.length;
    const r = await runPython([XET_HELPER, 'download', specPath]);
    if (r.status !== 0) throw new Error(`xet-vectors.py download failed (${r.status}): ${r.stderr}`);
    const out = JSON.parse(r.stdout) as { results: Array<{ dest: string; ok: boolean; error?: string }> };
    expect(out.results.filter((x) => !x.ok)).toEqual([]);
    content.files.forEach((f, i) => expect([i, readFileSync(path.join(dir, `whole-${i}`)).equals(f.data)]).toEqual([i, true]));
    RANGES.forEach(([fi, start, end], i) => {
      const got = readFileSync(path.join(dir, `range-${i}`));
      expect([i, got.length, got.equals(content.files[fi].data.subarray(start, end))]).toEqual([i, end - start, true]);
    });
    expect([...cas.apiVersionsSeen]).toEqual([label.slice(0, 2)]);
    const seen = cas.requests.slice(before);
    expect(seen.some((q) => q.url.startsWith('/xorb/'))).toBe(true);
    // Every xorb fetch asked for byte ranges our plan put in its URL (all of them at once with
    // multi-range fetching, else one per request).
    for (const q of seen.filter((x) => x.url.startsWith('/xorb/'))) {
      const planned = new URL(q.url, cas.endpoint).searchParams.get('bytes')!;
      if (label === 'v2') {
        expect(planned.split(',')).toContain(q.range!.replace(/^bytes=/, ''));
      } else {
        expect(q.range).toBe(`bytes=${planned}`);
      }
    }
  });
});
