import { uiShellFor, wantsHtml } from '../../src/web-ui/ui-routes';

describe('which browser navigations get the web UI', () => {
  it('hub and admin client routes get their shell', () => {
    for (const p of ['/', '/models', '/datasets', '/alice', '/alice/bert', '/alice/bert/tree/main/a/b', '/alice/bert/blob/v1/x.py', '/alice/bert/commit/abc', '/datasets/alice/d', '/spaces/alice/s/commits/main', '/settings/tokens', '/login']) {
      expect([p, uiShellFor(p)]).toEqual([p, 'hub']);
    }
    for (const p of ['/admin', '/admin/', '/admin/users', '/admin/users/bob']) expect([p, uiShellFor(p)]).toEqual([p, 'admin']);
  });

  it('API, git, LFS, Xet, download and operations paths never do', () => {
    for (const p of [
      '/api/models',
      '/api/nope/deeper',
      '/admin/api/stats',
      '/admin/api/nope',
      '/health',
      '/metrics',
      '/docs',
      '/lfs/objects/abc',
      '/storage/fs/x',
      '/v1/reconstructions/x',
      '/v2/shards',
      '/avatars/a.png',
      '/org/acme',
      '/invite/tok',
      '/register',
      '/-/ui/hub.js',
      '/alice/bert/resolve/main/x',
      '/alice/bert/raw/main/x',
      '/alice/bert/info/refs',
      '/alice/bert.git/info/refs',
      '/alice/bert.git',
      '/datasets/alice/d/resolve/main/x',
      '/spaces/alice/s.git/info/lfs/objects/batch',
      '/alice/bert/git-upload-pack',
    ]) {
      expect([p, uiShellFor(p)]).toEqual([p, null]);
    }
  });

  it('only navigations that accept HTML count', () => {
    expect(wantsHtml('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')).toBe(true);
    expect(wantsHtml('text/html')).toBe(true);
    expect(wantsHtml('application/json')).toBe(false);
    expect(wantsHtml('*/*')).toBe(false);
    expect(wantsHtml('text/htmlx')).toBe(false);
    expect(wantsHtml(undefined)).toBe(false);
  });
});
