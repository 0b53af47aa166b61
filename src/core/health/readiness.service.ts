import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError } from '../errors/domain-error';
import { OBJECT_STORE, type ObjectStore } from '../storage/object-store';
import { MailTransport } from '../mail/mail-transport';

export type CheckName = 'database' | 'objectStore' | 'smtp';
/** database and objectStore always; smtp when HANGAR_SMTP_URL is set. */
export type ReadinessChecks = Record<'database' | 'objectStore', CheckStatus> & { smtp?: CheckStatus };
export type CheckStatus = 'ok' | 'failed';

/** A probe must answer even when a dependency hangs (a stalled TCP connect, say). */
const CHECK_TIMEOUT_MS = 5000;

/** 503 with `X-Error-Code: NotReady`, through the HF exception filter like every other error. */
export class NotReadyError extends DomainError {
  constructor(message: string, checks: Partial<Record<CheckName, CheckStatus>>) {
    super(503, 'NotReady', message, { status: 'error', checks });
  }
}

@Injectable()
export class ReadinessService {
  private readonly logger = new Logger('Readiness');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(OBJECT_STORE) private readonly objectStore: ObjectStore,
    // Optional: a module composed without the global MailModule (unit tests) has no SMTP to check.
    @Optional() private readonly mail?: MailTransport,
  ) {}

  /** Runs every check in parallel; throws NotReadyError naming each failing one. */
  async assertReady(): Promise<ReadinessChecks> {
    const probes: Partial<Record<CheckName, () => Promise<unknown>>> = {
      database: () => this.dataSource.query('SELECT 1'),
      objectStore: () => this.objectStore.healthCheck(),
    };
    // Only a configured SMTP server is a dependency: without one, mails go to the log.
    const mail = this.mail;
    if (mail?.configured) probes.smtp = () => mail.healthCheck();
    const names = Object.keys(probes) as CheckName[];
    const results = await Promise.allSettled(names.map((name) => withTimeout(probes[name]!(), CHECK_TIMEOUT_MS)));
    const checks: Partial<Record<CheckName, CheckStatus>> = {};
    const failures: string[] = [];
    results.forEach((result, i) => {
      const name = names[i];
      checks[name] = result.status === 'fulfilled' ? 'ok' : 'failed';
      if (result.status === 'rejected') {
        // The full error (stack included) stays in the server log; the client gets a short reason.
        this.logger.warn({ err: result.reason, check: name }, `readiness check ${name} failed`);
        failures.push(`${name}: ${shortReason(result.reason)}`);
      }
    });
    if (failures.length > 0) throw new NotReadyError(failures.join('; '), checks);
    return checks as ReadinessChecks;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** First line of the message, credentials in URLs masked, capped: no stacks or secrets leave. */
export function shortReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const firstLine = message.split(/\r?\n/, 1)[0].trim() || (err instanceof Error ? err.name : 'unknown error');
  const masked = firstLine.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1***@');
  return masked.length > 200 ? `${masked.slice(0, 197)}...` : masked;
}
