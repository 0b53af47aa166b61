import { parseCommitLine } from '../../src/commits/commit-payload';

const fileLine = (content: string) => JSON.stringify({ key: 'file', value: { path: 'a.bin', content, encoding: 'base64' } });

/** The base64 check of a commit's "file" lines: strict, so a client's encoding bug is refused, not stored as other bytes. */
describe('parseCommitLine: base64 content', () => {
  it.each([
    ['', ''],
    ['QQ==', 'A'],
    ['QUI=', 'AB'],
    ['QUJD', 'ABC'],
    ['+/+/', Buffer.from([0xfb, 0xff, 0xbf]).toString('latin1')],
  ])('accepts %j', (content, bytes) => {
    const parsed = parseCommitLine(fileLine(content), 1);
    expect(parsed).toEqual({ operation: { kind: 'put', path: 'a.bin', content: Buffer.from(bytes, 'latin1') } });
  });

  it.each(['QQ=', 'Q===', 'Q=Q=', '=QQQ', 'QU I', 'QUI\n', 'QUé=', 'QU-_', '====', 'QQ==QQ=='])('refuses %j with InvalidCommitPayload', (content) => {
    expect(() => parseCommitLine(fileLine(content), 1)).toThrow(expect.objectContaining({ code: 'InvalidCommitPayload', message: expect.stringContaining('not valid base64') }));
  });
});
