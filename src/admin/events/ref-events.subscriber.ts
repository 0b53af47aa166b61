import { Injectable, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventLog } from '../../core/events/event-log';
import { RefChange, RefHooks } from '../../git/engine/ref-hooks';

/**
 * Commits and pushes become `ref.updated` events, written in the transaction that moves the
 * ref (through the commit API, a git push, a merge): one subscription instead of a call in every
 * write path.
 */
@Injectable()
export class RefEventsSubscriber implements OnModuleInit {
  constructor(
    private readonly hooks: RefHooks,
    private readonly events: EventLog,
  ) {}

  onModuleInit(): void {
    this.hooks.onRefChange((m, change) => this.record(m, change));
  }

  private async record(m: EntityManager, c: RefChange): Promise<void> {
    const [row] = await m.query(
      `SELECT r.type, n.name AS namespace, r.name, (SELECT name FROM namespaces WHERE id = $2) AS actor
         FROM repositories r JOIN namespaces n ON n.id = r.namespace_id WHERE r.id = $1`,
      [c.repoId, c.actorId],
    );
    if (!row) return;
    const kind = c.old === null ? 'created' : c.new === null ? 'deleted' : 'updated';
    await this.events.publish(
      {
        type: 'ref.updated',
        actor: row.actor ? `user:${row.actor}` : null,
        target: `${row.type}:${row.namespace}/${row.name}`,
        data: { repo_type: row.type, repo: `${row.namespace}/${row.name}`, ref: c.ref, change: kind, old: c.old, new: c.new },
      },
      m,
    );
  }
}
