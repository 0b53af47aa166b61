import { createUserWithToken, uniqueName } from '../support/accounts';
import { DESKTOP, openPage, screenshots, uiSuite } from '../support/browser';
import { commit, createRepo, file, header } from '../support/repos';
import { ADMIN_TOKEN } from '../support/test-app';
import { OBJECT_STORE, type ObjectStore } from '../../src/core/storage/object-store';

/** The admin dashboard at /admin, driven in Debian's Chromium against a real Hangar. */
describe('admin dashboard in a browser', () => {
  const suite = uiSuite();

  it('an admin signs in, creates a user with a quota, finds it, invites, browses storage and watches an event arrive', async () => {
    const { t, browser, context } = suite;
    const { page, problems } = await openPage(context);
    await page.goto('/admin');
    await page.getByLabel('Admin token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    const users = (await t.http().get('/admin/api/stats').set('X-Admin-Token', ADMIN_TOKEN).expect(200)).body.users;
    expect(await page.getByRole('region', { name: 'Users' }).locator('.value').textContent()).toBe(String(users));
    // The token is in this tab's session storage, not in local storage, a cookie or the URL.
    expect(await page.evaluate('[sessionStorage.length, localStorage.length]')).toEqual([1, 0]);
    expect((await context.cookies()).length).toBe(0);
    expect(page.url()).not.toContain(ADMIN_TOKEN);
    await screenshots(page, 'admin-dashboard');

    // Create a user with a 5 GB private quota; it shows in the list and in a search.
    const name = uniqueName('ui');
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('button', { name: 'New user' }).click();
    const form = page.getByRole('form', { name: 'New user' });
    await form.getByLabel('Username').fill(name);
    await form.getByLabel('Email', { exact: true }).fill(`${name}@example.com`);
    await form.getByLabel('Password').fill('a long enough password');
    await form.getByLabel('Private quota').fill('5 GB');
    await form.getByRole('button', { name: 'Create user' }).click();
    await form.getByText(`Created ${name}.`).waitFor();
    await page.getByLabel('Search users').fill(name);
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });
    await row.waitFor();
    expect(await row.textContent()).toContain('0 B / 5.0 GB');
    const stored = await t.http().get(`/admin/api/users/${name}`).set('X-Admin-Token', ADMIN_TOKEN).expect(200);
    expect(stored.body).toMatchObject({ private_quota_bytes: 5 * 1024 ** 3, public_quota_bytes: null });
    await screenshots(page, 'admin-users');
    await row.getByRole('link', { name }).click();
    await page.getByRole('heading', { name }).waitFor();
    await page.getByText('0 B of 5.0 GB').waitFor();
    await page.getByRole('button', { name: 'Mark email verified' }).click();
    await page.getByText('(verified)').waitFor();
    await page.getByRole('button', { name: 'Rotate token' }).click();
    await page.getByRole('button', { name: /^Rotate: / }).click();
    const rotated = (await page.getByRole('region', { name: 'New token' }).locator('.mono').textContent())!;
    expect((await t.http().get('/api/whoami-v2').set('Authorization', `Bearer ${rotated}`).expect(200)).body.name).toBe(name);
    await screenshots(page, 'admin-user');

    // A registration invitation: its link is shown and it is listed.
    await page.getByRole('link', { name: 'Invitations' }).click();
    await page.getByRole('button', { name: 'Create invitation' }).click();
    const link = await page.locator('output').textContent();
    expect(link).toMatch(new RegExp(`^${t.baseUrl}/register\\?invitation=`));
    const token = new URL(link!).searchParams.get('invitation')!;
    const listed = await t.http().get('/admin/api/invitations').set('X-Admin-Token', ADMIN_TOKEN).expect(200);
    const prefix = listed.body.invitations.find((i: { token_prefix: string }) => token.startsWith(i.token_prefix)).token_prefix;
    await page.getByRole('cell', { name: `${prefix}…` }).waitFor();
    await screenshots(page, 'admin-invitations');
    // Whoever opens the link (another browser, no admin token) signs up with it; it is used up.
    const guest = await browser.newContext({ viewport: DESKTOP, baseURL: t.baseUrl });
    const { page: invitee, problems: inviteeProblems } = await openPage(guest);
    await invitee.goto(link!);
    await invitee.getByText('You were invited').waitFor();
    const newcomer = uniqueName('invited');
    const signup = invitee.getByRole('form', { name: 'Sign up' });
    await signup.getByLabel('Username').fill(newcomer);
    await signup.getByLabel('Email').fill(`${newcomer}@example.com`);
    await signup.getByLabel('Password').fill('a long enough password');
    await signup.getByRole('button', { name: 'Create account' }).click();
    await invitee.getByRole('heading', { name: 'Access tokens' }).waitFor();
    await guest.close();
    expect(inviteeProblems).toEqual([]);
    const used = await t.http().get(`/api/invitations/${token}`).expect(200);
    expect(used.body).toMatchObject({ usage_count: 1, is_available: false });

    // Storage: a repository's files, with where each is kept.
    const owner = await createUserWithToken(t);
    await createRepo(t, owner.token, 'stored').expect(200);
    await commit(t, owner.token, `${owner.username}/stored`, [header('add'), file('weights/config.json', '{"a":1}')]).expect(200);
    await page.getByRole('link', { name: 'Storage' }).click();
    const picker = page.getByRole('form', { name: "Browse a repository's objects" });
    await picker.getByLabel('Repository').fill(`${owner.username}/stored`);
    await picker.getByRole('button', { name: 'Browse repository' }).click();
    const objects = page.getByRole('region', { name: 'Repository objects' });
    await objects.getByRole('cell', { name: 'weights/config.json' }).waitFor();
    // The file committed, and the .gitattributes a new repository starts with.
    expect(await objects.getByRole('heading').textContent()).toContain(': 2 files');
    await objects.getByRole('cell', { name: '.gitattributes' }).waitFor();
    await screenshots(page, 'admin-storage');
    // By prefix: folders and objects, then the two-step delete of everything under a prefix.
    const store = t.app.get<ObjectStore>(OBJECT_STORE);
    await store.put('junk-ui/a', Buffer.from('a'));
    await store.put('junk-ui/deeper/b', Buffer.from('bb'));
    await page.getByRole('link', { name: 'All objects' }).click();
    await page.getByRole('link', { name: 'junk-ui/' }).click();
    await page.getByRole('link', { name: 'deeper/' }).waitFor();
    await page.getByRole('cell', { name: 'a', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Delete everything under junk-ui/…' }).click();
    await page.getByRole('button', { name: 'Delete 2 objects' }).click();
    await page.getByText('Deleted 2 objects under junk-ui/.').waitFor();
    expect((await t.http().get('/admin/api/storage/objects?prefix=junk-ui/').set('X-Admin-Token', ADMIN_TOKEN).expect(200)).body.objects).toEqual([]);

    // Live events: a repository created elsewhere appears while the page is open.
    await page.getByRole('link', { name: 'Live events' }).click();
    await page.locator('[data-status="live"]').waitFor();
    await createRepo(t, owner.token, 'arrives-live').expect(200);
    const feed = page.getByRole('list', { name: 'Events' });
    await feed.getByText(`${owner.username}/arrives-live`).first().waitFor();
    expect(await feed.locator('li').filter({ hasText: 'arrives-live' }).first().locator('.badge').textContent()).toBe('repo.created');
    await screenshots(page, 'admin-events');

    expect(problems).toEqual([]);
  });

  it('the other admin pages show what the admin API holds: repositories, commits, quotas, fallback sources, audit log, query console', async () => {
    const { t, context } = suite;
    const { page, problems } = await openPage(context);
    const owner = await createUserWithToken(t);
    await createRepo(t, owner.token, 'listed').expect(200);
    await commit(t, owner.token, `${owner.username}/listed`, [header('Seed the listing'), file('a.txt', 'a')]).expect(200);
    // An admin-role user signed in to the hub needs no admin token: the session is enough.
    const staff = await createUserWithToken(t);
    await t.http().patch(`/admin/api/users/${staff.username}`).set('X-Admin-Token', ADMIN_TOKEN).send({ role: 'admin' }).expect(200);
    await page.goto('/login');
    await page.getByLabel('Username or email').fill(staff.username);
    await page.getByLabel('Password').fill(staff.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('link', { name: staff.username, exact: true }).waitFor();
    await page.goto('/admin');
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    // The charts count what the time series holds.
    const series = (await t.http().get('/admin/api/stats/timeseries?days=30').set('X-Admin-Token', ADMIN_TOKEN).expect(200)).body;
    const commits = Object.values(series.commits_by_day as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(commits).toBeGreaterThan(0);
    await page.getByRole('figure', { name: 'Commits' }).getByText(`Commits: ${commits} in 30 days`).waitFor();
    await screenshots(page, 'admin-dashboard-charts');

    await page.getByRole('link', { name: 'Repositories' }).click();
    await page.getByRole('table', { name: 'Repositories' }).getByRole('cell', { name: `${owner.username}/listed` }).waitFor();
    await screenshots(page, 'admin-repositories');

    await page.getByRole('link', { name: 'Commits' }).click();
    await page.getByRole('table', { name: 'Commits' }).getByRole('cell', { name: 'Seed the listing' }).waitFor();
    await screenshots(page, 'admin-commits');

    await page.getByRole('link', { name: 'Quotas' }).click();
    const quota = page.getByRole('form', { name: 'Set a quota' });
    await quota.getByLabel('User or organization').fill(owner.username);
    await quota.getByLabel('Public quota').fill('2 GB');
    await quota.getByRole('button', { name: 'Set quota' }).click();
    await quota.getByText(`${owner.username}: private unlimited, public 2.0 GB`).waitFor();
    expect((await t.http().get(`/admin/api/quota/${owner.username}`).set('X-Admin-Token', ADMIN_TOKEN).expect(200)).body.public_quota_bytes).toBe(2 * 1024 ** 3);
    await screenshots(page, 'admin-quotas');

    await page.getByRole('link', { name: 'Fallback sources' }).click();
    const source = page.getByRole('form', { name: 'New fallback source' });
    await source.getByLabel('Name', { exact: true }).fill('upstream');
    await source.getByLabel('URL').fill('https://hub.example.org');
    await source.getByRole('button', { name: 'Add source' }).click();
    await page.getByRole('table', { name: 'Fallback sources' }).getByRole('cell', { name: 'https://hub.example.org' }).waitFor();
    await screenshots(page, 'admin-fallback-sources');

    await page.getByRole('link', { name: 'Audit log' }).click();
    // The filter is the exact action; wait for the filtered list (the unfiltered one shows first).
    await page.getByLabel('Action').fill('fallback_source.create');
    await page.waitForFunction(
      () => {
        type Cell = { textContent: string | null };
        const doc = (globalThis as unknown as { document: { querySelectorAll(q: string): Iterable<{ children: Cell[] }> } }).document;
        const rows = [...doc.querySelectorAll('table[aria-label="Audit entries"] tbody tr')];
        return rows.length > 0 && rows.every((r) => r.children[1]?.textContent === 'fallback_source.create');
      },
      undefined,
      { timeout: 10_000 },
    );
    await screenshots(page, 'admin-audit');

    await page.getByRole('link', { name: 'Query console' }).click();
    await page.getByLabel('SQL (read-only)').fill(`SELECT n.name FROM users u JOIN namespaces n ON n.id = u.id WHERE n.name = '${owner.username}'`);
    await page.getByRole('button', { name: 'Run' }).click();
    await page.getByRole('table', { name: 'Result' }).getByRole('cell', { name: owner.username }).waitFor();
    await page.getByLabel('SQL (read-only)').fill(`DELETE FROM users`);
    await page.getByRole('button', { name: 'Run' }).click();
    await page.getByRole('alert').waitFor();
    expect(Number((await t.db.query('SELECT count(*) AS n FROM users')).rows[0].n)).toBeGreaterThan(0);
    await screenshots(page, 'admin-console');

    expect(problems).toEqual([]);
  });
});
