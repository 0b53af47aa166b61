import { startTestApp, TestApp } from '../support/test-app';
import { createUserWithToken, TestUser, uniqueName } from '../support/accounts';
import { expectHfError, tableCounts } from '../support/hf-error';

describe('organizations and memberships', () => {
  let t: TestApp;
  let owner: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  const as = (u: TestUser) => ({ Authorization: `Bearer ${u.token}` });

  beforeAll(async () => {
    t = await startTestApp();
    owner = await createUserWithToken(t);
    bob = await createUserWithToken(t);
    carol = await createUserWithToken(t);
  });
  afterAll(() => t.close());

  it('creates an org whose creator is super-admin, and shows it', async () => {
    const org = uniqueName('org');
    const res = await t.http().post('/org/create').set(as(owner)).send({ name: org, description: 'research' }).expect(200);
    expect(res.body).toEqual({ success: true, name: org });
    const info = await t.http().get(`/org/${org.toUpperCase()}`).expect(200);
    expect(info.body).toMatchObject({ name: org, description: 'research', member_count: 1 });
    const members = await t.http().get(`/org/${org}/members`).expect(200);
    expect(members.body).toEqual({ members: [{ user: owner.username, role: 'super-admin' }] });
    const mine = await t.http().get(`/org/users/${owner.username}/orgs`).expect(200);
    expect(mine.body.organizations).toContainEqual({ name: org, description: 'research', role: 'super-admin' });
  });

  it('refuses bad org names, taken names (users too), anonymous and read-only callers; nothing changes', async () => {
    const taken = uniqueName('org');
    await t.http().post('/org/create').set(as(owner)).send({ name: taken }).expect(200);
    const readOnly = await createUserWithToken(t, uniqueName('ro'), 'read');
    const before = await tableCounts(t.db);
    expectHfError(await t.http().post('/org/create').set(as(owner)).send({ name: 'api' }), 400, 'ReservedName');
    expectHfError(await t.http().post('/org/create').set(as(owner)).send({ name: 'datasets' }), 400, 'ReservedName');
    expectHfError(await t.http().post('/org/create').set(as(owner)).send({ name: 'no spaces' }), 400, 'InvalidName');
    expectHfError(await t.http().post('/org/create').set(as(owner)).send({ name: "x'; DELETE FROM users; --" }), 400, 'InvalidName');
    expectHfError(await t.http().post('/org/create').set(as(owner)).send({ name: taken.toUpperCase() }), 409, 'NameTaken');
    expectHfError(await t.http().post('/org/create').set(as(owner)).send({ name: bob.username }), 409, 'NameTaken');
    expectHfError(await t.http().post('/org/create').set(as(owner)).send({}), 400, 'ValidationError');
    expectHfError(await t.http().post('/org/create').set(as(owner)).send({ name: ['a'] }), 400, 'ValidationError');
    expectHfError(await t.http().post('/org/create').send({ name: 'anon-org' }), 401, 'Unauthorized');
    expectHfError(await t.http().post('/org/create').set(as(readOnly)).send({ name: 'ro-org' }), 403, 'ReadOnlyToken');
    expect(await tableCounts(t.db)).toEqual(before);
    // A user cannot register with an org's name either.
    expectHfError(
      await t.http().post('/api/auth/register').send({ username: taken, email: 'new@example.com', password: 'long-enough-pw' }),
      409,
      'NameTaken',
    );
  });

  it('only admins manage members; only super-admins touch the super-admin role', async () => {
    const org = uniqueName('org');
    await t.http().post('/org/create').set(as(owner)).send({ name: org }).expect(200);
    // A non-member cannot add people.
    expectHfError(await t.http().post(`/org/${org}/members`).set(as(bob)).send({ username: carol.username, role: 'member' }), 403, 'NotOrgAdmin');
    await t.http().post(`/org/${org}/members`).set(as(owner)).send({ username: bob.username, role: 'member' }).expect(200);
    // A plain member cannot manage.
    expectHfError(await t.http().post(`/org/${org}/members`).set(as(bob)).send({ username: carol.username, role: 'member' }), 403, 'NotOrgAdmin');
    await t.http().put(`/org/${org}/members/${bob.username}`).set(as(owner)).send({ role: 'admin' }).expect(200);
    // An admin adds members but cannot grant super-admin.
    await t.http().post(`/org/${org}/members`).set(as(bob)).send({ username: carol.username, role: 'member' }).expect(200);
    expectHfError(await t.http().put(`/org/${org}/members/${carol.username}`).set(as(bob)).send({ role: 'super-admin' }), 403, 'NotOrgSuperAdmin');
    expectHfError(await t.http().delete(`/org/${org}/members/${owner.username}`).set(as(bob)), 403, 'NotOrgSuperAdmin');
    expectHfError(await t.http().post(`/org/${org}/members`).set(as(owner)).send({ username: carol.username, role: 'member' }), 409, 'AlreadyMember');
    expectHfError(await t.http().post(`/org/${org}/members`).set(as(owner)).send({ username: 'ghost-user', role: 'member' }), 404, 'UserNotFound');
    expectHfError(await t.http().post(`/org/${org}/members`).set(as(owner)).send({ username: carol.username, role: 'owner' }), 400, 'ValidationError');
    expectHfError(await t.http().post(`/org/no-such-org/members`).set(as(owner)).send({ username: carol.username, role: 'member' }), 404, 'OrgNotFound');
    expectHfError(await t.http().put(`/org/${org}/members/ghost-user`).set(as(owner)).send({ role: 'member' }), 404, 'UserNotFound');

    const members = await t.http().get(`/org/${org}/members`).expect(200);
    expect(members.body.members).toHaveLength(3);
    // Carol leaves by herself.
    await t.http().delete(`/org/${org}/members/${carol.username}`).set(as(carol)).expect(200);
    expectHfError(await t.http().delete(`/org/${org}/members/${carol.username}`).set(as(owner)), 404, 'MemberNotFound');
  });

  it('keeps the last super-admin', async () => {
    const org = uniqueName('org');
    await t.http().post('/org/create').set(as(owner)).send({ name: org }).expect(200);
    expectHfError(await t.http().delete(`/org/${org}/members/${owner.username}`).set(as(owner)), 409, 'LastSuperAdmin');
    expectHfError(await t.http().put(`/org/${org}/members/${owner.username}`).set(as(owner)).send({ role: 'admin' }), 409, 'LastSuperAdmin');
    await t.http().post(`/org/${org}/members`).set(as(owner)).send({ username: bob.username, role: 'super-admin' }).expect(200);
    await t.http().delete(`/org/${org}/members/${owner.username}`).set(as(owner)).expect(200);
    const members = await t.http().get(`/org/${org}/members`).expect(200);
    expect(members.body.members).toEqual([{ user: bob.username, role: 'super-admin' }]);
  });

  it('answers 404 for unknown orgs and users', async () => {
    expectHfError(await t.http().get('/org/no-such-org'), 404, 'OrgNotFound');
    expectHfError(await t.http().get('/org/no-such-org/members'), 404, 'OrgNotFound');
    expectHfError(await t.http().get('/org/users/no-such-user/orgs'), 404, 'UserNotFound');
  });
});
