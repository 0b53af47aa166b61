/** Polls `check` until it holds, failing after `deadlineMs`: for what a server finishes on its own time. */
export async function waitUntil(check: () => Promise<boolean>, deadlineMs = 20_000, everyMs = 100): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
