import { FLUSH, parsePktLines, pktLine } from '../../src/git/codec/pktline';
import { GitProtocolError, parseFetchArguments, parseUploadRequestV0 } from '../../src/git/http/protocol';

const OID = 'a'.repeat(40);

describe('fetch arguments: deepen-since and deepen-not', () => {
  it('reads them in a v2 fetch, deepen-not repeatable', () => {
    const args = parseFetchArguments([`want ${OID}`, 'deepen-since 1654041600', 'deepen-not v3', 'deepen-not refs/heads/side', 'done']);
    expect([args.deepenSince, args.deepenNot, args.depth, args.unsupported]).toEqual([1654041600, ['v3', 'refs/heads/side'], 0, []]);
  });

  it('reads them in a v0 want section', () => {
    const body = Buffer.concat([pktLine(`want ${OID} deepen-since deepen-not`), pktLine('deepen-since 0'), pktLine('deepen-not main'), FLUSH]);
    const req = parseUploadRequestV0(parsePktLines(body));
    expect([req.deepenSince, req.deepenNot, req.unsupported]).toEqual([0, ['main'], []]);
  });

  it('refuses a deepen-since that is not a number of seconds, and an empty deepen-not', () => {
    for (const bad of ['deepen-since yesterday', 'deepen-since -5', 'deepen-since 1e9', 'deepen-not ']) {
      expect(() => parseFetchArguments([`want ${OID}`, bad])).toThrow(GitProtocolError);
    }
  });

  it('still names filter as not supported, and a fetch without them has none', () => {
    const args = parseFetchArguments([`want ${OID}`, 'filter blob:none']);
    expect([args.unsupported, args.deepenSince, args.deepenNot]).toEqual([['filter'], null, []]);
  });
});
