/** A small least-recently-used map for immutable, content-addressed values. */
export class LruCache<K, V> {
  private readonly map = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as K);
  }
}

/** A least-recently-used map of immutable values bounded by their total size (`bytes` of each). */
export class ByteBudgetLru<V extends { bytes: number }> {
  private readonly map = new Map<string, V>();
  private total = 0;

  constructor(private readonly budget: number) {}

  get(key: string): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  /** Values larger than a quarter of the budget are not kept. */
  set(key: string, value: V): void {
    if (value.bytes > this.budget / 4) return;
    const old = this.map.get(key);
    if (old) {
      this.map.delete(key);
      this.total -= old.bytes;
    }
    this.map.set(key, value);
    this.total += value.bytes;
    while (this.total > this.budget) {
      const [oldest, v] = this.map.entries().next().value as [string, V];
      this.map.delete(oldest);
      this.total -= v.bytes;
    }
  }
}
