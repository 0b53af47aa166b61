import type { TestApp } from './test-app';

export type NdjsonLine = { key: string; value: Record<string, unknown> };

export function ndjson(lines: NdjsonLine[]): string {
  return lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
}

export const header = (summary: string, extra: Record<string, unknown> = {}): NdjsonLine => ({ key: 'header', value: { summary, ...extra } });
export const file = (path: string, content: string | Buffer): NdjsonLine => ({
  key: 'file',
  value: { path, content: Buffer.from(content).toString('base64'), encoding: 'base64' },
});

/** Posts an NDJSON commit to `api/<types>/<id>/commit/<rev>` and returns the supertest response. */
export function commit(t: TestApp, token: string, id: string, lines: NdjsonLine[] | string, opts: { type?: 'models' | 'datasets' | 'spaces'; revision?: string; query?: string } = {}) {
  const url = `/api/${opts.type ?? 'models'}/${id}/commit/${encodeURIComponent(opts.revision ?? 'main')}${opts.query ?? ''}`;
  return t
    .http()
    .post(url)
    .set('Authorization', `Bearer ${token}`)
    .set('Content-Type', 'application/x-ndjson')
    .send(typeof lines === 'string' ? lines : ndjson(lines));
}

export function createRepo(t: TestApp, token: string, name: string, extra: Record<string, unknown> = {}) {
  return t.http().post('/api/repos/create').set('Authorization', `Bearer ${token}`).send({ name, ...extra });
}
