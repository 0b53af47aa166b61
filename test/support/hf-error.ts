import type { Response } from 'supertest';

/** Asserts the HF error contract: status, X-Error-Code, X-Error-Message and `{"error": ...}`. */
export function expectHfError(res: Response, status: number, code: string): void {
  const summary = `${res.status} ${res.headers['x-error-code']} ${JSON.stringify(res.body)}`;
  expect({ status: res.status, code: res.headers['x-error-code'], summary }).toEqual({ status, code, summary });
  expect(typeof res.headers['x-error-message']).toBe('string');
  expect(res.headers['x-error-message'].length).toBeGreaterThan(0);
  if (res.request.method !== 'HEAD') expect(typeof res.body.error).toBe('string');
}

/** Row counts of the tables a failed request must leave untouched. */
export async function tableCounts(db: { query: (sql: string) => Promise<{ rows: { n: number }[] }> }): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of ['namespaces', 'users', 'organizations', 'memberships', 'api_tokens', 'sessions', 'email_verifications', 'invitations', 'password_resets']) {
    out[t] = (await db.query(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n;
  }
  return out;
}
