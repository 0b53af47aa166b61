import { BinaryCopyError, BinaryCopyParser } from '../../src/git/engine/pg-binary-copy';

/** PostgreSQL's binary COPY format, parsed from chunks split anywhere (node-pg hands over one CopyData message at a time). */

const int16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
};
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const header = (extension = Buffer.alloc(0)) => Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), int32(0), int32(extension.length), extension]);
const row = (fields: (Buffer | null)[]) => Buffer.concat([int16(fields.length), ...fields.flatMap((f) => (f === null ? [int32(-1)] : [int32(f.length), f]))]);
const TRAILER = int16(-1);

describe('binary COPY parser', () => {
  const rows: (Buffer | null)[][] = [
    [Buffer.from('a'.repeat(40)), int32(3), Buffer.from([0, 0, 0, 0, 0, 0, 1, 0]), Buffer.from([0x78, 0x01, 2, 3]), null],
    [Buffer.from('b'.repeat(40)), int32(1), Buffer.alloc(8), null, Buffer.from('git/objects/bb/x')],
    [Buffer.alloc(0)],
  ];
  const stream = Buffer.concat([header(Buffer.from('ext')), ...rows.map(row), TRAILER]);

  it('reads every row and field, NULLs included, however the input is split', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const p = new BinaryCopyParser();
      p.push(stream.subarray(0, cut));
      p.push(stream.subarray(cut));
      expect(p.finish()).toEqual(rows);
    }
    const bytewise = new BinaryCopyParser();
    for (const b of stream) bytewise.push(Buffer.from([b]));
    expect(bytewise.finish()).toEqual(rows);
  });

  it('copies fields out of the input (node-pg reuses its buffer)', () => {
    const input = Buffer.from(stream);
    const p = new BinaryCopyParser();
    p.push(input);
    input.fill(0);
    expect(p.finish()).toEqual(rows);
  });

  it('refuses a bad signature, a missing end, and data after the end', () => {
    const bad = new BinaryCopyParser();
    expect(() => bad.push(Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\x01', 'latin1'), int32(0), int32(0)]))).toThrow(BinaryCopyError);
    const short = new BinaryCopyParser();
    short.push(Buffer.concat([header(), row([Buffer.from('x')])]));
    expect(() => short.finish()).toThrow(BinaryCopyError);
    const extra = new BinaryCopyParser();
    expect(() => extra.push(Buffer.concat([header(), TRAILER, Buffer.from([0])]))).toThrow(BinaryCopyError);
  });
});
