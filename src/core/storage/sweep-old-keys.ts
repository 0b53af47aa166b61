import type { ObjectStore } from './object-store';

/** Keys asked about per `removable` call. */
const BATCH = 1000;

/**
 * Deletes the keys under `prefix` last written before `cutoffMs` that `removable` keeps (asked
 * batch by batch: it answers which of the keys no row still references); returns how many went.
 * The sweeps of crash leftovers share it: whatever they look for, old and unreferenced is the rule.
 */
export async function sweepOldKeys(store: ObjectStore, prefix: string, cutoffMs: number, removable: (keys: string[]) => Promise<string[]>): Promise<number> {
  let removed = 0;
  let batch: string[] = [];
  const flush = async () => {
    for (const key of await removable(batch)) {
      await store.delete(key);
      removed++;
    }
    batch = [];
  };
  for await (const info of store.list(prefix)) {
    if (info.lastModified.getTime() >= cutoffMs) continue;
    batch.push(info.key);
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length) await flush();
  return removed;
}
