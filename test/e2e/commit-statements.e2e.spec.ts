import { createUserWithToken, TestUser } from '../support/accounts';
import { commit, createRepo, file, header } from '../support/repos';
import { observeStatements } from '../support/statements';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * What every commit pays for the modules that listen to ref changes (webhooks, the event log):
 * a repository no webhook watches costs one statement to find that out, and the `ref.updated`
 * event is looked up and written by one statement. The statements are observed through
 * TypeORM's logger (every statement passes it), grouped by the transaction that moved the ref.
 */
describe('statements of a commit transaction', () => {
  let t: TestApp;
  let u: TestUser;
  let statements: ReturnType<typeof observeStatements>;

  beforeAll(async () => {
    t = await startTestApp();
    u = await createUserWithToken(t);
    statements = observeStatements(t);
  });

  afterAll(() => t.close());

  /** The statements of the transaction that moved a ref during `work`, START TRANSACTION to COMMIT excluded. */
  async function commitTransaction(work: () => Promise<unknown>): Promise<string[]> {
    statements.reset();
    await work();
    const seen = statements.seen;
    const mover = seen.find((s) => s.sql.startsWith('UPDATE git_refs SET oid'))?.runner;
    expect(mover).toBeDefined();
    const own = seen.filter((s) => s.runner === mover).map((s) => s.sql);
    return own.slice(own.lastIndexOf('START TRANSACTION') + 1, own.indexOf('COMMIT'));
  }

  it('checks for webhooks with one statement and writes the event with one, reading the repository row in neither', async () => {
    await createRepo(t, u.token, 'quiet').expect(200);
    await commit(t, u.token, `${u.username}/quiet`, [header('warm up'), file('a.txt', 'a')]).expect(200);

    const statements = await commitTransaction(() => commit(t, u.token, `${u.username}/quiet`, [header('one file'), file('b.txt', 'b')]).expect(200));

    expect(statements.filter((s) => /\bwebhook/.test(s))).toHaveLength(1);
    expect(statements.filter((s) => s.includes('outbox'))).toEqual([]);
    const events = statements.filter((s) => s.includes('event_log'));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatch(/^WITH e AS \(INSERT INTO event_log .* SELECT pg_notify/);
    // Besides those two, only the KEY SHARE lock (lock order against repo deletes) reads the repositories row.
    const others = statements.filter((s) => !/\bwebhook|event_log/.test(s));
    expect(others.filter((s) => /^SELECT .*FROM repositories\b/.test(s))).toEqual([expect.stringMatching(/FOR KEY SHARE$/)]);
  });
});
