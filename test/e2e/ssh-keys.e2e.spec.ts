import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createUserWithToken, TestUser, uniqueName } from '../support/accounts';
import { expectHfError, tableCounts } from '../support/hf-error';
import { startTestApp, TestApp } from '../support/test-app';

/** ssh-keygen's own key lines and fingerprints: the reference for parsing and fingerprinting. */
function keygen(dir: string, type: string, bits?: number): { line: string; fingerprint: string } {
  const file = path.join(dir, `${type}-${bits ?? 0}-${Math.random().toString(36).slice(2)}`);
  execFileSync('ssh-keygen', ['-q', '-t', type, ...(bits ? ['-b', String(bits)] : []), '-N', '', '-C', 'me@host', '-f', file]);
  const line = readFileSync(`${file}.pub`, 'utf8').trim();
  const fingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${file}.pub`], { encoding: 'utf8' }).split(/\s+/)[1];
  return { line, fingerprint };
}

describe('SSH keys', () => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let dir: string;
  const as = (u: TestUser) => ({ Authorization: `Bearer ${u.token}` });

  beforeAll(async () => {
    t = await startTestApp();
    alice = await createUserWithToken(t);
    bob = await createUserWithToken(t);
    dir = mkdtempSync(path.join(os.tmpdir(), 'hangar-ssh-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.close();
  });

  const kinds: [string, string, number][] = [
    ['ssh-ed25519', 'ed25519', 0],
    ['ssh-rsa', 'rsa', 2048],
    ['ecdsa-sha2-nistp256', 'ecdsa', 256],
    ['ecdsa-sha2-nistp384', 'ecdsa', 384],
    ['ecdsa-sha2-nistp521', 'ecdsa', 521],
  ];

  it.each(kinds)('adds, lists, gets and deletes a %s key with the fingerprint ssh-keygen shows', async (keyType, type, bits) => {
    const { line, fingerprint } = keygen(dir, type, bits);
    const added = await t.http().post('/api/user/keys').set(as(alice)).send({ title: `laptop ${keyType}`, key: line }).expect(200);
    expect(added.body).toEqual({ id: expect.any(Number), title: `laptop ${keyType}`, key_type: keyType, key: line.split(' ').slice(0, 2).join(' '), fingerprint, created_at: expect.any(String), last_used: null });
    const list = await t.http().get('/api/user/keys').set(as(alice)).expect(200);
    expect(list.body.map((k: { fingerprint: string }) => k.fingerprint)).toContain(fingerprint);
    expect((await t.http().get(`/api/user/keys/${added.body.id}`).set(as(alice)).expect(200)).body).toEqual(added.body);
    // Another user's key does not exist for bob.
    expectHfError(await t.http().get(`/api/user/keys/${added.body.id}`).set(as(bob)), 404, 'SshKeyNotFound');
    expectHfError(await t.http().delete(`/api/user/keys/${added.body.id}`).set(as(bob)), 404, 'SshKeyNotFound');
    await t.http().delete(`/api/user/keys/${added.body.id}`).set(as(alice)).expect(200);
    expectHfError(await t.http().get(`/api/user/keys/${added.body.id}`).set(as(alice)), 404, 'SshKeyNotFound');
  });

  it('accepts a DSA key line (ssh-dss)', async () => {
    // OpenSSH no longer generates DSA keys; this one is a well-formed 1024-bit key blob built by hand.
    const mp = (bytes: number, first: number) => Buffer.concat([Buffer.from([first]), Buffer.alloc(bytes - 1, 7)]);
    const str = (b: Buffer) => {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(b.length);
      return Buffer.concat([len, b]);
    };
    const blob = Buffer.concat([str(Buffer.from('ssh-dss')), str(mp(128, 0x40)), str(mp(20, 0x40)), str(mp(128, 0x40)), str(mp(128, 0x40))]);
    const res = await t.http().post('/api/user/keys').set(as(alice)).send({ title: 'old', key: `ssh-dss ${blob.toString('base64')} old@box` }).expect(200);
    expect(res.body.key_type).toBe('ssh-dss');
    expect(res.body.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('refuses a key another account (or the same one) already has', async () => {
    const { line } = keygen(dir, 'ed25519');
    await t.http().post('/api/user/keys').set(as(alice)).send({ title: 'a', key: line }).expect(200);
    expectHfError(await t.http().post('/api/user/keys').set(as(bob)).send({ title: 'b', key: line.replace('me@host', 'other comment') }), 409, 'SshKeyExists');
    expectHfError(await t.http().post('/api/user/keys').set(as(alice)).send({ title: 'again', key: line }), 409, 'SshKeyExists');
  });

  it('refuses garbage, truncated and mismatched keys, anonymous and read-only callers; nothing changes', async () => {
    const { line } = keygen(dir, 'ed25519');
    const [type, b64] = line.split(' ');
    const blob = Buffer.from(b64, 'base64');
    const rsa = keygen(dir, 'rsa', 2048).line.split(' ')[1];
    const reader = await createUserWithToken(t, uniqueName('ro'), 'read');
    const before = await tableCounts(t.db);
    for (const key of [
      'garbage',
      'ssh-ed25519',
      'ssh-ed25519 !!!notbase64!!!',
      `ssh-foo ${b64}`,
      `${type} ${blob.subarray(0, blob.length - 3).toString('base64')}`,
      `${type} ${Buffer.concat([blob, Buffer.from([0])]).toString('base64')}`,
      `ssh-rsa ${b64}`, // the blob says ed25519
      `ecdsa-sha2-nistp256 ${rsa}`,
      `${type} ${Buffer.from('\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x05short', 'latin1').toString('base64')}`,
    ]) {
      expectHfError(await t.http().post('/api/user/keys').set(as(alice)).send({ title: 'bad', key }), 400, 'InvalidSshKey');
    }
    expectHfError(await t.http().post('/api/user/keys').set(as(alice)).send({ title: 'bad', key: 42 }), 400, 'ValidationError');
    expectHfError(await t.http().post('/api/user/keys').set(as(alice)).send({ key: line }), 400, 'ValidationError');
    expectHfError(await t.http().post('/api/user/keys').set(as(alice)).send({ title: 'x', key: line, extra: 1 }), 400, 'ValidationError');
    expectHfError(await t.http().post('/api/user/keys').send({ title: 'anon', key: line }), 401, 'Unauthorized');
    expectHfError(await t.http().post('/api/user/keys').set(as(reader)).send({ title: 'ro', key: line }), 403, 'ReadOnlyToken');
    expectHfError(await t.http().get('/api/user/keys/99999999999999999999999').set(as(alice)), 404, 'SshKeyNotFound');
    expectHfError(await t.http().delete('/api/user/keys/abc').set(as(alice)), 404, 'SshKeyNotFound');
    expect(await tableCounts(t.db)).toEqual(before);
  });
});
