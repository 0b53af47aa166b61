import { Injectable, Logger } from '@nestjs/common';
import { TooManyRequestsError } from '../../core/errors/domain-error';
import { EventLog } from '../../core/events/event-log';
import { LoginThrottleRepository } from './login-throttle.repository';

/** Per account name: a few tries; per address: more, since many people may share one (NAT). */
const ACCOUNT = { windowSeconds: 900, threshold: 5, baseSeconds: 30, maxSeconds: 900 };
const ADDRESS = { windowSeconds: 900, threshold: 50, baseSeconds: 30, maxSeconds: 900 };

/**
 * Throttles failed sign-ins per account name and per client address, in PostgreSQL so that
 * every node sees the same counts. Names are counted whether or not the account exists, so the
 * answers never tell which accounts exist. A lock refuses every attempt (a correct password
 * too) with 429 and Retry-After until it ends; a success clears the account's count.
 */
@Injectable()
export class LoginThrottleService {
  private readonly logger = new Logger('LoginThrottle');

  constructor(
    private readonly throttle: LoginThrottleRepository,
    private readonly events: EventLog,
  ) {}

  async assertOpen(login: string, address: string | undefined): Promise<void> {
    const wait = await this.throttle.lockedFor(keys(login, address));
    if (wait > 0) {
      throw new TooManyRequestsError(`Too many failed sign-ins; try again in ${wait} seconds`, 'TooManyLoginAttempts', wait);
    }
  }

  async failed(login: string, address: string | undefined): Promise<void> {
    const [account, from] = keys(login, address);
    await this.throttle.recordFailure(account, ACCOUNT);
    if (from) await this.throttle.recordFailure(from, ADDRESS);
    this.logger.warn({ event: 'login.failed', login: login.slice(0, 100), address }, 'failed sign-in');
    await this.events.report({ type: 'auth.login_failed', actor: null, target: `login:${login.slice(0, 100)}`, data: { address: address ?? null } });
  }

  succeeded(login: string): Promise<void> {
    return this.throttle.clear(keys(login, undefined)[0]);
  }

  /** Deletes the counts whose window and lock are over (they would change no answer); returns how many. */
  prune(): Promise<number> {
    return this.throttle.deleteStale(Math.max(ACCOUNT.windowSeconds, ADDRESS.windowSeconds));
  }
}

function keys(login: string, address: string | undefined): string[] {
  const k = [`login:${login.trim().toLowerCase().slice(0, 300)}`];
  if (address) k.push(`addr:${address.slice(0, 300)}`);
  return k;
}
