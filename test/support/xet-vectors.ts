import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { XetFormatError, type XetFormatErrorCode } from '../../src/xet/codec';

/**
 * Vectors from the real hf_xet client: test/support/xet-vectors.py uploads generated files with
 * hf_xet to a capturing local CAS and reports every xorb and shard it received.
 */
export const REPO_ROOT = path.resolve(__dirname, '../..');
export const PYTHON = path.join(REPO_ROOT, '.venv/bin/python');
export const XET_HELPER = path.join(REPO_ROOT, 'test/support/xet-vectors.py');

export interface UploadManifest {
  hfXetVersion: string;
  inputs: Array<{ name: string; path: string; size: number; sha256: string; hashFilesHash: string; hashFilesSize: number }>;
  runs: Array<{
    name: string;
    compression: string;
    files: Array<{ name: string; path: string; size: number; hash: string; sha256: string; reportedSize: number }>;
    xorbs: Array<{ hash: string; path: string; size: number; prefix: string }>;
    shards: Array<{ path: string; size: number; endpoint: string }>;
    requests: Array<{ method: string; path: string; authorization: string | null }>;
  }>;
}

export function runUploadVectors(dir: string, runs: unknown[]): UploadManifest {
  const specPath = path.join(dir, 'spec.json');
  writeFileSync(specPath, JSON.stringify({ outDir: path.join(dir, 'out'), runs }));
  const r = spawnSync(PYTHON, [XET_HELPER, 'upload', specPath], { encoding: 'utf8', maxBuffer: 256 << 20, timeout: 50_000 });
  if (r.status !== 0) throw new Error(`xet-vectors.py upload failed (status ${r.status}): ${r.stderr || r.error}`);
  return JSON.parse(r.stdout) as UploadManifest;
}

/** Asserts `fn` throws a XetFormatError with this code. */
export function expectXetCode(fn: () => unknown, code: XetFormatErrorCode): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(XetFormatError);
  expect((err as XetFormatError).code).toBe(code);
}
