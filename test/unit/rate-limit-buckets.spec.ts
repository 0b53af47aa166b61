import { bucketFor, rateLimitHeaders } from '../../src/auth/rate-limit/rate-limit-buckets';

describe('rate-limit buckets', () => {
  it.each([
    ['/api/models', 'api'],
    ['/api/models/a/b/tree/main', 'api'],
    ['/admin/api/users', 'api'],
    ['/a/b.git/info/refs', 'api'],
    ['/datasets/a/b/git-upload-pack', 'api'],
    ['/a/b.git/git-receive-pack', 'api'],
    ['/a/b.git/info/lfs/objects/batch', 'api'],
    ['/a/b.git/info/lfs/locks/verify', 'api'],
    ['/a/b/resolve/main/config.json', 'resolvers'],
    ['/datasets/a/b/resolve/v1.0/data/x.parquet', 'resolvers'],
    ['/api/models/a/b/resolve/main/x', 'resolvers'],
    ['/', 'pages'],
    ['/a/b', 'pages'],
    ['/docs', 'pages'],
    ['/avatars/alice', 'pages'],
    ['/health', null],
    ['/health/ready', null],
    ['/metrics', null],
    ['/storage/fs/lfs/ab/cd', null],
    ['/lfs/uploads/123', null],
    ['/lfs/objects/abc', null],
    ['/v1/xorbs/default/abc', null],
    ['/v2/reconstructions/abc', null],
    ['/v1/telemetry', null],
  ])('%s counts in %s', (path, bucket) => {
    expect(bucketFor(path)).toBe(bucket);
  });

  it('writes the headers huggingface_hub parses, with Retry-After only once the limit is passed', () => {
    expect(rateLimitHeaders({ bucket: 'api', limit: 500, windowSeconds: 300, hits: 10, resetSeconds: 55 })).toEqual({
      RateLimit: '"api";r=490;t=55',
      'RateLimit-Policy': '"fixed window";"api";q=500;w=300',
    });
    expect(rateLimitHeaders({ bucket: 'resolvers', limit: 2, windowSeconds: 60, hits: 3, resetSeconds: 7 })).toEqual({
      RateLimit: '"resolvers";r=0;t=7',
      'RateLimit-Policy': '"fixed window";"resolvers";q=2;w=60',
      'Retry-After': '7',
    });
  });
});
