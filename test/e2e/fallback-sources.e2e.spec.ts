import { AtRestCipher } from '../../src/core/crypto/at-rest';
import { createUserWithToken, type TestUser } from '../support/accounts';
import { expectHfError } from '../support/hf-error';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../support/test-app';

/** Issue 18, "Sources": the records and their admin API (no read-through yet). */
describe('fallback sources (records)', () => {
  let t: TestApp;
  let user: TestUser;
  const TOKEN = 'hf_plaintextUpstreamToken0123456789';
  const admin = () => ({ 'X-Admin-Token': ADMIN_TOKEN });

  beforeAll(async () => {
    t = await startTestApp();
    user = await createUserWithToken(t);
  });
  afterAll(() => t.close());

  const create = (body: Record<string, unknown>) => t.http().post('/admin/api/fallback-sources').set(admin()).send(body);

  it('creates, lists with filters, reads, updates and deletes a source; the token is only ever masked', async () => {
    const answers: string[] = [];
    const created = await create({ url: 'https://huggingface.co/', token: TOKEN, name: 'HuggingFace', source_type: 'huggingface', allow_patterns: ['meta-llama/*'] }).expect(200);
    answers.push(created.text);
    expect(created.body).toMatchObject({
      namespace: '',
      url: 'https://huggingface.co',
      token: 'hf_p…6789',
      token_set: true,
      priority: 100,
      name: 'HuggingFace',
      source_type: 'huggingface',
      enabled: true,
      allow_patterns: ['meta-llama/*'],
      deny_patterns: [],
    });
    const id = created.body.id;
    const scoped = await create({ namespace: user.username, url: 'http://hangar-b:3000', name: 'B', source_type: 'hangar', priority: 5, enabled: false }).expect(200);
    expect(scoped.body).toMatchObject({ token: null, token_set: false });

    const all = await t.http().get('/admin/api/fallback-sources').set(admin()).expect(200);
    answers.push(all.text);
    expect(all.body.map((s: { id: number }) => s.id)).toEqual([id, scoped.body.id]); // priority 100 before 5
    const global = await t.http().get('/admin/api/fallback-sources?namespace=').set(admin()).expect(200);
    expect(global.body.map((s: { id: number }) => s.id)).toEqual([id]);
    const disabled = await t.http().get('/admin/api/fallback-sources?enabled=false').set(admin()).expect(200);
    expect(disabled.body.map((s: { id: number }) => s.id)).toEqual([scoped.body.id]);

    const one = await t.http().get(`/admin/api/fallback-sources/${id}`).set(admin()).expect(200);
    answers.push(one.text);
    expect(one.body.id).toBe(id);

    const updated = await t.http().put(`/admin/api/fallback-sources/${id}`).set(admin()).send({ priority: 7, name: 'HF mirror' }).expect(200);
    answers.push(updated.text);
    expect(updated.body).toMatchObject({ priority: 7, name: 'HF mirror', token: 'hf_p…6789', url: 'https://huggingface.co', source_type: 'huggingface' });
    const retoken = await t.http().put(`/admin/api/fallback-sources/${id}`).set(admin()).send({ token: 'kh_anotherTokenValueABCD' }).expect(200);
    expect(retoken.body.token).toBe('kh_a…ABCD');
    const untoken = await t.http().put(`/admin/api/fallback-sources/${id}`).set(admin()).send({ token: null }).expect(200);
    expect(untoken.body).toMatchObject({ token: null, token_set: false });
    expect((await t.db.query(`SELECT token_encrypted FROM fallback_sources WHERE id = $1`, [id])).rows[0].token_encrypted).toBeNull();

    const deleted = await t.http().delete(`/admin/api/fallback-sources/${scoped.body.id}`).set(admin()).expect(200);
    expect(deleted.body).toEqual({ success: true, message: 'Fallback source B deleted' });
    expectHfError(await t.http().get(`/admin/api/fallback-sources/${scoped.body.id}`).set(admin()), 404, 'FallbackSourceNotFound');
    expectHfError(await t.http().delete(`/admin/api/fallback-sources/${scoped.body.id}`).set(admin()), 404, 'FallbackSourceNotFound');

    for (const a of answers) expect(a).not.toContain(TOKEN);
    // Neither the audit log nor the event stream's log keeps it.
    const logs = await t.db.query(`SELECT params::text AS p FROM audit_log UNION ALL SELECT data::text FROM event_log`);
    expect(logs.rows.some((r: { p: string }) => r.p.includes(TOKEN))).toBe(false);
    const audited = await t.db.query(`SELECT action FROM audit_log WHERE action LIKE 'fallback_source.%' ORDER BY id`);
    expect(audited.rows.map((r: { action: string }) => r.action)).toEqual([
      'fallback_source.create',
      'fallback_source.create',
      'fallback_source.update',
      'fallback_source.update',
      'fallback_source.update',
      'fallback_source.delete',
      'fallback_source.delete',
    ]);
  });

  it('stores the token encrypted with a key derived from the server secret, not as plain text', async () => {
    const { body } = await create({ url: 'https://hub.example', token: TOKEN, name: 'Enc', source_type: 'kohakuhub' }).expect(200);
    const { token_encrypted: stored } = (await t.db.query(`SELECT token_encrypted FROM fallback_sources WHERE id = $1`, [body.id])).rows[0];
    expect(stored).not.toContain(TOKEN);
    expect(stored).not.toContain(Buffer.from(TOKEN).toString('base64').slice(0, 16));
    expect(stored).toMatch(/^v1:/);
    expect(new AtRestCipher(t.config.secret!).decrypt(stored, 'fallback_sources.token')).toBe(TOKEN);
    expect(() => new AtRestCipher('some-other-key-material-0123456789abcd').decrypt(stored, 'fallback_sources.token')).toThrow();
  });

  it('uses HANGAR_DATABASE_KEY when set', async () => {
    const key = 'database-key-0123456789abcdef0123456789';
    const other = await startTestApp({ HANGAR_DATABASE_KEY: key });
    try {
      const { body } = await other.http().post('/admin/api/fallback-sources').set(admin()).send({ url: 'https://hub.example', token: TOKEN, name: 'K', source_type: 'huggingface' }).expect(200);
      expect(body.token).toBe('hf_p…6789');
      const { token_encrypted: stored } = (await other.db.query(`SELECT token_encrypted FROM fallback_sources WHERE id = $1`, [body.id])).rows[0];
      expect(new AtRestCipher(key).decrypt(stored, 'fallback_sources.token')).toBe(TOKEN);
      expect(() => new AtRestCipher(other.config.secret!).decrypt(stored, 'fallback_sources.token')).toThrow();
    } finally {
      await other.close();
    }
  });

  it('refuses bad input with a 400 and changes nothing', async () => {
    const before = (await t.db.query(`SELECT count(*)::int AS n FROM fallback_sources`)).rows[0];
    const good = { url: 'https://huggingface.co', name: 'X', source_type: 'huggingface' };
    for (const bad of [
      { ...good, source_type: 'gitlab' },
      { ...good, url: 'ftp://example.com' },
      { ...good, url: 'not a url' },
      { ...good, name: '' },
      { ...good, priority: -1 },
      { ...good, priority: 1.5 },
      { ...good, namespace: 'bad name!' },
      { ...good, allow_patterns: ['no spaces please'] },
      { ...good, deny_patterns: 'meta-llama/*' },
      { ...good, token: 42 },
      { ...good, surprise: true },
      { url: 'https://huggingface.co', name: 'no type' },
    ]) {
      expectHfError(await create(bad), 400, 'ValidationError');
    }
    const { body } = await create(good).expect(200);
    expectHfError(await t.http().put(`/admin/api/fallback-sources/${body.id}`).set(admin()).send({ source_type: 'gitlab' }), 400, 'ValidationError');
    expectHfError(await t.http().put(`/admin/api/fallback-sources/${body.id}`).set(admin()).send({ enabled: 'yes' }), 400, 'ValidationError');
    // Only the token may be null (it removes it); a null anywhere else is refused, not a 500 (schemathesis found it).
    for (const field of ['url', 'name', 'source_type', 'namespace', 'priority', 'enabled', 'allow_patterns', 'deny_patterns']) {
      expectHfError(await t.http().put(`/admin/api/fallback-sources/${body.id}`).set(admin()).send({ [field]: null }), 400, 'ValidationError');
    }
    expectHfError(await create({ ...good, namespace: null }), 400, 'ValidationError');
    const unchanged = await t.http().get(`/admin/api/fallback-sources/${body.id}`).set(admin()).expect(200);
    expect(unchanged.body).toEqual(body);
    for (const id of ['abc', '0', '99999999999', '1.5']) {
      expectHfError(await t.http().get(`/admin/api/fallback-sources/${id}`).set(admin()), 400, 'ValidationError');
    }
    expectHfError(await t.http().get('/admin/api/fallback-sources?enabled=maybe').set(admin()), 400, 'ValidationError');
    const after = (await t.db.query(`SELECT count(*)::int AS n FROM fallback_sources WHERE id <> $1`, [body.id])).rows[0];
    expect(after.n).toBe(before.n);
    await t.http().delete(`/admin/api/fallback-sources/${body.id}`).set(admin()).expect(200);
  });

  it('answers cache stats and clear of an empty cache', async () => {
    const stats = await t.http().get('/admin/api/fallback-sources/cache/stats').set(admin()).expect(200);
    expect(stats.body).toEqual({ size: 0, maxsize: 0, ttl_seconds: 60, usage_percent: 0, bytes: 0, max_bytes: null });
    const cleared = await t.http().delete('/admin/api/fallback-sources/cache/clear').set(admin()).expect(200);
    expect(cleared.body).toMatchObject({ success: true, old_size: 0 });
  });

  it('lists the enabled global sources publicly, without tokens', async () => {
    await create({ url: 'https://public.example', token: TOKEN, name: 'Public', source_type: 'huggingface', priority: 1000 }).expect(200);
    await create({ url: 'https://off.example', name: 'Off', source_type: 'huggingface', enabled: false }).expect(200);
    await create({ namespace: user.username, url: 'https://scoped.example', name: 'Scoped', source_type: 'hangar' }).expect(200);
    const res = await t.http().get('/api/fallback-sources/available').expect(200);
    expect(res.body[0]).toEqual({ url: 'https://public.example', name: 'Public', source_type: 'huggingface', priority: 1000 });
    const urls = res.body.map((s: { url: string }) => s.url);
    expect(urls).not.toContain('https://off.example');
    expect(urls).not.toContain('https://scoped.example');
    expect(res.text).not.toContain('token');
  });

  it('is for admins only', async () => {
    expect((await t.http().get('/admin/api/fallback-sources')).status).toBe(401);
    expect((await t.http().get('/admin/api/fallback-sources').set('Authorization', `Bearer ${user.token}`)).status).toBe(403);
    expect((await t.http().post('/admin/api/fallback-sources').set('Authorization', `Bearer ${user.token}`).send({ url: 'https://x.example', name: 'x', source_type: 'hangar' })).status).toBe(403);
  });
});
