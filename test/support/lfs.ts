import { createHash } from 'node:crypto';
import type { TestUser } from './accounts';
import type { TestApp } from './test-app';

export const LFS_MEDIA_TYPE = 'application/vnd.git-lfs+json';
export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Uploads `bytes` to a model repository as git-lfs does (batch, basic PUT, verify); commit it with `lfsFileLine`. */
export async function uploadLfsObject(t: TestApp, u: TestUser, id: string, bytes: Buffer): Promise<void> {
  const res = await t
    .http()
    .post(`/${id}.git/info/lfs/objects/batch`)
    .set('Accept', LFS_MEDIA_TYPE)
    .set('Content-Type', LFS_MEDIA_TYPE)
    .set('Authorization', `Basic ${Buffer.from(`git:${u.token}`).toString('base64')}`)
    .send(JSON.stringify({ operation: 'upload', transfers: ['basic'], objects: [{ oid: sha256(bytes), size: bytes.length }] }))
    .expect(200);
  const obj = res.body.objects[0];
  const put = await fetch(obj.actions.upload.href, { method: 'PUT', body: bytes });
  if (put.status !== 200) throw new Error(`LFS upload answered ${put.status}`);
  const verify = await fetch(obj.actions.verify.href, { method: 'POST', headers: { 'Content-Type': LFS_MEDIA_TYPE }, body: JSON.stringify({ oid: sha256(bytes), size: bytes.length }) });
  if (verify.status !== 200) throw new Error(`LFS verify answered ${verify.status}`);
}

/** The NDJSON commit line that adds an uploaded LFS object at `path`. */
export const lfsFileLine = (path: string, bytes: Buffer) => ({ key: 'lfsFile', value: { path, algo: 'sha256', oid: sha256(bytes), size: bytes.length } });
