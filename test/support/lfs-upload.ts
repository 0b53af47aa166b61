import { createHash } from 'node:crypto';
import type { TestApp } from './test-app';

const LFS = 'application/vnd.git-lfs+json';
export const sha256hex = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** The NDJSON `lfsFile` line committing an uploaded LFS object at `path`. */
export const lfsFile = (path: string, bytes: Buffer) => ({ key: 'lfsFile', value: { path, algo: 'sha256', oid: sha256hex(bytes), size: bytes.length } });

/** Uploads `bytes` to a repository's LFS store the way git-lfs does (batch, basic PUT, verify). */
export async function uploadLfs(t: TestApp, token: string, repoId: string, bytes: Buffer): Promise<string> {
  const oid = sha256hex(bytes);
  const res = await t
    .http()
    .post(`/${repoId}.git/info/lfs/objects/batch`)
    .set('Accept', LFS)
    .set('Content-Type', LFS)
    .set('Authorization', `Basic ${Buffer.from(`git:${token}`).toString('base64')}`)
    .send(JSON.stringify({ operation: 'upload', transfers: ['basic'], objects: [{ oid, size: bytes.length }] }));
  if (res.status !== 200) throw new Error(`LFS batch answered ${res.status}: ${res.text}`);
  const actions = res.body.objects[0].actions;
  if (!actions) return oid; // already stored
  const put = await fetch(actions.upload.href, { method: 'PUT', body: bytes });
  if (put.status !== 200) throw new Error(`LFS PUT answered ${put.status}`);
  const verify = await fetch(actions.verify.href, { method: 'POST', headers: { 'Content-Type': LFS }, body: JSON.stringify({ oid, size: bytes.length }) });
  if (verify.status !== 200) throw new Error(`LFS verify answered ${verify.status}`);
  return oid;
}
