import { EventEmitter } from 'node:events';
import type { HangarConfig } from '../../src/core/config/config';
import { ConcurrencyLimits, ServerBusyError } from '../../src/core/http/concurrency-limits';

/** A response stand-in: only its 'close' event matters to the limiter. */
const response = () => new EventEmitter();

describe('ConcurrencyLimits', () => {
  const limits = (l: HangarConfig['limits']) => new ConcurrencyLimits({ limits: l });

  it('refuses past the limit with 503 ServerBusy + Retry-After, per kind of work', () => {
    const l = limits({ gitPacks: 1, xetVerifications: 2, listings: 1 });
    l.enter('listings', response());
    let refusal: unknown;
    try {
      l.enter('listings', response());
    } catch (err) {
      refusal = err;
    }
    expect(refusal).toBeInstanceOf(ServerBusyError);
    expect(refusal).toMatchObject({ status: 503, code: 'ServerBusy', headers: { 'Retry-After': '2' } });
    // Other kinds have their own slots.
    l.enter('xetVerifications', response());
    l.enter('xetVerifications', response());
    expect(() => l.enter('xetVerifications', response())).toThrow(ServerBusyError);
    l.enter('gitPacks', response());
    expect(l.inUse('listings')).toBe(1);
  });

  it('frees a slot when its response closes (finished or abandoned), once', () => {
    const l = limits({ gitPacks: 1, xetVerifications: 1, listings: 1 });
    const first = response();
    l.enter('gitPacks', first);
    expect(() => l.enter('gitPacks', response())).toThrow(ServerBusyError);
    first.emit('close');
    first.emit('close');
    expect(l.inUse('gitPacks')).toBe(0);
    l.enter('gitPacks', response());
    expect(() => l.enter('gitPacks', response())).toThrow(ServerBusyError);
  });

  it('takes no slot for a response that already closed (it would never give it back)', () => {
    const l = limits({ gitPacks: 1, xetVerifications: 1, listings: 1 });
    const gone = Object.assign(response(), { closed: true });
    l.enter('listings', gone);
    expect(l.inUse('listings')).toBe(0);
    l.enter('listings', response());
  });

  it('never refuses with a limit of 0', () => {
    const l = limits({ gitPacks: 0, xetVerifications: 0, listings: 0 });
    for (let i = 0; i < 100; i++) l.enter('gitPacks', response());
    expect(l.inUse('gitPacks')).toBe(0);
  });
});
