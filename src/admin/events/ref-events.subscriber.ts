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

  /** One statement per ref change: the repository's names are read where the event is written. */
  private async record(m: EntityManager, c: RefChange): Promise<void> {
    const kind = c.old === null ? 'created' : c.new === null ? 'deleted' : 'updated';
    await this.events.publishFrom(
      'ref.updated',
      {
        sql: `SELECT 'user:' || a.name AS actor, r.type || ':' || n.name || '/' || r.name AS target,
                     jsonb_build_object('repo_type', r.type, 'repo', n.name || '/' || r.name, 'ref', $4::text, 'change', $5::text, 'old', $6::text, 'new', $7::text) AS data
                FROM repositories r JOIN namespaces n ON n.id = r.namespace_id LEFT JOIN namespaces a ON a.id = $3
               WHERE r.id = $2`,
        params: [c.repoId, c.actorId, c.ref, kind, c.old, c.new],
      },
      m,
    );
  }
}
