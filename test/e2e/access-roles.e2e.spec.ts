import type { QueryRunner } from 'typeorm';
import { startTestApp, TestApp, ADMIN_TOKEN } from '../support/test-app';
import { createUserWithToken, TestUser, uniqueName } from '../support/accounts';
import { expectHfError } from '../support/hf-error';
import { createRepo } from '../support/repos';

describe('account roles and per-repository grants', () => {
  let t: TestApp;
  const admin = { 'X-Admin-Token': ADMIN_TOKEN };
  const as = (u: TestUser) => ({ Authorization: `Bearer ${u.token}` });

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('an admin-role account uses the admin API with its own token; role changes are audited; the last admin keeps the role', async () => {
    const alice = await createUserWithToken(t);
    const bob = await createUserWithToken(t);
    expectHfError(await t.http().get('/admin/api/users').set(as(alice)), 403, 'InvalidAdminToken');
    const set = await t.http().patch(`/admin/api/users/${alice.username}`).set(admin).send({ role: 'admin' }).expect(200);
    expect(set.body.role).toBe('admin');
    await t.http().get('/admin/api/users').set(as(alice)).expect(200);
    // Alice, as admin, makes Bob a viewer: audited under her name.
    await t.http().patch(`/admin/api/users/${bob.username}`).set(as(alice)).send({ role: 'viewer' }).expect(200);
    const audit = await t.http().get('/admin/api/audit?action=user.role').set(admin).expect(200);
    expect(audit.body.entries.map((e: { actor: string; target: string }) => e.actor)).toContain(`user:${alice.username}`);
    // Alice is the only admin-role account: she cannot step down; a bad role changes nothing.
    expectHfError(await t.http().patch(`/admin/api/users/${alice.username}`).set(as(alice)).send({ role: 'user' }), 409, 'LastAdmin');
    expectHfError(await t.http().patch(`/admin/api/users/${alice.username}`).set(admin).send({ role: 'root' }), 400, 'ValidationError');
    expect((await t.http().get(`/admin/api/users/${alice.username}`).set(admin).expect(200)).body.role).toBe('admin');
    // With a second admin she may.
    await t.http().patch(`/admin/api/users/${bob.username}`).set(admin).send({ role: 'admin' }).expect(200);
    await t.http().patch(`/admin/api/users/${alice.username}`).set(as(alice)).send({ role: 'user' }).expect(200);
    expectHfError(await t.http().get('/admin/api/users').set(as(alice)), 403, 'InvalidAdminToken');
  });

  it('a viewer reads but creates and changes nothing, and gets read tokens only', async () => {
    const owner = await createUserWithToken(t);
    const viewer = await createUserWithToken(t);
    await t.http().patch(`/admin/api/users/${viewer.username}`).set(admin).send({ role: 'viewer' }).expect(200);
    const id = `${owner.username}/${uniqueName('pub')}`;
    await createRepo(t, owner.token, id).expect(200);
    await t.http().get(`/api/models/${id}`).set(as(viewer)).expect(200);
    expectHfError(await createRepo(t, viewer.token, `${viewer.username}/mine`), 403, 'ReadOnlyAccount');
    // Even a write grant does not let a viewer write.
    await t.http().post(`/api/models/${id}/access`).set(as(owner)).send({ username: viewer.username, role: 'write' }).expect(200);
    expectHfError(await t.http().post(`/api/models/${id}/branch/dev`).set(as(viewer)).send({}), 403, 'ReadOnlyAccount');
    const login = await t.http().post('/api/auth/login').send({ username: viewer.username, password: viewer.password }).expect(200);
    const cookie = login.headers['set-cookie'];
    expectHfError(await t.http().post('/api/auth/tokens/create').set('Cookie', cookie).send({ name: 'w', role: 'write' }), 403, 'ReadOnlyAccount');
    await t.http().post('/api/auth/tokens/create').set('Cookie', cookie).send({ name: 'r', role: 'read' }).expect(200);
  });

  it('grants: managed by repo admins and through the admin API; revoked at once; gone with the user', async () => {
    const owner = await createUserWithToken(t);
    const bob = await createUserWithToken(t);
    const id = `${owner.username}/${uniqueName('priv')}`;
    await createRepo(t, owner.token, id, { private: true }).expect(200);
    expectHfError(await t.http().get(`/api/models/${id}`).set(as(bob)), 404, 'RepoNotFound');
    const [ns, name] = id.split('/');
    await t.http().post(`/admin/api/repositories/model/${ns}/${name}/access`).set(admin).send({ username: bob.username, role: 'write' }).expect(200);
    const listed = await t.http().get(`/api/models/${id}/access`).set(as(owner)).expect(200);
    expect(listed.body.grants.map((g: { username: string; role: string }) => [g.username, g.role])).toEqual([[bob.username, 'write']]);
    await t.http().get(`/api/models/${id}`).set(as(bob)).expect(200);
    await t.http().post(`/api/models/${id}/branch/dev`).set(as(bob)).send({}).expect(200);
    // A write grant does not administer.
    expectHfError(await t.http().get(`/api/models/${id}/access`).set(as(bob)), 403, 'Forbidden');
    expectHfError(await t.http().post(`/api/models/${id}/access`).set(as(owner)).send({ username: bob.username, role: 'owner' }), 400, 'ValidationError');
    expectHfError(await t.http().post(`/api/models/${id}/access`).set(as(owner)).send({ username: 'ghost-user-x', role: 'read' }), 404, 'UserNotFound');
    await t.http().delete(`/api/models/${id}/access/${bob.username}`).set(as(owner)).expect(200);
    expectHfError(await t.http().get(`/api/models/${id}`).set(as(bob)), 404, 'RepoNotFound');
    expectHfError(await t.http().delete(`/api/models/${id}/access/${bob.username}`).set(as(owner)), 404, 'GrantNotFound');
    expectHfError(await t.http().get(`/admin/api/repositories/model/${ns}/nope/access`).set(admin), 404, 'RepoNotFound');
    // Deleting a user removes their grants.
    await t.http().post(`/api/models/${id}/access`).set(as(owner)).send({ username: bob.username, role: 'read' }).expect(200);
    await t.http().delete(`/admin/api/users/${bob.username}`).set(admin).expect(200);
    expect((await t.db.query(`SELECT count(*)::int AS n FROM repo_grants g JOIN repositories r ON r.id = g.repo_id WHERE r.name = $1`, [name])).rows[0].n).toBe(0);
  });

  it('private repositories shared by a grant appear in the grantee\'s listings (every type, by author too), and in nobody else\'s', async () => {
    const owner = await createUserWithToken(t);
    const grantee = await createUserWithToken(t);
    const other = await createUserWithToken(t);
    const shared: Record<string, string> = {};
    for (const type of ['model', 'dataset', 'space'] as const) {
      const id = `${owner.username}/${uniqueName(`shared-${type}`)}`;
      await createRepo(t, owner.token, id, { private: true, type, ...(type === 'space' ? { sdk: 'static' } : {}) }).expect(200);
      await createRepo(t, owner.token, `${owner.username}/${uniqueName(`unshared-${type}`)}`, { private: true, type, ...(type === 'space' ? { sdk: 'static' } : {}) }).expect(200);
      await t.http().post(`/api/${type}s/${id}/access`).set(as(owner)).send({ username: grantee.username, role: 'read' }).expect(200);
      shared[type] = id;
    }
    const ids = async (who: TestUser | null, url: string) => {
      const res = await t.http().get(url).set(who ? as(who) : {}).expect(200);
      return (res.body as { id: string }[]).map((r) => r.id).filter((id) => id.startsWith(`${owner.username}/`));
    };
    for (const type of ['model', 'dataset', 'space'] as const) {
      for (const url of [`/api/${type}s?author=${owner.username}`, `/api/${type}s?search=${owner.username}&limit=1000`]) {
        expect({ url, ids: await ids(grantee, url) }).toEqual({ url, ids: [shared[type]] });
        expect({ url, ids: await ids(other, url) }).toEqual({ url, ids: [] });
        expect({ url, ids: await ids(null, url) }).toEqual({ url, ids: [] });
        expect({ url, n: (await ids(owner, url)).length }).toEqual({ url, n: 2 });
      }
    }
    const byUser = (await t.http().get(`/api/users/${owner.username}/repos`).set(as(grantee)).expect(200)).body;
    expect([byUser.models, byUser.datasets, byUser.spaces].map((l: { id: string }[]) => l.map((r) => r.id))).toEqual([[shared.model], [shared.dataset], [shared.space]]);
    // Revoked: gone from the listing at once.
    await t.http().delete(`/api/models/${shared.model}/access/${grantee.username}`).set(as(owner)).expect(200);
    expect(await ids(grantee, `/api/models?author=${owner.username}`)).toEqual([]);
  });

  it('organization roles read < contributor < write < admin: the Hub\'s names in and out, "member" kept as an alias of write', async () => {
    const owner = await createUserWithToken(t);
    const [reader, contributor, writer, legacy, orgAdmin] = [await createUserWithToken(t), await createUserWithToken(t), await createUserWithToken(t), await createUserWithToken(t), await createUserWithToken(t)];
    const org = uniqueName('org');
    await t.http().post('/org/create').set(as(owner)).send({ name: org }).expect(200);
    for (const [u, role] of [[reader, 'read'], [contributor, 'contributor'], [writer, 'write'], [legacy, 'member'], [orgAdmin, 'admin']] as const) {
      await t.http().post(`/org/${org}/members`).set(as(owner)).send({ username: u.username, role }).expect(200);
    }
    expectHfError(await t.http().post(`/org/${org}/members`).set(as(owner)).send({ username: (await createUserWithToken(t)).username, role: 'owner' }), 400, 'ValidationError');
    const roles = (await t.http().get(`/org/${org}/members`).expect(200)).body.members.map((m: { user: string; role: string }) => [m.user, m.role]);
    expect(new Map(roles)).toEqual(new Map([[owner.username, 'super-admin'], [reader.username, 'read'], [contributor.username, 'contributor'], [writer.username, 'write'], [legacy.username, 'write'], [orgAdmin.username, 'admin']]));
    // The Hub's routes show the Hub's four names (a super-admin is an admin there).
    const hubRoles = (await t.http().get(`/api/organizations/${org}/members`).expect(200)).body.map((m: { user: string; role: string }) => [m.user, m.role]);
    expect(new Map(hubRoles)).toEqual(new Map([[owner.username, 'admin'], [reader.username, 'read'], [contributor.username, 'contributor'], [writer.username, 'write'], [legacy.username, 'write'], [orgAdmin.username, 'admin']]));
    const roleInOrg = async (u: TestUser) => (await t.http().get('/api/whoami-v2').set(as(u)).expect(200)).body.orgs.find((o: { name: string }) => o.name === org).roleInOrg;
    expect([await roleInOrg(owner), await roleInOrg(reader), await roleInOrg(contributor), await roleInOrg(writer)]).toEqual(['admin', 'read', 'contributor', 'write']);
    // "member" changes a role too (stored as write).
    await t.http().put(`/org/${org}/members/${reader.username}`).set(as(owner)).send({ role: 'member' }).expect(200);
    expect(await roleInOrg(reader)).toBe('write');
    await t.http().put(`/org/${org}/members/${reader.username}`).set(as(owner)).send({ role: 'read' }).expect(200);

    const id = `${org}/${uniqueName('porg')}`;
    await createRepo(t, owner.token, id, { private: true }).expect(200);
    const branch = (u: TestUser, name: string) => t.http().post(`/api/models/${id}/branch/${name}`).set(as(u)).send({});
    // read: reads the private repository, changes nothing, creates nothing in the org.
    await t.http().get(`/api/models/${id}`).set(as(reader)).expect(200);
    expectHfError(await branch(reader, 'r'), 403, 'Forbidden');
    expectHfError(await createRepo(t, reader.token, `${org}/${uniqueName('by-reader')}`), 403, 'Forbidden');
    // contributor: reads every repository, writes only to the ones they created.
    await t.http().get(`/api/models/${id}`).set(as(contributor)).expect(200);
    expectHfError(await branch(contributor, 'c'), 403, 'Forbidden');
    const own = `${org}/${uniqueName('by-contributor')}`;
    await createRepo(t, contributor.token, own, { private: true }).expect(200);
    await t.http().post(`/api/models/${own}/branch/dev`).set(as(contributor)).send({}).expect(200);
    await t.http().post(`/api/models/${own}/branch/dev2`).set(as(writer)).send({}).expect(200);
    expectHfError(await t.http().put(`/api/models/${own}/settings`).set(as(contributor)).send({ private: false }), 403, 'Forbidden');
    // write (and its alias): commit and create, but no settings, deletion or members.
    await branch(writer, 'w').expect(200);
    await branch(legacy, 'l').expect(200);
    expectHfError(await t.http().put(`/api/models/${id}/settings`).set(as(writer)).send({ gated: 'auto' }), 403, 'Forbidden');
    expectHfError(await t.http().delete('/api/repos/delete').set(as(writer)).send({ name: id }), 403, 'Forbidden');
    expectHfError(await t.http().post(`/org/${org}/members`).set(as(writer)).send({ username: (await createUserWithToken(t)).username, role: 'read' }), 403, 'NotOrgAdmin');
    await createRepo(t, writer.token, `${org}/${uniqueName('by-writer')}`).expect(200);
    // admin: settings, members, deletion.
    await t.http().put(`/api/models/${id}/settings`).set(as(orgAdmin)).send({ gated: 'auto' }).expect(200);
    await t.http().put(`/org/${org}/members/${writer.username}`).set(as(orgAdmin)).send({ role: 'contributor' }).expect(200);
    expectHfError(await branch(writer, 'w2'), 403, 'Forbidden');
    await t.http().delete('/api/repos/delete').set(as(orgAdmin)).send({ name: id }).expect(200);
  });

  it('the migration renames stored "member" memberships to write, and back on revert', async () => {
    const { OrgRolesHubNames1796411483384: Migration } = require('../../migrations/1796411483384-OrgRolesHubNames');
    const runner = { query: async (sql: string, params?: unknown[]) => (await t.db.query(sql, params)).rows } as unknown as QueryRunner;
    const owner = await createUserWithToken(t);
    const old = await createUserWithToken(t);
    const org = uniqueName('org');
    await t.http().post('/org/create').set(as(owner)).send({ name: org }).expect(200);
    await t.http().post(`/org/${org}/members`).set(as(owner)).send({ username: old.username, role: 'write' }).expect(200);
    const role = async () => (await t.db.query(`SELECT m.role FROM memberships m JOIN namespaces n ON n.id = m.user_id WHERE lower(n.name) = lower($1)`, [old.username])).rows[0].role;
    await new Migration().down(runner);
    expect(await role()).toBe('member');
    await new Migration().up(runner);
    expect(await role()).toBe('write');
    expect((await t.db.query(`SELECT count(*)::int AS n FROM memberships WHERE role = 'member'`)).rows[0].n).toBe(0);
  });
});
