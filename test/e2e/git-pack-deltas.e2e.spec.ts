import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { FLUSH, DELIM, pktLine } from '../../src/git/codec/pktline';
import { type PackSummary, readPack } from '../../src/git/codec/pack-reader';
import { demuxSideband } from '../../src/git/codec/sideband';
import { createUserWithToken, TestUser } from '../support/accounts';
import { git, gitUrl, runGit, scratchDirs } from '../support/git-cli';
import { createRepo } from '../support/repos';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * upload-pack sends trees as deltas against the previous version at their path: clones (v0 and
 * v2) must index cleanly (`fsck --full --strict`), with delta chains no deeper than 50, and a
 * client that does not ask for `ofs-delta` gets REF_DELTA entries instead.
 */

const COMMITS = 60;

/** Reads a whole pack with Hangar's reader: how many entries of each delta kind it had. */
async function summarise(pack: Buffer): Promise<PackSummary> {
  const reader = readPack([pack]);
  for (;;) {
    const n = await reader.next();
    if (n.done) return n.value;
  }
}

describe('git upload-pack: tree deltas', () => {
  let t: TestApp;
  let u: TestUser;
  const dirs = scratchDirs();
  let cred: { user: string; token: string };
  const id = () => `${u.username}/deltas`;
  let headOid: string;
  let work: string;

  beforeAll(async () => {
    t = await startTestApp();
    u = await createUserWithToken(t);
    cred = { user: u.username, token: u.token };
    await createRepo(t, u.token, 'deltas').expect(200);
    // Nested directories with many entries, a few of them changed per commit: each directory's tree
    // has COMMITS versions, more than one delta chain can hold.
    work = path.join(dirs.make(), 'work');
    await git(path.dirname(work), 'init', '-q', '-b', 'main', work);
    for (const d of ['a', 'a/b', 'a/b/c', 'z']) mkdirSync(path.join(work, d), { recursive: true });
    for (let c = 0; c < COMMITS; c++) {
      for (const d of ['a', 'a/b', 'a/b/c', 'z']) {
        for (let i = 0; i < 40; i++) if (c === 0 || i % 20 === c % 20) writeFileSync(path.join(work, d, `file-${i}.txt`), `${d} ${i} version ${c}\n`);
      }
      await git(work, 'add', '-A');
      await git(work, 'commit', '-q', '-m', `commit ${c}`);
    }
    headOid = (await git(work, 'rev-parse', 'HEAD')).trim();
    // Forced: a new repository starts with Hangar's initial commit.
    await git(work, 'push', '-q', '--force', gitUrl(t.baseUrl, id(), cred), 'main');
  });

  afterAll(async () => {
    dirs.cleanup();
    await t.close();
  });

  it.each(['0', '2'])('clone (protocol v%s): trees come as OFS_DELTAs, chains at most 50 deep, fsck clean', async (version) => {
    const dir = path.join(dirs.make(), 'clone');
    const r = await runGit(['-c', `protocol.version=${version}`, '-c', 'fetch.unpackLimit=1', 'clone', '--no-checkout', gitUrl(t.baseUrl, id(), cred), dir]);
    expect(r.code).toBe(0);
    await git(dir, 'fsck', '--full', '--strict', '--no-dangling');
    expect((await git(dir, 'rev-parse', 'HEAD')).trim()).toBe(headOid);
    expect((await git(dir, 'rev-list', '--objects', '--all')).trim().split('\n').length).toBe((await git(work, 'rev-list', '--objects', '--all')).trim().split('\n').length);
    const packDir = path.join(dir, '.git', 'objects', 'pack');
    const idx = readdirSync(packDir).find((f) => f.endsWith('.idx'))!;
    const verify = await git(dir, 'verify-pack', '-v', path.join(packDir, idx));
    const deltaTrees = verify.split('\n').filter((l) => / tree +\d+ \d+ \d+ \d+ [0-9a-f]{40}$/.test(l));
    // 4 directories × 60 versions: all but the chain heads are deltas. (The root tree changes in
    // both its entries every time: a delta would not save enough, it goes whole.)
    expect(deltaTrees.length).toBeGreaterThanOrEqual(4 * (COMMITS - 2));
    const depths = [...verify.matchAll(/^chain length = (\d+):/gm)].map((m) => Number(m[1]));
    expect(Math.max(...depths)).toBeLessThanOrEqual(50);
    expect(await git(dir, 'show', 'HEAD~30:a/b/c/file-7.txt')).toBe('a/b/c 7 version 27\n');
    // index-pack keeps the received pack as it came: its deltas are OFS_DELTAs.
    const summary = await summarise(readFileSync(path.join(packDir, idx.replace(/\.idx$/, '.pack'))));
    expect(summary.refDeltas).toBe(0);
    expect(summary.ofsDeltas).toBe(deltaTrees.length);
  });

  /** A v2 fetch of the whole history, by hand: the client does not ask for ofs-delta. */
  async function rawFetch(): Promise<Buffer> {
    const body = Buffer.concat([pktLine('command=fetch'), pktLine('object-format=sha1'), DELIM, pktLine('no-progress'), pktLine(`want ${headOid}`), pktLine('done'), FLUSH]);
    const res = await t
      .http()
      .post(`/${id()}/git-upload-pack`)
      .set('Authorization', `Basic ${Buffer.from(`${cred.user}:${cred.token}`).toString('base64')}`)
      .set('Content-Type', 'application/x-git-upload-pack-request')
      .set('Git-Protocol', 'version=2')
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .send(body)
      .expect(200);
    return res.body as Buffer;
  }

  it('without ofs-delta (raw v2 fetch), deltas name their base by id (REF_DELTA); git index-pack --strict accepts the pack; the same answer every time', async () => {
    const answer = await rawFetch();
    // The walks before this one left their tree diffs in the cache: the answer must not depend on it.
    const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    expect(sha256(await rawFetch())).toBe(sha256(answer));
    const { data: pack, error } = demuxSideband(answer);
    expect(error).toBeNull();
    const summary = await summarise(pack);
    expect(summary.ofsDeltas).toBe(0);
    expect(summary.refDeltas).toBeGreaterThanOrEqual(4 * (COMMITS - 2));
    const bare = path.join(dirs.make(), 'bare.git');
    await git(path.dirname(bare), 'init', '-q', '--bare', bare);
    const file = path.join(path.dirname(bare), 'in.pack');
    writeFileSync(file, pack);
    const indexed = await runGit(['index-pack', '--strict', '-o', path.join(path.dirname(bare), 'in.idx'), file], { cwd: bare });
    expect(indexed.stderr).toBe('');
    expect(indexed.code).toBe(0);
  });
});
