import type { Response } from 'supertest';
import { createUserWithToken, TestUser } from '../support/accounts';
import { expectHfError } from '../support/hf-error';
import { commit, createRepo, file, header } from '../support/repos';
import { startTestApp, TestApp } from '../support/test-app';

type Answer = Response;

/** The `RateLimit` header as huggingface_hub reads it: `"<bucket>";r=<remaining>;t=<seconds>`. */
function parseRateLimit(value: string | undefined): { bucket: string; remaining: number; reset: number } {
  const m = /^"(\w+)";r=(\d+);t=(\d+)$/.exec(value ?? '');
  if (!m) throw new Error(`no RateLimit header in the Hub's form: ${value}`);
  return { bucket: m[1], remaining: Number(m[2]), reset: Number(m[3]) };
}

describe('rate limits (HANGAR_RATE_LIMIT_*)', () => {
  describe('off by default', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t.close());

    it('counts nothing and sends no RateLimit headers', async () => {
      for (let i = 0; i < 5; i++) {
        const res = await t.http().get('/api/models').expect(200);
        expect(res.headers.ratelimit).toBeUndefined();
        expect(res.headers['ratelimit-policy']).toBeUndefined();
      }
      expect((await t.db.query('SELECT count(*)::int AS n FROM rate_limit_counters')).rows[0].n).toBe(0);
    });
  });

  describe('with limits', () => {
    let t: TestApp;
    let peer: Awaited<ReturnType<TestApp['startPeer']>>;
    let owner: TestUser;
    const LIMITS = { api: 30, resolvers: 4, pages: 3 };

    beforeAll(async () => {
      t = await startTestApp({
        HANGAR_RATE_LIMIT_API_REQUESTS: String(LIMITS.api),
        HANGAR_RATE_LIMIT_RESOLVERS_REQUESTS: String(LIMITS.resolvers),
        HANGAR_RATE_LIMIT_PAGES_REQUESTS: String(LIMITS.pages),
        HANGAR_RATE_LIMIT_WINDOW_SECONDS: '3600',
      });
      peer = await t.startPeer();
      owner = await createUserWithToken(t);
      await createRepo(t, owner.token, 'limited').expect(200);
      await commit(t, owner.token, `${owner.username}/limited`, [header('add'), file('a.txt', 'a\n')]).expect(200);
    });
    afterAll(async () => {
      await peer.close();
      await t.close();
    });

    /** Sends requests until the 429; returns every answer. Fails if the limit never comes. */
    async function untilRefused(send: (i: number) => Promise<Answer>, atMost: number): Promise<Answer[]> {
      const answers: Answer[] = [];
      for (let i = 0; i < atMost; i++) {
        const res = await send(i);
        answers.push(res);
        if (res.status === 429) return answers;
      }
      throw new Error(`no 429 after ${atMost} requests`);
    }

    it('counts down in the RateLimit header and answers 429 with the Hub headers when the window is spent', async () => {
      const u = await createUserWithToken(t);
      const answers = await untilRefused(() => t.http().get('/api/whoami-v2').set('Authorization', `Bearer ${u.token}`), LIMITS.api + 2);
      const refused = answers.pop()!;
      // Every answer before the refusal counts one down, and the refusal comes right after 0.
      const remaining = answers.map((a) => parseRateLimit(a.headers.ratelimit).remaining);
      expect(answers.every((a) => a.status === 200)).toBe(true);
      expect(remaining.at(-1)).toBe(0);
      expect(remaining).toEqual(remaining.map((_, i) => remaining[0] - i));

      expectHfError(refused, 429, 'RateLimited');
      const rl = parseRateLimit(refused.headers.ratelimit);
      expect(rl).toEqual({ bucket: 'api', remaining: 0, reset: expect.any(Number) });
      expect(rl.reset).toBeGreaterThanOrEqual(1);
      expect(rl.reset).toBeLessThanOrEqual(3600);
      expect(refused.headers['ratelimit-policy']).toBe(`"fixed window";"api";q=${LIMITS.api};w=3600`);
      expect(refused.headers['retry-after']).toBe(String(rl.reset));
    });

    it('counts per user: every token of the user shares one count, another user has their own', async () => {
      const u = await createUserWithToken(t);
      const second = (await t.http().post('/api/auth/login').send({ username: u.username, password: u.password }).expect(200)).headers['set-cookie'];
      const other = await createUserWithToken(t);
      // Alternate the user's token and their session cookie: one count for both.
      const answers = await untilRefused(
        (i) => (i % 2 ? t.http().get('/api/whoami-v2').set('Authorization', `Bearer ${u.token}`) : t.http().get('/api/whoami-v2').set('Cookie', second)),
        LIMITS.api + 2,
      );
      expect(answers.length).toBeLessThanOrEqual(LIMITS.api + 1);
      const res = await t.http().get('/api/whoami-v2').set('Authorization', `Bearer ${other.token}`).expect(200);
      expect(parseRateLimit(res.headers.ratelimit).remaining).toBeGreaterThan(0);
    });

    it('keeps the buckets apart: resolve and pages count on their own, health is not counted', async () => {
      const u = await createUserWithToken(t);
      await untilRefused(() => t.http().get('/api/whoami-v2').set('Authorization', `Bearer ${u.token}`), LIMITS.api + 2);

      // The api bucket is spent; downloads still go, in their own bucket, until theirs is.
      const resolves = await untilRefused(() => t.http().get(`/${owner.username}/limited/resolve/main/a.txt`).set('Authorization', `Bearer ${u.token}`), LIMITS.resolvers + 2);
      expect(resolves.map((a) => a.status)).toEqual([...Array(LIMITS.resolvers).fill(200), 429]);
      expect(parseRateLimit(resolves[0].headers.ratelimit)).toEqual({ bucket: 'resolvers', remaining: LIMITS.resolvers - 1, reset: expect.any(Number) });
      expect(resolves[LIMITS.resolvers].headers['ratelimit-policy']).toBe(`"fixed window";"resolvers";q=${LIMITS.resolvers};w=3600`);

      // Pages: anything outside the API and downloads (here an unknown page, 404).
      const pages = await untilRefused(() => t.http().get('/some/page').set('Authorization', `Bearer ${u.token}`), LIMITS.pages + 2);
      expect(pages.map((a) => a.status)).toEqual([...Array(LIMITS.pages).fill(404), 429]);
      expect(parseRateLimit(pages[0].headers.ratelimit).bucket).toBe('pages');

      for (let i = 0; i < 3; i++) {
        const health = await t.http().get('/health').set('Authorization', `Bearer ${u.token}`).expect(200);
        expect(health.headers.ratelimit).toBeUndefined();
      }
    });

    it('counts anonymous callers per client address, taken from X-Forwarded-For when the proxy is trusted', async () => {
      // The test client connects from loopback, which HANGAR_TRUST_PROXY trusts by default.
      const from = (ip: string) => () => t.http().get('/api/models').set('X-Forwarded-For', ip);
      const first = await untilRefused(from('203.0.113.7'), LIMITS.api + 2);
      expect(first.length).toBe(LIMITS.api + 1);
      const other = await t.http().get('/api/models').set('X-Forwarded-For', '203.0.113.8').expect(200);
      expect(parseRateLimit(other.headers.ratelimit).remaining).toBe(LIMITS.api - 1);
    });

    it('shares the counts between nodes (one PostgreSQL)', async () => {
      const u = await createUserWithToken(t);
      const nodes = [t, peer];
      const answers = await untilRefused((i) => nodes[i % 2].http().get('/api/whoami-v2').set('Authorization', `Bearer ${u.token}`), 2 * LIMITS.api);
      expect(answers.length).toBeLessThanOrEqual(LIMITS.api + 1);
    });

    it('lets requests through when the counter store fails (fail open), and counts again once it is back', async () => {
      await t.db.query('ALTER TABLE rate_limit_counters RENAME TO rate_limit_counters_away');
      try {
        for (let i = 0; i < LIMITS.pages + 2; i++) {
          const res = await t.http().get('/api/models').set('X-Forwarded-For', '198.51.100.1').expect(200);
          expect(res.headers.ratelimit).toBeUndefined();
        }
      } finally {
        await t.db.query('ALTER TABLE rate_limit_counters_away RENAME TO rate_limit_counters');
      }
      const back = await t.http().get('/api/models').set('X-Forwarded-For', '198.51.100.1').expect(200);
      expect(parseRateLimit(back.headers.ratelimit).remaining).toBe(LIMITS.api - 1);
    });
  });
});
