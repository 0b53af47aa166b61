import type { EntityManager } from 'typeorm';

export type TransactionListener<T> = (m: EntityManager, change: T) => Promise<void>;

/**
 * Changes announced inside the transaction that makes them: a listener writes its rows (a
 * webhook outbox) with `m`, so they commit or roll back with the change; one that throws rolls
 * the change back. Each module that announces something subclasses this as its own provider.
 */
export class TransactionEvents<T> {
  private readonly listeners: TransactionListener<T>[] = [];

  subscribe(listener: TransactionListener<T>): void {
    this.listeners.push(listener);
  }

  async emit(m: EntityManager, change: T): Promise<void> {
    for (const l of this.listeners) await l(m, change);
  }
}
