import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FsObjectStore } from '../../src/core/storage/fs-object-store';
import { UrlSigner } from '../../src/core/storage/url-signer';
import { loadConfig } from '../../src/core/config/config';

/** Issue 22 item 13: the store holds private repositories' bytes, so nobody else may read it. */
describe('FsObjectStore file modes', () => {
  let dir: string;
  const signer = new UrlSigner('s'.repeat(32));
  const mode = (p: string) => statSync(p).mode & 0o777;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'hangar-modes-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Every file and folder under `root` (the root included) with its mode. */
  function modes(root: string): Array<[string, number, 'f' | 'd']> {
    const out: Array<[string, number, 'f' | 'd']> = [[root, mode(root), 'd']];
    const walk = (d: string) => {
      for (const e of require('node:fs').readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        out.push([p, mode(p), e.isDirectory() ? 'd' : 'f']);
        if (e.isDirectory()) walk(p);
      }
    };
    walk(root);
    return out;
  }

  async function fill(store: FsObjectStore): Promise<void> {
    await store.put('lfs/ab/cd/object', Buffer.from('private bytes'));
    await store.copy('lfs/ab/cd/object', 'lfs/ef/01/copy');
    const upload = await store.createMultipartUpload('lfs/staging/multi');
    const part = await store.putPart('lfs/staging/multi', upload, 1, Buffer.from('part one'));
    const pending = await store.createMultipartUpload('lfs/staging/pending');
    await store.putPart('lfs/staging/pending', pending, 1, Buffer.from('still open'));
    await store.completeMultipartUpload('lfs/staging/multi', upload, [{ partNumber: 1, etag: part.etag }]);
  }

  it('creates files 0600 and folders 0700 by default', async () => {
    const root = path.join(dir, 'objects');
    const store = new FsObjectStore(root, signer, 'http://h');
    await fill(store);
    const all = modes(root);
    expect(all.filter(([, , t]) => t === 'f').length).toBeGreaterThanOrEqual(4);
    expect(all.filter(([, m, t]) => m !== (t === 'f' ? 0o600 : 0o700)).map(([p, m]) => `${path.relative(dir, p)} ${m.toString(8)}`)).toEqual([]);
  });

  it('closes an existing world-readable store at its root, leaving old files as they are', async () => {
    const root = path.join(dir, 'objects');
    mkdirSync(path.join(root, 'lfs'), { recursive: true, mode: 0o755 });
    writeFileSync(path.join(root, 'lfs', 'old'), 'old', { mode: 0o644 });
    require('node:fs').chmodSync(root, 0o755);
    const store = new FsObjectStore(root, signer, 'http://h');
    await store.put('lfs/new', Buffer.from('new'));
    expect(mode(root)).toBe(0o700);
    expect(mode(path.join(root, 'lfs', 'new'))).toBe(0o600);
  });

  it('takes the modes from HANGAR_STORAGE_FILE_MODE and HANGAR_STORAGE_DIR_MODE', async () => {
    const config = loadConfig({ HANGAR_DATA_DIR: dir, HANGAR_STORAGE_FILE_MODE: '0640', HANGAR_STORAGE_DIR_MODE: '750' });
    if (config.storage.driver !== 'fs') throw new Error('fs expected');
    expect([config.storage.fileMode, config.storage.dirMode]).toEqual([0o640, 0o750]);
    const store = new FsObjectStore(config.storage.root, signer, 'http://h', { fileMode: config.storage.fileMode, dirMode: config.storage.dirMode });
    await fill(store);
    for (const [p, m, t] of modes(config.storage.root)) expect([path.relative(dir, p), m]).toEqual([path.relative(dir, p), t === 'f' ? 0o640 : 0o750]);
    expect(() => loadConfig({ HANGAR_DATA_DIR: dir, HANGAR_STORAGE_FILE_MODE: '0999' })).toThrow(/HANGAR_STORAGE_FILE_MODE/);
  });
});
