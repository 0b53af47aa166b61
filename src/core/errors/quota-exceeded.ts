import { DomainError } from './domain-error';

/** What a refusal names, so a client can tell its user what did not fit. */
export interface QuotaRefusal {
  /** `namespace` (a user's or organization's bucket) or `repository` (its own quota). */
  scope: 'namespace' | 'repository';
  /** The namespace, or `namespace/name` for a repository quota. */
  namespace: string;
  /** `private` or `public` for a namespace bucket. */
  bucket?: 'private' | 'public';
  used_bytes: number;
  quota_bytes: number;
  requested_bytes: number;
}

/** SQLSTATE raised by the accounting triggers (migration Quotas) when growth would pass a quota. */
const QUOTA_SQLSTATE = 'HQ413';

/** 413 `QuotaExceeded`: the upload or change would push usage past a quota. Nothing was stored. */
export class QuotaExceededError extends DomainError {
  constructor(readonly refusal: QuotaRefusal) {
    super(413, 'QuotaExceeded', quotaMessage(refusal), { quota: refusal });
  }

  /** The typed error behind a database error raised by the accounting triggers, or null. */
  static fromDatabase(err: unknown): QuotaExceededError | null {
    const e = err as { code?: string; detail?: string; driverError?: { code?: string; detail?: string } };
    const code = e?.driverError?.code ?? e?.code;
    if (code !== QUOTA_SQLSTATE) return null;
    try {
      return new QuotaExceededError(JSON.parse(e?.driverError?.detail ?? e?.detail ?? '') as QuotaRefusal);
    } catch {
      return null;
    }
  }
}

/** The error itself, or the one a database error stands for, or null. */
export function asQuotaExceeded(err: unknown): QuotaExceededError | null {
  return err instanceof QuotaExceededError ? err : QuotaExceededError.fromDatabase(err);
}

function quotaMessage(r: QuotaRefusal): string {
  const what = r.scope === 'repository' ? `repository ${r.namespace}` : `${r.namespace} (${r.bucket ?? 'private'} storage)`;
  return (
    `Storage quota exceeded for ${what}: ${r.used_bytes} of ${r.quota_bytes} bytes used, ` +
    `${r.requested_bytes} more bytes requested, ${Math.max(0, r.quota_bytes - r.used_bytes)} available`
  );
}
