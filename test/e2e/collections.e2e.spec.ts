import { createUserWithToken, TestUser, uniqueName } from '../support/accounts';
import { expectHfError } from '../support/hf-error';
import { createRepo } from '../support/repos';
import { ADMIN_TOKEN, startTestApp, TestApp } from '../support/test-app';

/** Who sees and changes collections, and which items each viewer sees (RepoAccess decides). */
describe('collections: access rules', () => {
  let t: TestApp;
  let owner: TestUser;
  let member: TestUser;
  let reader: TestUser;
  let stranger: TestUser;
  let org: string;
  const as = (u: TestUser) => ({ Authorization: `Bearer ${u.token}` });
  const admin = { 'X-Admin-Token': ADMIN_TOKEN };

  beforeAll(async () => {
    t = await startTestApp();
    [owner, member, reader, stranger] = [await createUserWithToken(t), await createUserWithToken(t), await createUserWithToken(t), await createUserWithToken(t)];
    org = uniqueName('corg');
    await t.http().post('/org/create').set(as(owner)).send({ name: org }).expect(200);
    await t.http().post(`/org/${org}/members`).set(as(owner)).send({ username: member.username, role: 'member' }).expect(200);
    await t.http().post(`/org/${org}/members`).set(as(owner)).send({ username: reader.username, role: 'read' }).expect(200);
  });
  afterAll(() => t.close());

  const create = (u: TestUser, body: Record<string, unknown>) => t.http().post('/api/collections').set(as(u)).send(body);
  const items = (slug: string, u?: TestUser) => {
    const req = t.http().get(`/api/collections/${slug}`);
    return (u ? req.set(as(u)) : req).expect(200).then((r) => r.body.items.map((i: { id: string }) => i.id));
  };

  it("a private organization collection: its members (any role) see it, members change it, read members and strangers don't", async () => {
    const c = (await create(member, { namespace: org, title: 'Team picks', private: true }).expect(200)).body;
    expect(c.slug).toMatch(new RegExp(`^${org}/team-picks-[0-9a-f]{24}$`));
    for (const u of [owner, member, reader]) await t.http().get(`/api/collections/${c.slug}`).set(as(u)).expect(200);
    expectHfError(await t.http().get(`/api/collections/${c.slug}`).set(as(stranger)), 404, 'CollectionNotFound');
    expectHfError(await t.http().get(`/api/collections/${c.slug}`), 404, 'CollectionNotFound');
    expect((await t.http().get(`/api/collections?owner=${org}`).set(as(reader)).expect(200)).body.map((x: { slug: string }) => x.slug)).toEqual([c.slug]);
    expect((await t.http().get(`/api/collections?owner=${org}`).set(as(stranger)).expect(200)).body).toEqual([]);

    await t.http().patch(`/api/collections/${c.slug}`).set(as(owner)).send({ description: 'by the team' }).expect(200);
    expectHfError(await t.http().patch(`/api/collections/${c.slug}`).set(as(reader)).send({ title: 'x' }), 403, 'Forbidden');
    expectHfError(await t.http().patch(`/api/collections/${c.slug}`).set(as(stranger)).send({ title: 'x' }), 404, 'CollectionNotFound');
    expectHfError(await create(reader, { namespace: org, title: 'Not mine' }), 403, 'Forbidden');
    expectHfError(await create(stranger, { namespace: owner.username, title: 'Not mine' }), 403, 'Forbidden');
    expect((await t.db.query(`SELECT title, description FROM collections WHERE public_id = $1`, [c.slug.slice(-24)])).rows).toEqual([{ title: 'Team picks', description: 'by the team' }]);
  });

  it('items on private repositories show only to those RepoAccess lets read them (a per-repository grant counts)', async () => {
    const secret = `${owner.username}/${uniqueName('secret')}`;
    const open = `${owner.username}/${uniqueName('open')}`;
    await createRepo(t, owner.token, secret, { private: true }).expect(200);
    await createRepo(t, owner.token, open).expect(200);
    const c = (await create(owner, { namespace: owner.username, title: uniqueName('Mixed') }).expect(200)).body;
    await t.http().post(`/api/collections/${c.slug}/items`).set(as(owner)).send({ item: { id: secret, type: 'model' }, note: 'hush' }).expect(200);
    const full = (await t.http().post(`/api/collections/${c.slug}/items`).set(as(owner)).send({ item: { id: open, type: 'model' } }).expect(200)).body;
    expect(full.items.map((i: { id: string; private: boolean }) => [i.id, i.private])).toEqual([[secret, true], [open, false]]);

    expect(await items(c.slug)).toEqual([open]);
    expect(await items(c.slug, stranger)).toEqual([open]);
    // The hidden item can't be changed or removed by id either: for them it is not there.
    const secretItem = full.items[0]._id;
    const [ns, name] = secret.split('/');
    await t.http().post(`/admin/api/repositories/model/${ns}/${name}/access`).set(admin).send({ username: stranger.username, role: 'read' }).expect(200);
    expect(await items(c.slug, stranger)).toEqual([secret, open]);
    expect((await t.http().get(`/api/collections?item=models/${secret}`).set(as(stranger)).expect(200)).body.map((x: { slug: string }) => x.slug)).toEqual([c.slug]);
    expect((await t.http().get(`/api/collections?item=models/${secret}`).expect(200)).body).toEqual([]);

    // Moving the repository keeps it in the collection; deleting it takes it out.
    const moved = `${owner.username}/${uniqueName('moved')}`;
    await t.http().post('/api/repos/move').set(as(owner)).send({ fromRepo: open, toRepo: moved }).expect(200);
    expect(await items(c.slug)).toEqual([moved]);
    await t.http().delete('/api/repos/delete').set(as(owner)).send({ name: moved.split('/')[1], organization: owner.username }).expect(200);
    expect(await items(c.slug, owner)).toEqual([secret]);
    expect((await t.http().get(`/api/collections/${c.slug}`).set(as(owner)).expect(200)).body.items[0]).toMatchObject({ _id: secretItem, position: 0, note: { text: 'hush' } });
  });

  it('a hidden item is not there for changes either; read tokens change nothing', async () => {
    const secret = `${owner.username}/${uniqueName('secret')}`;
    await createRepo(t, owner.token, secret, { private: true }).expect(200);
    const c = (await create(member, { namespace: org, title: uniqueName('Shared') }).expect(200)).body;
    const [ns, name] = secret.split('/');
    await t.http().post(`/admin/api/repositories/model/${ns}/${name}/access`).set(admin).send({ username: member.username, role: 'read' }).expect(200);
    const added = (await t.http().post(`/api/collections/${c.slug}/items`).set(as(member)).send({ item: { id: secret, type: 'model' } }).expect(200)).body;
    // `owner` is an org admin and may change the collection, and reads the repository: sees it.
    expect(await items(c.slug, owner)).toEqual([secret]);
    const another = await createUserWithToken(t);
    await t.http().post(`/org/${org}/members`).set(as(owner)).send({ username: another.username, role: 'member' }).expect(200);
    expect(await items(c.slug, another)).toEqual([]);
    expectHfError(await t.http().delete(`/api/collections/${c.slug}/items/${added.items[0]._id}`).set(as(another)), 404, 'CollectionItemNotFound');
    expectHfError(await t.http().patch(`/api/collections/${c.slug}/items/${added.items[0]._id}`).set(as(another)).send({ note: 'x' }), 404, 'CollectionItemNotFound');
    expect(await items(c.slug, owner)).toEqual([secret]);

    const readOnly = await createUserWithToken(t, uniqueName('ro'), 'read');
    expectHfError(await create(readOnly, { namespace: readOnly.username, title: 'Nope' }), 403, 'ReadOnlyToken');
  });

  it('bad input is a 4xx that changes nothing', async () => {
    const before = (await t.db.query(`SELECT count(*)::int AS n FROM collection_items`)).rows[0].n;
    const c = (await create(owner, { namespace: owner.username, title: uniqueName('Input') }).expect(200)).body;
    const post = (body: unknown) => t.http().post(`/api/collections/${c.slug}/items`).set(as(owner)).send(body as object);
    expectHfError(await post({ item: { id: 'x', type: 'collection' } }), 400, 'UnsupportedItemType');
    expectHfError(await post({ item: { id: 'not-a-paper', type: 'paper' } }), 400, 'InvalidPaperId');
    expectHfError(await post({ item: { id: 'a/b/c', type: 'model' } }), 404, 'RepoNotFound');
    expectHfError(await post({ item: 'alice/m' }), 400, 'ValidationError');
    expectHfError(await post({ item: { id: 'alice/m', type: 'model' }, note: 'n'.repeat(501) }), 400, 'ValidationError');
    expectHfError(await t.http().get(`/api/collections/${owner.username}/no-id-here`), 404, 'CollectionNotFound');
    expectHfError(await t.http().get(`/api/collections/${stranger.username}/${c.slug.split('/')[1]}`), 404, 'CollectionNotFound');
    expectHfError(await t.http().get('/api/collections?item=weird'), 400, 'InvalidItem');
    expectHfError(await t.http().get('/api/collections?sort=random'), 400, 'ValidationError');
    expectHfError(await create(owner, { namespace: 'no-such-namespace-x', title: 'T' }), 404, 'NamespaceNotFound');
    expect((await t.db.query(`SELECT count(*)::int AS n FROM collection_items`)).rows[0].n).toBe(before);
  });
});
