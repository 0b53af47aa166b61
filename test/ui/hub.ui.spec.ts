import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import sharp from 'sharp';
import { createUserWithToken, uniqueName } from '../support/accounts';
import { openPage, screenshots, uiSuite } from '../support/browser';
import { commit, file, header } from '../support/repos';
import type { TestApp } from '../support/test-app';

const PYTHON = path.resolve(__dirname, '../../.venv/bin/python');

/** What a README and a file name may carry: none of it may run. */
const XSS_README = [
  '---',
  'license: mit',
  'tags:',
  '- vision',
  '- "<img src=x onerror=alert(11)>"',
  '---',
  '# Hello card',
  '',
  'Some *emphasis* and a table:',
  '',
  '| a | b |',
  '|---|---|',
  '| 1 | 2 |',
  '',
  '<script>alert(1)</script>',
  '',
  '<img src=x onerror="alert(2)">',
  '',
  '[click me](javascript:alert(3))',
  '',
  '[config](config.json)',
  '',
].join('\n');
const XSS_FILE_NAME = '<img src=x onerror=alert(4)>.txt';
const WEIGHTS = Buffer.alloc(4096, 7);
/** A valid OpenSSH ed25519 public key line (the key of no one). */
const SSH_KEY = `ssh-ed25519 ${Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 32]), Buffer.alloc(32, 9)]).toString('base64')} ui@test`;

/** Runs a few lines of the real huggingface_hub against the test server (asynchronously: the server is in this process). */
function hf(t: TestApp, token: string, code: string, args: Record<string, string>): Promise<string> {
  const env = { ...process.env, HF_ENDPOINT: t.baseUrl, HF_TOKEN: token, HF_HUB_DISABLE_TELEMETRY: '1', HF_HUB_CACHE: path.join(t.config.dataDir, 'hf-cache'), ARGS: JSON.stringify(args) };
  return new Promise((resolve, reject) =>
    execFile(PYTHON, ['-c', code], { encoding: 'utf8', timeout: 50_000, env }, (err, stdout, stderr) => (err ? reject(new Error(`huggingface_hub failed: ${stderr || err.message}`)) : resolve(stdout))),
  );
}

/** The hub at `/`, driven in Debian's Chromium: sign-up, tokens, and a repository made with huggingface_hub. */
describe('hub in a browser', () => {
  const suite = uiSuite();

  it('a user signs up, creates a token, commits with huggingface_hub and reads card, files, history and diff; payloads stay inert', async () => {
    const { t, context } = suite;
    const { page, problems } = await openPage(context);
    const username = uniqueName('web');
    await page.goto('/signup');
    const signup = page.getByRole('form', { name: 'Sign up' });
    await signup.getByLabel('Username').fill(username);
    await signup.getByLabel('Email').fill(`${username}@example.com`);
    await signup.getByLabel('Password').fill('a long enough password');
    await signup.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Access tokens' }).waitFor();
    // The session and the token list load after the heading shows; neither may stay loading.
    await page.waitForFunction(() => !(globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText.includes('Loading…'), undefined, { timeout: 10_000 });
    await page.getByRole('link', { name: username }).waitFor(); // signed in: the header names the user

    const tokenForm = page.getByRole('form', { name: 'New token' });
    await tokenForm.getByLabel('Name').fill('laptop');
    await tokenForm.getByRole('button', { name: 'Create token' }).click();
    const token = (await page.getByTestId('token-value').textContent())!.trim();
    expect(token).toMatch(/^hf_/);
    await page.getByRole('table', { name: 'Tokens' }).getByRole('cell', { name: 'laptop' }).waitFor();
    await screenshots(page, 'hub-tokens');
    // Shown once: after "Done" the value is gone from the page, and the list never has it.
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.content()).not.toContain(token);

    // Two commits with the real client: the card, a file with a hostile name, an LFS file; then a change.
    const repo = `${username}/web-model`;
    await hf(
      t,
      token,
      `
import json, os
from huggingface_hub import HfApi, CommitOperationAdd
a = json.loads(os.environ["ARGS"])
api = HfApi()
api.create_repo(a["repo"])
api.create_commit(a["repo"], operations=[
    CommitOperationAdd("README.md", a["readme"].encode()),
    CommitOperationAdd(a["xss_name"], b"harmless\\n"),
    CommitOperationAdd("config.json", b'{\\n  "a": 1,\\n  "b": 2\\n}\\n'),
    CommitOperationAdd("weights.bin", bytes([7]) * 4096),
    CommitOperationAdd("docs/guide/usage.md", b"Use it well.\\n"),
], commit_message="Add the card and weights")
api.upload_file(path_or_fileobj=b'{\\n  "a": 1,\\n  "b": 3\\n}\\n', path_in_repo="config.json", repo_id=a["repo"], commit_message="Bump b")
`,
      { repo, readme: XSS_README, xss_name: XSS_FILE_NAME },
    );

    // The card: README rendered, metadata as a table, hostile HTML shown as text.
    await page.goto(`/${repo}`);
    const readme = page.getByRole('article', { name: 'README' });
    await readme.getByRole('heading', { name: 'Hello card' }).waitFor();
    const meta = page.getByRole('table', { name: 'Card metadata' });
    expect(await meta.getByRole('row').filter({ hasText: 'license' }).textContent()).toContain('mit');
    expect(await meta.textContent()).toContain('<img src=x onerror=alert(11)>');
    expect(await readme.textContent()).not.toContain('license: mit'); // no raw YAML
    expect(await readme.textContent()).toContain('<script>alert(1)</script>');
    expect(await readme.textContent()).toContain('<img src=x onerror="alert(2)">');
    expect(await readme.locator('script, img, iframe').count()).toBe(0);
    expect(await readme.getByRole('link', { name: 'click me' }).getAttribute('href')).toBe('#');
    expect(await readme.getByRole('link', { name: 'config' }).getAttribute('href')).toMatch(new RegExp(`^/${repo}/blob/[0-9a-f]{40}/config\\.json$`));
    await readme.getByRole('table').waitFor();
    await screenshots(page, 'hub-repo-card');

    // Files at main, the hostile name shown as text, the LFS file's identity.
    await page.getByRole('link', { name: 'Files' }).click();
    const tree = page.getByRole('table', { name: 'File tree' });
    await tree.getByRole('link', { name: XSS_FILE_NAME }).waitFor();
    for (const name of ['README.md', 'config.json', 'weights.bin', '.gitattributes']) await tree.getByRole('link', { name, exact: true }).waitFor();
    await screenshots(page, 'hub-files');
    // Into folders and back by the breadcrumbs.
    await tree.getByRole('link', { name: 'docs' }).click();
    await tree.getByRole('link', { name: 'guide' }).click();
    await tree.getByRole('link', { name: 'usage.md' }).click();
    await page.getByRole('region', { name: 'File' }).getByText('Use it well.').waitFor();
    // Known kinds are highlighted (spans from highlight.js around escaped text).
    await page.goto(`/${repo}/blob/main/config.json`);
    const code = page.getByRole('region', { name: 'File' }).locator('pre.hljs');
    await code.locator('.hljs-attr', { hasText: '"b"' }).waitFor();
    expect(await code.textContent()).toBe('{\n  "a": 1,\n  "b": 3\n}\n');
    await page.goto(`/${repo}/tree/main/docs/guide`);
    await page.getByRole('navigation', { name: 'Path' }).getByRole('link', { name: 'docs' }).click();
    await tree.getByRole('link', { name: 'guide' }).waitFor();
    await page.getByRole('navigation', { name: 'Path' }).getByRole('link', { name: 'web-model' }).click();
    await tree.getByRole('link', { name: XSS_FILE_NAME }).click();
    await page.getByRole('region', { name: 'File' }).getByText('harmless').waitFor();
    await page.getByRole('link', { name: 'Files' }).click();
    await tree.getByRole('link', { name: 'weights.bin', exact: true }).click();
    const details = page.getByRole('definition').filter({ hasText: createHash('sha256').update(WEIGHTS).digest('hex') });
    await details.waitFor();
    const download = await page.getByRole('link', { name: 'Download' }).getAttribute('href');
    expect(download).toBe(`/${repo}/resolve/main/weights.bin?download=true`);
    const bytes = await page.evaluate(async (href) => (await (await fetch(href)).arrayBuffer()).byteLength, download!);
    expect(bytes).toBe(WEIGHTS.length);
    await screenshots(page, 'hub-file-lfs');

    // History: newest first; the latest commit's diff shows the changed line.
    await page.getByRole('link', { name: 'History' }).click();
    const commits = page.getByRole('list', { name: 'Commits' });
    await commits.getByRole('link', { name: 'Bump b' }).waitFor();
    expect(await commits.getByRole('listitem').allTextContents()).toEqual([expect.stringContaining('Bump b'), expect.stringContaining('Add the card and weights'), expect.any(String)]);
    await screenshots(page, 'hub-history');
    await commits.getByRole('link', { name: 'Bump b' }).click();
    const diff = page.getByRole('group', { name: 'Diff of config.json' });
    await diff.locator('.del', { hasText: '"b": 2' }).waitFor();
    expect(await diff.locator('.del, .add').allTextContents()).toEqual(['-  "b": 2', '+  "b": 3']);
    expect(await page.getByText('1 file changed').count()).toBe(1);
    await screenshots(page, 'hub-commit-diff');
    // The first commit's diff lists the hostile name as text too.
    await page.goBack();
    await commits.getByRole('link', { name: 'Add the card and weights' }).click();
    await page.getByRole('group', { name: `Diff of ${XSS_FILE_NAME}` }).waitFor();

    // Revoking the token in settings makes the client's token useless.
    await page.goto('/settings/tokens');
    const row = page.getByRole('row').filter({ hasText: 'laptop' });
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('button', { name: 'Revoke laptop' }).click();
    await row.waitFor({ state: 'detached' });
    await t.http().get('/api/whoami-v2').set('Authorization', `Bearer ${token}`).expect(401);

    expect(problems).toEqual([]);
  });

  it('search, user and org pages, likes, settings (profile, SSH key, organization) and repository settings', async () => {
    const { t, context } = suite;
    const { page, problems } = await openPage(context);
    const user = await createUserWithToken(t);
    await t.http().post('/api/repos/create').set('Authorization', `Bearer ${user.token}`).send({ name: 'shown-model' }).expect(200);
    const repo = `${user.username}/shown-model`;

    await page.goto('/login');
    const login = page.getByRole('form', { name: 'Log in' });
    await login.getByLabel('Username or email').fill(user.username);
    await login.getByLabel('Password').fill(user.password);
    await screenshots(page, 'hub-login');
    await login.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('link', { name: user.username, exact: true }).waitFor();

    await page.getByRole('navigation', { name: 'Browse' }).getByRole('link', { name: 'Models' }).click();
    await page.getByLabel('Search models').fill('shown-model');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('list', { name: 'Repositories' }).getByRole('link', { name: repo }).click();
    await screenshots(page, 'hub-search-result');

    // Like: the button toggles and the count follows the API.
    await page.getByRole('button', { name: /Like · 0/ }).click();
    await page.getByRole('button', { name: /Liked · 1/ }).waitFor();
    expect((await t.http().get(`/api/models/${repo}`).expect(200)).body.likes).toBe(1);

    // Discussions: open one (hostile markup stays text), comment, close, find it under Closed, reopen.
    await page.getByRole('link', { name: 'Community' }).click();
    await page.getByText('No open discussions.').waitFor();
    await page.getByRole('link', { name: 'New discussion' }).click();
    const newDiscussion = page.getByRole('form', { name: 'New discussion' });
    await newDiscussion.getByLabel('Title').fill('Typo <img src=x onerror=alert(5)>');
    await newDiscussion.getByLabel('Description (Markdown)').fill('Please **fix** it.\n\n<script>alert(6)</script>\n\n[x](javascript:alert(7))');
    await newDiscussion.getByRole('button', { name: 'Create discussion' }).click();
    const thread = page.getByRole('region', { name: 'Discussion' });
    await thread.getByRole('heading', { name: /Typo <img src=x onerror=alert\(5\)>/ }).waitFor();
    const first = thread.getByRole('article', { name: `Comment by ${user.username}` }).first();
    await first.locator('strong', { hasText: 'fix' }).waitFor();
    expect(await first.textContent()).toContain('<script>alert(6)</script>');
    expect(await first.getByRole('link', { name: 'x' }).getAttribute('href')).toBe('#');
    expect(await thread.locator('script, img').count()).toBe(0);
    const commentForm = page.getByRole('form', { name: 'New comment' });
    await commentForm.getByLabel('Comment (Markdown)').fill('Done in *the next* commit.');
    await commentForm.getByRole('button', { name: 'Comment' }).click();
    await thread.getByRole('article', { name: `Comment by ${user.username}` }).nth(1).locator('em', { hasText: 'the next' }).waitFor();
    await commentForm.getByRole('button', { name: 'Close' }).click();
    await thread.getByText('changed the status to closed').waitFor();
    await screenshots(page, 'hub-discussion');
    expect((await t.http().get(`/api/models/${repo}/discussions/1`).expect(200)).body.status).toBe('closed');
    await thread.getByRole('link', { name: '← All discussions' }).click();
    await page.getByText('No open discussions.').waitFor();
    await page.getByRole('navigation', { name: 'Discussion status' }).getByRole('link', { name: 'Closed' }).click();
    await page.getByRole('list', { name: 'Closed discussions' }).getByRole('link', { name: /Typo/ }).click();
    await commentForm.getByRole('button', { name: 'Reopen' }).click();
    await thread.getByText('changed the status to open').waitFor();
    await thread.getByRole('link', { name: '← All discussions' }).click();
    await page.getByRole('list', { name: 'Open discussions' }).getByRole('link', { name: /Typo/ }).waitFor();
    await screenshots(page, 'hub-discussions');
    // A draft pull request: empty until a commit lands on refs/pr/2, then its diff shows.
    await page.getByRole('link', { name: 'New discussion' }).click();
    await newDiscussion.getByLabel('Title').fill('Add a note');
    await newDiscussion.getByLabel(/draft pull request/).check();
    await newDiscussion.getByRole('button', { name: 'Create discussion' }).click();
    const changes = thread.getByRole('region', { name: 'Changes' });
    await changes.getByText('No changes yet').waitFor();
    await commit(t, user.token, repo, [header('Add the note'), file('note.txt', 'from the <b>PR</b>\n')], { revision: 'refs/pr/2' }).expect(200);
    await page.reload();
    await changes.locator('.add', { hasText: '+from the <b>PR</b>' }).waitFor();
    expect(await changes.locator('b').count()).toBe(0);
    await screenshots(page, 'hub-pull-request');

    // Repository settings: make it private.
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    const settings = page.getByRole('form', { name: 'Repository settings' });
    await settings.getByLabel(/Private/).check();
    await settings.getByRole('button', { name: 'Save settings' }).click();
    await settings.getByText('Saved.').waitFor();
    await page.getByText('private', { exact: true }).waitFor();
    await t.http().get(`/api/models/${repo}`).expect(401);
    await screenshots(page, 'hub-repo-settings');

    // Access grants: an unknown user is an error message; a real one gets write, then read, then nothing.
    const other = await createUserWithToken(t);
    const access = page.getByRole('region', { name: 'Access' });
    const grantForm = access.getByRole('form', { name: 'Grant access' });
    await grantForm.getByLabel('Username').fill('no-such-user-<b>');
    await grantForm.getByRole('button', { name: 'Grant' }).click();
    await access.getByRole('alert').waitFor();
    await grantForm.getByLabel('Username').fill(other.username);
    await grantForm.getByLabel('Role').selectOption('write');
    await grantForm.getByRole('button', { name: 'Grant' }).click();
    const grantRow = access.getByRole('table', { name: 'Access grants' }).getByRole('row').filter({ hasText: other.username });
    await grantRow.getByRole('cell', { name: 'write', exact: true }).waitFor();
    await t.http().get(`/api/models/${repo}`).set('Authorization', `Bearer ${other.token}`).expect(200);
    await grantForm.getByLabel('Username').fill(other.username);
    await grantForm.getByLabel('Role').selectOption('read');
    await grantForm.getByRole('button', { name: 'Grant' }).click();
    await grantRow.getByRole('cell', { name: 'read', exact: true }).waitFor();
    expect((await t.http().get(`/api/models/${repo}/access`).set('Authorization', `Bearer ${user.token}`).expect(200)).body.grants).toEqual([expect.objectContaining({ username: other.username, role: 'read' })]);
    await page.getByRole('region', { name: 'Large files' }).getByText('server default').first().waitFor();
    await screenshots(page, 'hub-repo-access');
    await grantRow.getByRole('button', { name: 'Revoke' }).click();
    await grantRow.getByRole('button', { name: `Revoke ${other.username}` }).click();
    await access.getByText('No one has been granted access.').waitFor();
    await t.http().get(`/api/models/${repo}`).set('Authorization', `Bearer ${other.token}`).expect(404);

    // Profile, SSH key, organization.
    await page.goto('/settings/profile');
    const profile = page.getByRole('form', { name: 'Profile' });
    await profile.getByLabel('Full name').fill('Ada <b>Lovelace</b>');
    await profile.getByLabel('Bio').fill('Builds engines.');
    await profile.getByRole('button', { name: 'Save profile' }).click();
    await profile.getByText('Saved.').waitFor();

    // Avatar: a text file named .png is refused with a message; a PNG replaces the generated avatar; removal brings it back.
    const avatar = page.getByRole('region', { name: 'Avatar' });
    const avatarForm = avatar.getByRole('form', { name: 'Upload avatar' });
    const avatarType = async () => (await t.http().get(`/api/users/${user.username}/avatar`).expect(200)).headers['content-type'];
    expect(await avatarType()).toMatch(/^image\/svg\+xml/);
    await avatarForm.getByLabel(/^Image/).setInputFiles({ name: 'not.png', mimeType: 'image/png', buffer: Buffer.from('not an image at all') });
    await avatarForm.getByRole('button', { name: 'Upload' }).click();
    await avatar.getByRole('alert').waitFor();
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3366ff' } }).png().toBuffer();
    await avatarForm.getByLabel(/^Image/).setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: png });
    await avatarForm.getByRole('button', { name: 'Upload' }).click();
    await avatar.getByText('Avatar uploaded.').waitFor();
    expect(await avatarType()).toBe('image/jpeg');
    const shown = avatar.getByRole('img', { name: `Avatar of ${user.username}` });
    await page.waitForFunction((img) => { const i = img as unknown as { complete: boolean; naturalWidth: number }; return i.complete && i.naturalWidth > 0; }, await shown.elementHandle());
    await screenshots(page, 'hub-settings-avatar');
    await avatarForm.getByRole('button', { name: 'Remove avatar' }).click();
    await avatarForm.getByRole('button', { name: 'Remove it' }).click();
    await avatar.getByText('Avatar removed.').waitFor();
    expect(await avatarType()).toMatch(/^image\/svg\+xml/);
    await page.getByRole('link', { name: 'SSH keys' }).click();
    const key = page.getByRole('form', { name: 'New SSH key' });
    await key.getByLabel('Title').fill('laptop key');
    await key.getByLabel('Public key').fill(SSH_KEY);
    await key.getByRole('button', { name: 'Add key' }).click();
    await page.getByRole('table', { name: 'SSH keys' }).getByRole('cell', { name: 'laptop key' }).waitFor();
    await screenshots(page, 'hub-settings-ssh-keys');
    const org = uniqueName('org');
    await page.getByRole('link', { name: 'Organizations' }).click();
    const orgForm = page.getByRole('form', { name: 'New organization' });
    await orgForm.getByLabel('Name', { exact: true }).fill(org);
    await orgForm.getByRole('button', { name: 'Create organization' }).click();
    await page.getByRole('table', { name: 'Your organizations' }).getByRole('link', { name: org }).click();
    await page.getByText(`organization ${org}`).waitFor();
    await screenshots(page, 'hub-org');

    // Members: the creator manages them; an unknown user is an error message; add, change the role, remove.
    const members = page.getByRole('region', { name: 'Members' });
    const addMember = members.getByRole('form', { name: 'Add member' });
    await addMember.getByLabel('Username').fill('no-such-user');
    await addMember.getByRole('button', { name: 'Add member' }).click();
    await members.getByRole('alert').waitFor();
    await addMember.getByLabel('Username').fill(other.username);
    await addMember.getByLabel('Role').selectOption('read');
    await addMember.getByRole('button', { name: 'Add member' }).click();
    const memberRole = members.getByLabel(`Role of ${other.username}`);
    await memberRole.waitFor();
    expect(await memberRole.inputValue()).toBe('read');
    const roleOf = async (name: string) => ((await t.http().get(`/org/${org}/members`).expect(200)).body.members as { user: string; role: string }[]).find((m) => m.user === name)?.role;
    expect(await roleOf(other.username)).toBe('read');
    const changed = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().endsWith(`/org/${org}/members/${other.username}`));
    await memberRole.selectOption('admin');
    expect((await changed).status()).toBe(200);
    expect(await roleOf(other.username)).toBe('admin');
    await screenshots(page, 'hub-org-members');
    const memberRow = members.getByRole('row').filter({ hasText: other.username });
    await memberRow.getByRole('button', { name: 'Remove' }).click();
    await memberRow.getByRole('button', { name: `Remove ${other.username}` }).click();
    await memberRow.waitFor({ state: 'detached' });
    expect(await roleOf(other.username)).toBeUndefined();

    // The user's page: the name as text, the private repository visible to its owner.
    await page.goto(`/${user.username}`);
    await page.getByRole('heading', { name: 'Ada <b>Lovelace</b>' }).waitFor();
    await page.getByRole('region', { name: 'models' }).getByRole('link', { name: repo }).waitFor();
    await screenshots(page, 'hub-user');

    expect(problems).toEqual([]);
  });
});
