import { FLUSH, parsePktLines, pktLine } from '../../src/git/codec/pktline';
import { parseObjectFilter, UnsupportedFilterError } from '../../src/git/engine/object-filter';
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
    expect([req.deepenSince, req.deepenNot, req.deepenRelative, req.unsupported]).toEqual([0, ['main'], false, []]);
  });

  it('takes v0 deepen-relative from the first want capabilities (git sends no line for it)', () => {
    const body = Buffer.concat([pktLine(`want ${OID} multi_ack_detailed deepen-relative`), pktLine(`shallow ${OID}`), pktLine('deepen 1'), FLUSH]);
    const req = parseUploadRequestV0(parsePktLines(body));
    expect([req.depth, req.deepenRelative, req.shallows]).toEqual([1, true, [OID]]);
  });

  it('refuses a deepen-since that is not a number of seconds, and an empty deepen-not', () => {
    for (const bad of ['deepen-since yesterday', 'deepen-since -5', 'deepen-since 1e9', 'deepen-not ']) {
      expect(() => parseFetchArguments([`want ${OID}`, bad])).toThrow(GitProtocolError);
    }
  });

  it('a fetch without them has none; what Hangar does not serve is named', () => {
    const args = parseFetchArguments([`want ${OID}`, 'sideband-all']);
    expect([args.unsupported, args.deepenSince, args.deepenNot, args.filter]).toEqual([['sideband-all'], null, [], null]);
  });
});

describe('fetch arguments: partial clone filters', () => {
  it('keeps the filter spec as sent, v2 and v0', () => {
    expect(parseFetchArguments([`want ${OID}`, 'filter blob:limit=1k']).filter).toBe('blob:limit=1k');
    const v0 = parseUploadRequestV0(parsePktLines(Buffer.concat([pktLine(`want ${OID} filter`), pktLine('filter tree:0'), FLUSH])));
    expect([v0.filter, v0.unsupported]).toEqual(['tree:0', []]);
  });

  it('parses the specs Hangar serves and refuses the others', () => {
    expect(parseObjectFilter('blob:none')).toEqual({ kind: 'blobs', limit: 0 });
    expect(parseObjectFilter('blob:limit=1k')).toEqual({ kind: 'blobs', limit: 1024 });
    expect(parseObjectFilter('blob:limit=3M')).toEqual({ kind: 'blobs', limit: 3 * 1024 * 1024 });
    expect(parseObjectFilter('blob:limit=10')).toEqual({ kind: 'blobs', limit: 10 });
    expect(parseObjectFilter('tree:0')).toEqual({ kind: 'trees', depth: 0 });
    expect(parseObjectFilter('tree:3')).toEqual({ kind: 'trees', depth: 3 });
    for (const bad of ['sparse:oid=main:.sparse', 'object:type=blob', 'combine:blob:none+tree:1', 'blob:limit=', 'blob:limit=1t', 'tree:-1', 'blob']) {
      expect(() => parseObjectFilter(bad)).toThrow(UnsupportedFilterError);
    }
  });
});
