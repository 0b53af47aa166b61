export type WebhookDomain = 'repo' | 'discussion';
export const WEBHOOK_DOMAINS: readonly WebhookDomain[] = ['repo', 'discussion'];
export type WatchedType = 'user' | 'org' | 'model' | 'dataset' | 'space';
export const WATCHED_TYPES: readonly WatchedType[] = ['user', 'org', 'model', 'dataset', 'space'];

/** A watched item as the client names it: a user or organization name, or a repository's `ns/name`. */
export interface WatchedItem {
  type: WatchedType;
  name: string;
}

/** A watched item resolved to what it points at (names follow renames: they are read back from these ids). */
export type WatchedTarget = { namespaceId: number; repoId?: undefined } | { repoId: number; namespaceId?: undefined };

export interface WebhookRecord {
  id: number;
  publicId: string;
  ownerId: number;
  owner: string;
  ownerKind: 'user' | 'org';
  url: string;
  secret: string | null;
  domains: WebhookDomain[];
  disabled: boolean;
  linksBaseUrl: string;
  watched: WatchedItem[];
  createdAt: Date;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface DeliveryAttempt {
  attempt: number;
  startedAt: Date;
  latencyMs: number;
  statusCode: number | null;
  error: string | null;
  responseExcerpt: string | null;
}

export interface DeliveryRecord {
  id: number;
  publicId: string;
  webhookId: number;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  createdAt: Date;
  finishedAt: Date | null;
  replayOf: string | null;
  payload: Record<string, unknown>;
  lastAttempt: DeliveryAttempt | null;
}
