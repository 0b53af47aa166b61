import { Injectable, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventLog } from '../../core/events/event-log';
import { RepoChange, RepoEventsEmitter } from '../../repos/repo-events.emitter';

/**
 * Repositories created and deleted become `repo.created` / `repo.deleted` events, written in the
 * transaction that makes the change (the same announcement webhooks hear).
 */
@Injectable()
export class RepoEventsSubscriber implements OnModuleInit {
  constructor(
    private readonly repos: RepoEventsEmitter,
    private readonly events: EventLog,
  ) {}

  onModuleInit(): void {
    this.repos.subscribe((m, change) => this.record(m, change));
  }

  private async record(m: EntityManager, c: RepoChange): Promise<void> {
    if (c.action !== 'create' && c.action !== 'delete') return;
    const target = `${c.repo.type}:${c.repo.namespace}/${c.repo.name}`;
    const actor = c.actor ? `user:${c.actor}` : null;
    if (c.action === 'create') await this.events.publish({ type: 'repo.created', actor, target, data: { private: c.repo.private } }, m);
    else await this.events.publish({ type: 'repo.deleted', actor, target }, m);
  }
}
