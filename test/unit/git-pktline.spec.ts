import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DELIM,
  demuxSideband,
  FLUSH,
  type Packet,
  parsePktLines,
  pkt,
  pktError,
  pktLine,
  PktLineError,
  PktLineReader,
  pktText,
  PKT_MAX_PAYLOAD,
  readPack,
  readPktLines,
  readUntilFlush,
  RESPONSE_END,
  sideband,
  SIDEBAND_64K_MAX_DATA,
  sidebandFrames,
  sidebandStream,
} from '../../src/git/codec';
import { deterministicGitEnv, runGitSync } from '../support/git-sync';

/** pkt-line and side-band framing, checked against vectors from git 2.39 traces and against the git CLI itself. */

let tmp: string;
let work: string;

function gitRaw(args: string[], input?: Buffer | string, cwd = work): Buffer {
  return runGitSync(args, { cwd, input, home: tmp });
}
const git = (args: string[], input?: Buffer | string): string => gitRaw(args, input).toString('utf8').trim();

const texts = (packets: Packet[]): string[] => packets.map((p) => (p.type === 'data' ? `data:${p.payload.toString('latin1')}` : p.type));

async function* chunked(buf: Buffer, sizes: () => number): AsyncGenerator<Buffer> {
  for (let pos = 0; pos < buf.length; ) {
    const n = Math.max(1, sizes());
    yield buf.subarray(pos, pos + n);
    pos += n;
  }
}

/** A deterministic pseudo-random chunk size source. */
function sizesFrom(seed: number, max: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return 1 + (s % max);
  };
}

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'hangar-pktline-'));
  work = path.join(tmp, 'work');
  gitRaw(['init', '-q', '-b', 'main', work], undefined, tmp);
  for (let i = 0; i < 3; i++) {
    writeFileSync(path.join(work, 'file.txt'), `version ${i}\n${'line of text\n'.repeat(50)}`);
    git(['add', '-A']);
    git(['commit', '-q', '-m', `commit ${i}`]);
  }
  git(['tag', '-a', 'v1', '-m', 'annotated']);
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('pkt-line writer', () => {
  it('frames the vectors seen in git 2.39 traces', () => {
    expect(pkt('# service=git-upload-pack\n').toString('latin1')).toBe('001e# service=git-upload-pack\n');
    expect(pktLine('# service=git-upload-pack').toString('latin1')).toBe('001e# service=git-upload-pack\n');
    expect(pktLine('unpack ok\n').toString('latin1')).toBe('000eunpack ok\n');
    expect(pkt('ok refs/heads/main\n').toString('latin1')).toBe('0017ok refs/heads/main\n');
    expect(pkt('version 2\n').toString('latin1')).toBe('000eversion 2\n');
    expect(FLUSH.toString('latin1')).toBe('0000');
    expect(DELIM.toString('latin1')).toBe('0001');
    expect(RESPONSE_END.toString('latin1')).toBe('0002');
    expect(pktError('access denied').toString('latin1')).toBe('0016ERR access denied\n');
  });

  it('counts bytes, not characters, and copies binary payloads', () => {
    expect(pkt('é\n').toString('latin1', 0, 4)).toBe('0007');
    const bin = Buffer.from([0, 1, 2, 0xff]);
    expect(pkt(bin)).toEqual(Buffer.concat([Buffer.from('0008'), bin]));
    expect(pkt('').toString('latin1')).toBe('0004');
  });

  it('allows 65520 bytes in all and refuses one more', () => {
    const max = pkt(Buffer.alloc(65516, 0x61));
    expect(max.length).toBe(65520);
    expect(max.toString('latin1', 0, 4)).toBe('fff0');
    expect(() => pkt(Buffer.alloc(65517))).toThrow(PktLineError);
    try {
      pkt('x'.repeat(70000));
    } catch (err) {
      expect((err as PktLineError).code).toBe('too-long');
    }
  });
});

describe('pkt-line reader', () => {
  const oid = 'a'.repeat(40);
  const caps = 'multi_ack thin-pack side-band side-band-64k ofs-delta shallow no-progress symref=HEAD:refs/heads/main object-format=sha1 agent=git/2.39.5';
  const advert = Buffer.concat([
    pkt('# service=git-upload-pack\n'),
    FLUSH,
    pkt(`${oid} HEAD\0${caps}\n`),
    pkt(`${oid} refs/heads/main\n`),
    FLUSH,
  ]);
  const expected = [
    'data:# service=git-upload-pack\n',
    'flush',
    `data:${oid} HEAD\0${caps}\n`,
    `data:${oid} refs/heads/main\n`,
    'flush',
  ];

  it('parses a ref advertisement', () => {
    const packets = parsePktLines(advert);
    expect(texts(packets)).toEqual(expected);
    expect(pktText(packets[3])).toBe(`${oid} refs/heads/main`);
    // Text lines without the LF are accepted as they are.
    expect(pktText(Buffer.from('done'))).toBe('done');
    expect(() => pktText(packets[1])).toThrow(PktLineError);
  });

  it('parses delim, response-end, empty packets and upper-case hex', () => {
    const packets = parsePktLines('0014command=ls-refs\n00010004000Ahello\n0002');
    expect(texts(packets)).toEqual(['data:command=ls-refs\n', 'delim', 'data:', 'data:hello\n', 'response-end']);
  });

  it('reassembles packets split at every byte boundary', () => {
    const oneByOne = new PktLineReader();
    const got: Packet[] = [];
    for (const b of advert) {
      oneByOne.push(Buffer.from([b]));
      got.push(...oneByOne.drain());
    }
    oneByOne.end();
    expect(texts(got)).toEqual(expected);
    for (let cut = 0; cut <= advert.length; cut++) {
      const r = new PktLineReader();
      r.push(advert.subarray(0, cut));
      const a = [...r];
      r.push(advert.subarray(cut));
      expect(texts([...a, ...r])).toEqual(expected);
      r.end();
    }
  });

  it('joins a maximal packet pushed one byte at a time without quadratic copying', () => {
    const big = pkt(randomBytes(PKT_MAX_PAYLOAD));
    const r = new PktLineReader();
    const started = Date.now();
    let early = 0;
    for (let i = 0; i < big.length - 1; i++) {
      r.push(big.subarray(i, i + 1));
      if (r.read() !== null) early++;
    }
    expect(early).toBe(0);
    r.push(big.subarray(big.length - 1));
    const p = r.read();
    expect(p?.type === 'data' && p.payload.equals(big.subarray(4))).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses malformed lengths with a PktLineError', () => {
    const code = (input: string) => {
      try {
        parsePktLines(input);
      } catch (err) {
        expect(err).toBeInstanceOf(PktLineError);
        return (err as PktLineError).code;
      }
      return 'no error';
    };
    expect(code('00zzhello')).toBe('bad-length');
    expect(code('0x10')).toBe('bad-length');
    expect(code('-001')).toBe('bad-length');
    expect(code('0003')).toBe('bad-length');
    expect(code('fff1')).toBe('too-long');
    expect(code('ffff')).toBe('too-long');
    expect(code('0009abc')).toBe('truncated');
    expect(code('00')).toBe('truncated');
    expect(code('0000')).toBe('no error');
  });

  it('never reads past the packet asked for, so the bytes after a flush stay raw', () => {
    const r = new PktLineReader();
    r.push(Buffer.concat([pkt('cmd\n'), FLUSH, Buffer.from('PACK\0\0\0\x02zzzz')]));
    expect(texts([r.read()!, r.read()!])).toEqual(['data:cmd\n', 'flush']);
    expect(r.takeRest().toString('latin1')).toBe('PACK\0\0\0\x02zzzz');
    expect(r.buffered).toBe(0);
  });

  it('readPktLines streams packets out of arbitrary chunks', async () => {
    const body = Buffer.concat([advert, pkt(randomBytes(60000)), pkt('last\n'), FLUSH]);
    const whole = texts(parsePktLines(body));
    for (const seed of [1, 2, 3]) {
      const got: Packet[] = [];
      for await (const p of readPktLines(Readable.from(chunked(body, sizesFrom(seed, 5000))))) got.push(p);
      expect(texts(got)).toEqual(whole);
    }
    await expect(async () => {
      for await (const p of readPktLines([Buffer.from('0009ab')])) void p;
    }).rejects.toThrow(PktLineError);
  });

  it('readUntilFlush returns the commands and the raw rest of a receive-pack body', async () => {
    const zero = '0'.repeat(40);
    const commands = [pkt(`${zero} ${oid} refs/heads/main\0report-status side-band-64k quiet object-format=sha1 agent=git/2.39.5`), pkt(`${oid} ${zero} refs/heads/old\n`)];
    const pack = randomBytes(200_000);
    const body = Buffer.concat([...commands, FLUSH, pack]);
    for (const sizes of [sizesFrom(7, 13), sizesFrom(8, 70_000), () => body.length]) {
      const { packets, rest } = await readUntilFlush(chunked(body, sizes));
      expect(packets.map((p) => pktText(p))).toEqual([
        `${zero} ${oid} refs/heads/main\0report-status side-band-64k quiet object-format=sha1 agent=git/2.39.5`,
        `${oid} ${zero} refs/heads/old`,
      ]);
      const parts: Buffer[] = [];
      for await (const c of rest) parts.push(c);
      expect(Buffer.concat(parts).equals(pack)).toBe(true);
    }
    // Delete-only push: commands and the flush, no pack.
    const onlyCommands = await readUntilFlush([Buffer.concat([...commands, FLUSH])]);
    expect(onlyCommands.packets).toHaveLength(2);
    const none: Buffer[] = [];
    for await (const c of onlyCommands.rest) none.push(c);
    expect(none).toEqual([]);
    // The probe POST git sends before a big push is just a flush.
    expect((await readUntilFlush([FLUSH])).packets).toEqual([]);
    await expect(readUntilFlush([pkt('cmd\n')])).rejects.toMatchObject({ code: 'truncated' });
    await expect(readUntilFlush([Buffer.concat([pkt('x'.repeat(1000)), pkt('y'.repeat(1000))])], { maxBytes: 1500 })).rejects.toMatchObject({ code: 'too-long' });
  });

  it('round-trips the advertisements of the real git upload-pack and receive-pack byte for byte', () => {
    for (const service of ['upload-pack', 'receive-pack']) {
      const raw = gitRaw([service, '--stateless-rpc', '--advertise-refs', work]);
      const packets = parsePktLines(raw);
      expect(packets.length).toBeGreaterThanOrEqual(3);
      const rebuilt = Buffer.concat(packets.map((p) => (p.type === 'flush' ? FLUSH : pkt((p as { payload: Buffer }).payload))));
      expect(rebuilt.equals(raw)).toBe(true);
      const lines = packets.filter((p) => p.type === 'data').map((p) => pktText(p));
      const main = git(['rev-parse', 'main']);
      expect(lines.some((l) => l.startsWith(`${main} refs/heads/main`))).toBe(true);
      if (service === 'upload-pack') {
        expect(lines[0]).toMatch(new RegExp(`^${main} HEAD\0.*side-band-64k.*symref=HEAD:refs/heads/main`));
        expect(lines).toContain(`${git(['rev-parse', 'v1^{}'])} refs/tags/v1^{}`);
      } else {
        expect(lines[0]).toContain('\0report-status');
      }
    }
  });
});

describe('side-band', () => {
  it('nests a report-status in band 1 exactly as git 2.39 does', () => {
    const report = Buffer.concat([pktLine('unpack ok'), pktLine('ok refs/heads/main'), FLUSH]);
    expect(sideband(1, report).toString('latin1')).toBe('002e\x01000eunpack ok\n0017ok refs/heads/main\n0000');
  });

  it('splits data into 65515-byte packets (side-band-64k) and demuxes it back', () => {
    const data = randomBytes(65515 * 2 + 10);
    const framed = sideband(1, data);
    const packets = parsePktLines(framed);
    expect(packets.map((p) => (p as { payload: Buffer }).payload.length)).toEqual([65516, 65516, 11]);
    expect(framed.toString('latin1', 0, 5)).toBe('fff0\x01');
    expect(sidebandFrames(1, data).length).toBe(6);
    expect(sideband(1, Buffer.alloc(0)).length).toBe(0);

    const stream = Buffer.concat([pkt('NAK\n'), sideband(2, 'Counting objects: 3\r'), framed, sideband(2, 'done.\n'), FLUSH]);
    const d = demuxSideband(stream);
    expect(d.data.equals(data)).toBe(true);
    expect(d.progress).toBe('Counting objects: 3\rdone.\n');
    expect(d.error).toBeNull();
    expect(d.flushed).toBe(true);
    expect(texts(d.preamble)).toEqual(['data:NAK\n']);

    const fatal = demuxSideband(Buffer.concat([sideband(3, 'upload-pack: not our ref'), FLUSH]));
    expect(fatal.error).toBe('upload-pack: not our ref');
  });

  it('supports the 1000-byte plain side-band and refuses bad bands', () => {
    const packets = parsePktLines(sideband(2, 'x'.repeat(2000), 995));
    expect(packets.map((p) => (p as { payload: Buffer }).payload.length)).toEqual([996, 996, 11]);
    expect(() => sideband(4 as 1, 'x')).toThrow(RangeError);
    expect(() => sideband(1, 'x', SIDEBAND_64K_MAX_DATA + 1)).toThrow(RangeError);
  });

  it('sidebandStream wraps a byte stream into band 1', async () => {
    const data = randomBytes(300_000);
    const out: Buffer[] = [];
    await pipeline(
      Readable.from(chunked(data, sizesFrom(3, 100_000))),
      sidebandStream(1),
      new Writable({
        write(chunk: Buffer, _e, cb) {
          out.push(chunk);
          cb();
        },
      }),
    );
    const d = demuxSideband(Buffer.concat([...out, FLUSH]));
    expect(d.data.equals(data)).toBe(true);
    for (const p of parsePktLines(Buffer.concat(out))) expect((p as { payload: Buffer }).payload.length).toBeLessThanOrEqual(65516);
  });

  it('demuxes the pack out of a real git upload-pack side-band-64k answer', async () => {
    const head = git(['rev-parse', 'HEAD']);
    const request = Buffer.concat([pkt(`want ${head} side-band-64k ofs-delta agent=hangar-test\n`), FLUSH, pkt('done\n')]);
    const answer = gitRaw(['upload-pack', '--stateless-rpc', work], request);
    const d = demuxSideband(answer);
    expect(texts(d.preamble)).toEqual(['data:NAK\n']);
    expect(d.flushed).toBe(true);
    expect(d.error).toBeNull();
    expect(d.data.toString('latin1', 0, 4)).toBe('PACK');
    const body = d.data.subarray(0, d.data.length - 20);
    expect(createHash('sha1').update(body).digest().equals(d.data.subarray(-20))).toBe(true);
    const oids: string[] = [];
    const input = new PassThrough();
    input.end(d.data);
    for await (const o of readPack(input)) oids.push(o.oid);
    const expectedOids = git(['rev-list', '--objects', head]).split('\n').map((l) => l.slice(0, 40));
    expect(oids.sort()).toEqual(expectedOids.sort());
  });
});
