import { startTestApp, TestApp, ADMIN_TOKEN } from '../support/test-app';
import { createUserWithToken, TestUser, uniqueName } from '../support/accounts';
import { expectHfError, tableCounts } from '../support/hf-error';
import { linkIn, SmtpSink, startSmtpSink } from '../support/smtp-sink';

/**
 * Invitations (organization and registration), invitation-only registration and the mails that
 * go with them, through a real SMTP server on loopback.
 */
describe('invitations and mail', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let owner: TestUser;
  let bob: TestUser;
  const as = (u: TestUser) => ({ Authorization: `Bearer ${u.token}` });
  const admin = { 'X-Admin-Token': ADMIN_TOKEN };

  beforeAll(async () => {
    smtp = await startSmtpSink();
    t = await startTestApp({
      HANGAR_SMTP_URL: smtp.url,
      HANGAR_MAIL_FROM: 'Hangar <hangar@test.example>',
      HANGAR_REGISTRATION: 'invitation',
      HANGAR_REQUIRE_EMAIL_VERIFICATION: 'true',
    });
    owner = await createUserWithToken(t);
    bob = await createUserWithToken(t);
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  async function newOrg(): Promise<string> {
    const org = uniqueName('org');
    await t.http().post('/org/create').set(as(owner)).send({ name: org }).expect(200);
    return org;
  }

  async function roleIn(org: string, username: string): Promise<string | undefined> {
    const res = await t.http().get(`/org/${org}/members`).expect(200);
    return res.body.members.find((m: { user: string }) => m.user === username)?.role;
  }

  it('org invitation: create, details, accept; the member has the role; lists show id and prefix only; audit rows', async () => {
    const org = await newOrg();
    const created = await t.http().post(`/api/invitations/org/${org}/create`).set(as(owner)).send({ role: 'admin', max_usage: null, expires_days: 3 }).expect(200);
    expect(created.body).toMatchObject({ success: true, max_usage: null, is_reusable: false, action: 'join_org' });
    const token: string = created.body.token;
    expect(token).toMatch(/^inv_[A-Za-z0-9]{32}$/);
    expect(created.body.invitation_link).toBe(`${t.baseUrl}/invite/${token}`);
    const stored = await t.db.query(`SELECT token_hash FROM invitations WHERE id = $1`, [created.body.id]);
    expect(stored.rows[0].token_hash.toString('utf8')).not.toContain(token.slice(4));

    const details = await t.http().get(`/api/invitations/${token}`).expect(200);
    expect(details.body).toMatchObject({ action: 'join_org', org_name: org, role: 'admin', inviter: owner.username, is_available: true, unavailable_reason: null });
    // The link itself leads to the same answer.
    const followed = await t.http().get(new URL(created.body.invitation_link).pathname).expect(200);
    expect(followed.body).toEqual(details.body);

    const listed = await t.http().get(`/api/invitations/org/${org}/list`).set(as(owner)).expect(200);
    expect(listed.body.invitations).toHaveLength(1);
    expect(listed.body.invitations[0]).toMatchObject({ id: created.body.id, token_prefix: token.slice(0, 10), usage_count: 0 });
    expect(JSON.stringify(listed.body)).not.toContain(token);

    const accepted = await t.http().post(`/api/invitations/${token}/accept`).set(as(bob)).expect(200);
    expect(accepted.body).toMatchObject({ org_name: org, role: 'admin' });
    expect(await roleIn(org, bob.username)).toBe('admin');
    // Bob is an admin now: he may manage members.
    const carol = await createUserWithToken(t);
    await t.http().post(`/org/${org}/members`).set(as(bob)).send({ username: carol.username, role: 'member' }).expect(200);

    const after = await t.http().get(`/api/invitations/${token}`).expect(200);
    expect(after.body).toMatchObject({ usage_count: 1, is_available: false, unavailable_reason: 'used_up' });
    const audit = await t.db.query(`SELECT actor, action FROM audit_log WHERE target = $1 ORDER BY id`, [`invitation:${created.body.id}`]);
    expect(audit.rows).toEqual([
      { actor: `user:${owner.username}`, action: 'invitation.create' },
      { actor: `user:${bob.username}`, action: 'invitation.use' },
    ]);
  });

  it('an email-bound invitation is mailed with a working link, refused for another account, accepted by the address owner', async () => {
    const org = await newOrg();
    const invitee = await createUserWithToken(t);
    const email = `${invitee.username}@example.com`;
    await t.http().post(`/api/invitations/org/${org}/create`).set(as(owner)).send({ email, role: 'member' }).expect(200);

    const [mail] = smtp.to(email);
    expect(mail.from).toBe('hangar@test.example');
    expect(mail.subject).toContain(org);
    const link = linkIn(mail);
    expect(link.origin).toBe(t.baseUrl);
    expect(link.pathname).toMatch(/^\/invite\/inv_/);
    const token = link.pathname.split('/').pop()!;
    const details = await t.http().get(`/api/invitations/${token}`).expect(200);
    expect(details.body).toMatchObject({ org_name: org, email, is_available: true });

    const before = await tableCounts(t.db);
    expectHfError(await t.http().post(`/api/invitations/${token}/accept`).set(as(bob)), 403, 'InvitationEmailMismatch');
    expect(await tableCounts(t.db)).toEqual(before);
    expect(await roleIn(org, bob.username)).toBeUndefined();

    await t.http().post(`/api/invitations/${token}/accept`).set(as(invitee)).expect(200);
    expect(await roleIn(org, invitee.username)).toBe('write');
  });

  it('a reusable invitation works N times then answers used up; expired and deleted ones are refused; nothing changes', async () => {
    const org = await newOrg();
    const reusable = await t.http().post(`/api/invitations/org/${org}/create`).set(as(owner)).send({ max_usage: 2 }).expect(200);
    expect(reusable.body.is_reusable).toBe(true);
    const users = [await createUserWithToken(t), await createUserWithToken(t), await createUserWithToken(t)];
    await t.http().post(`/api/invitations/${reusable.body.token}/accept`).set(as(users[0])).expect(200);
    expectHfError(await t.http().post(`/api/invitations/${reusable.body.token}/accept`).set(as(users[0])), 409, 'AlreadyMember');
    await t.http().post(`/api/invitations/${reusable.body.token}/accept`).set(as(users[1])).expect(200);
    let before = await tableCounts(t.db);
    expectHfError(await t.http().post(`/api/invitations/${reusable.body.token}/accept`).set(as(users[2])), 410, 'InvitationUsedUp');
    expect(await tableCounts(t.db)).toEqual(before);
    expect((await t.http().get(`/api/invitations/${reusable.body.token}`).expect(200)).body.usage_count).toBe(2);

    const unlimited = await t.http().post(`/api/invitations/org/${org}/create`).set(as(owner)).send({ max_usage: -1 }).expect(200);
    expect(unlimited.body).toMatchObject({ max_usage: -1, is_reusable: true });
    await t.http().post(`/api/invitations/${unlimited.body.token}/accept`).set(as(users[2])).expect(200);

    const expiring = await t.http().post(`/api/invitations/org/${org}/create`).set(as(owner)).send({}).expect(200);
    await t.db.query(`UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE id = $1`, [expiring.body.id]);
    before = await tableCounts(t.db);
    expectHfError(await t.http().post(`/api/invitations/${expiring.body.token}/accept`).set(as(bob)), 410, 'InvitationExpired');
    expect((await t.http().get(`/api/invitations/${expiring.body.token}`).expect(200)).body).toMatchObject({ is_available: false, unavailable_reason: 'expired' });

    const deleted = await t.http().post(`/api/invitations/org/${org}/create`).set(as(owner)).send({}).expect(200);
    expectHfError(await t.http().delete(`/api/invitations/${deleted.body.id}`).set(as(bob)), 403, 'NotOrgAdmin');
    await t.http().delete(`/api/invitations/${deleted.body.id}`).set(as(owner)).expect(200);
    expectHfError(await t.http().post(`/api/invitations/${deleted.body.token}/accept`).set(as(bob)), 410, 'InvitationDeleted');
    expectHfError(await t.http().delete(`/api/invitations/${deleted.body.token}`).set(as(owner)), 404, 'InvitationNotFound');
    expect(await roleIn(org, bob.username)).toBeUndefined();
    const listed = await t.http().get(`/api/invitations/org/${org}/list`).set(as(owner)).expect(200);
    expect(listed.body.invitations.map((i: { id: number }) => i.id)).not.toContain(deleted.body.id);
    const audit = await t.db.query(`SELECT action FROM audit_log WHERE target = $1 ORDER BY id`, [`invitation:${deleted.body.id}`]);
    expect(audit.rows.map((r) => r.action)).toEqual(['invitation.create', 'invitation.delete']);
  });

  it('bad input answers 4xx with HF error headers and changes nothing', async () => {
    const org = await newOrg();
    const before = await tableCounts(t.db);
    const create = (body: object, who: TestUser | null = owner, name = org) => {
      const req = t.http().post(`/api/invitations/org/${name}/create`);
      return (who ? req.set(as(who)) : req).send(body);
    };
    expectHfError(await create({ max_usage: -2 }), 400, 'ValidationError');
    expectHfError(await create({ max_usage: 0 }), 400, 'ValidationError');
    expectHfError(await create({ max_usage: 1.5 }), 400, 'ValidationError');
    expectHfError(await create({ max_usage: '3' }), 400, 'ValidationError');
    expectHfError(await create({ role: 'owner' }), 400, 'ValidationError');
    expectHfError(await create({ expires_days: 0 }), 400, 'ValidationError');
    expectHfError(await create({ email: 'not-an-address' }), 400, 'ValidationError');
    expectHfError(await create({ surprise: true }), 400, 'ValidationError');
    expectHfError(await create({}, owner, 'no-such-org'), 404, 'OrgNotFound');
    expectHfError(await create({}, bob), 403, 'NotOrgAdmin');
    expectHfError(await create({}, null), 401, 'Unauthorized');
    expectHfError(await t.http().get(`/api/invitations/org/${org}/list`).set(as(bob)), 403, 'NotOrgAdmin');
    expectHfError(await t.http().get(`/api/invitations/not-a-token`), 400, 'InvalidInvitationToken');
    expectHfError(await t.http().get(`/api/invitations/inv_${'A'.repeat(32)}`), 404, 'InvitationNotFound');
    expectHfError(await t.http().post(`/api/invitations/inv_short/accept`).set(as(bob)), 400, 'InvalidInvitationToken');
    expectHfError(await t.http().post(`/api/invitations/inv_${'A'.repeat(32)}/accept`), 401, 'Unauthorized');
    expectHfError(await t.http().post(`/admin/api/invitations/register`).set(admin).send({ max_usage: -5 }), 400, 'ValidationError');
    expectHfError(await t.http().post(`/admin/api/invitations/register`).set(admin).send({ org_id: 999999 }), 404, 'OrgNotFound');
    expectHfError(await t.http().post(`/admin/api/invitations/register`).send({}), 401, 'AdminTokenRequired');
    expectHfError(await t.http().get(`/admin/api/invitations?action=bogus`).set(admin), 400, 'ValidationError');
    expectHfError(await t.http().delete(`/admin/api/invitations/123456789`).set(admin), 404, 'InvitationNotFound');
    expect(await tableCounts(t.db)).toEqual(before);
  });

  it('invitation-only registration: refused without a usable token, admitted with one (joining its org), verification mail works', async () => {
    const org = await newOrg();
    const name = uniqueName('reg');
    const email = `${name}@example.com`;
    const body = { username: name, email, password: 'a long enough password' };
    const before = await tableCounts(t.db);
    expectHfError(await t.http().post('/api/auth/register').send(body), 403, 'InvitationRequired');
    expectHfError(await t.http().post('/api/auth/register').send({ ...body, invitation_token: 'garbage' }), 400, 'InvalidInvitation');
    const orgInvite = await t.http().post(`/api/invitations/org/${org}/create`).set(as(owner)).send({}).expect(200);
    expectHfError(await t.http().post('/api/auth/register').send({ ...body, invitation_token: orgInvite.body.token }), 400, 'WrongInvitationType');
    expect(await tableCounts(t.db)).toMatchObject({ users: before.users, namespaces: before.namespaces });

    const created = await t.http().post('/admin/api/invitations/register').set(admin).send({ org_name: org, role: 'member', max_usage: null, expires_days: 30 }).expect(200);
    expect(created.body.invitation_link).toBe(`${t.baseUrl}/register?invitation=${created.body.token}`);
    expect(created.body.action).toBe('register_account');
    const invitationParam = new URL(created.body.invitation_link).searchParams.get('invitation')!;
    const registerLink = new URL(created.body.invitation_link);
    const offered = await t.http().get(registerLink.pathname + registerLink.search).expect(200);
    expect(offered.body).toMatchObject({ action: 'register_account', org_name: org, role: 'write', is_available: true });
    const registered = await t.http().post(`/api/auth/register?invitation=${invitationParam}`).send(body).expect(200);
    expect(registered.body).toMatchObject({ username: name, email_verified: false });
    expect(await roleIn(org, name)).toBe('write');

    // Not verified yet: no login; the mailed link verifies.
    expectHfError(await t.http().post('/api/auth/login').send({ username: name, password: body.password }), 403, 'EmailNotVerified');
    const [mail] = smtp.to(email);
    const link = linkIn(mail);
    expect(link.origin).toBe(t.baseUrl);
    await t.http().get(`${link.pathname}${link.search}`).expect(200);
    await t.http().post('/api/auth/login').send({ username: name, password: body.password }).expect(200);

    // The one use is gone.
    expectHfError(
      await t.http().post('/api/auth/register').send({ username: uniqueName('reg'), email: 'late@example.com', password: 'a long enough password', invitation_token: created.body.token }),
      410,
      'InvitationUsedUp',
    );
    const listed = await t.http().get('/admin/api/invitations?action=register_account').set(admin).expect(200);
    const row = listed.body.invitations.find((i: { id: number }) => i.id === created.body.id);
    expect(row).toMatchObject({ action: 'register_account', org_name: org, usage_count: 1, used_by_username: name, is_available: false });
    expect(listed.body.invitations.every((i: { action: string }) => i.action === 'register_account')).toBe(true);
  });

  it('20 concurrent registrations with a one-use invitation admit exactly one', async () => {
    const created = await t.http().post('/admin/api/invitations/register').set(admin).send({}).expect(200);
    const names = Array.from({ length: 20 }, () => uniqueName('race'));
    const results = await Promise.all(
      names.map((n) =>
        t.http().post('/api/auth/register').send({ username: n, email: `${n}@example.com`, password: 'a long enough password', invitation_token: created.body.token }),
      ),
    );
    const admitted = results.filter((r) => r.status === 200);
    expect(admitted).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 200)) expectHfError(r, 410, 'InvitationUsedUp');
    const users = await t.db.query(`SELECT count(*)::int AS n FROM namespaces WHERE name = ANY($1)`, [names]);
    expect(users.rows[0].n).toBe(1);
    const inv = await t.db.query(`SELECT usage_count FROM invitations WHERE id = $1`, [created.body.id]);
    expect(inv.rows[0].usage_count).toBe(1);
    // 20 password hashes (argon2id) on a busy machine: more than the default minute.
  }, 180_000);

  it('password reset: the mailed link sets a new password once; the old password and old sessions stop working', async () => {
    const user = await createUserWithToken(t);
    const email = `${user.username}@example.com`;
    const login = await t.http().post('/api/auth/login').send({ username: user.username, password: user.password }).expect(200);
    const oldCookie = login.headers['set-cookie'];
    await t.http().get('/api/auth/me').set('Cookie', oldCookie).expect(200);

    // Unknown addresses get the same answer and no mail.
    const unknown = await t.http().post('/api/auth/password-reset').send({ email: 'nobody-here@example.com' }).expect(200);
    const known = await t.http().post('/api/auth/password-reset').send({ email: email.toUpperCase() }).expect(200);
    expect(unknown.body).toEqual(known.body);
    expect(smtp.to('nobody-here@example.com')).toHaveLength(0);
    const [mail] = smtp.to(email);
    const link = linkIn(mail);
    expect(link.origin).toBe(t.baseUrl);
    const check = await t.http().get(`${link.pathname}${link.search}`).expect(200);
    expect(check.body).toEqual({ valid: true, username: user.username });

    const token = link.searchParams.get('token')!;
    expectHfError(await t.http().post('/api/auth/password-reset/confirm').send({ token, password: 'short' }), 400, 'WeakPassword');
    await t.http().post('/api/auth/password-reset/confirm').send({ token, password: 'the brand new passphrase' }).expect(200);

    expectHfError(await t.http().get('/api/auth/me').set('Cookie', oldCookie), 401, 'Unauthorized');
    expectHfError(await t.http().post('/api/auth/login').send({ username: user.username, password: user.password }), 401, 'InvalidCredentials');
    await t.http().post('/api/auth/login').send({ username: user.username, password: 'the brand new passphrase' }).expect(200);
    expectHfError(await t.http().post('/api/auth/password-reset/confirm').send({ token, password: 'another passphrase' }), 400, 'InvalidToken');
    expectHfError(await t.http().get(`${link.pathname}${link.search}`), 400, 'InvalidToken');
  });

  it('a mail server that refuses: 503 MailDeliveryFailed, and nothing is created', async () => {
    const org = await newOrg();
    const reg = await t.http().post('/admin/api/invitations/register').set(admin).send({}).expect(200);
    const user = await createUserWithToken(t);
    const before = await tableCounts(t.db);
    const mailsBefore = smtp.mails.length;
    smtp.refuse = true;
    try {
      expectHfError(
        await t.http().post(`/api/invitations/org/${org}/create`).set(as(owner)).send({ email: 'someone@example.com' }),
        503,
        'MailDeliveryFailed',
      );
      const n = uniqueName('reg');
      expectHfError(
        await t.http().post('/api/auth/register').send({ username: n, email: `${n}@example.com`, password: 'a long enough password', invitation_token: reg.body.token }),
        503,
        'MailDeliveryFailed',
      );
      expectHfError(await t.http().post('/api/auth/password-reset').send({ email: `${user.username}@example.com` }), 503, 'MailDeliveryFailed');
    } finally {
      smtp.refuse = false;
    }
    expect(await tableCounts(t.db)).toEqual(before);
    expect(smtp.mails.length).toBe(mailsBefore);
    // The registration invitation was not used up by the failed registration.
    expect((await t.http().get(`/api/invitations/${reg.body.token}`).expect(200)).body).toMatchObject({ usage_count: 0, is_available: true });
  });

  it('admin deletes any invitation by id; its use is then refused', async () => {
    const created = await t.http().post('/admin/api/invitations/register').set(admin).send({ max_usage: -1 }).expect(200);
    await t.http().delete(`/admin/api/invitations/${created.body.id}`).set(admin).expect(200);
    const n = uniqueName('reg');
    expectHfError(
      await t.http().post('/api/auth/register').send({ username: n, email: `${n}@example.com`, password: 'a long enough password', invitation_token: created.body.token }),
      410,
      'InvitationDeleted',
    );
    const audit = await t.db.query(`SELECT actor, action FROM audit_log WHERE target = $1 ORDER BY id`, [`invitation:${created.body.id}`]);
    expect(audit.rows.map((r) => r.action)).toEqual(['invitation.create', 'invitation.delete']);
    expect(audit.rows[0].actor).toMatch(/^admin:/);
  });

  it('/health/ready reports the SMTP server, and fails when it is gone', async () => {
    const ok = await t.http().get('/health/ready').expect(200);
    expect(ok.body.checks).toEqual({ database: 'ok', objectStore: 'ok', smtp: 'ok' });
    await smtp.close();
    const down = await t.http().get('/health/ready');
    expectHfError(down, 503, 'NotReady');
    expect(down.body.checks).toMatchObject({ database: 'ok', objectStore: 'ok', smtp: 'failed' });
  });
});
