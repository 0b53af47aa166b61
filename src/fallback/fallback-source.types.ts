export const SOURCE_TYPES = ['huggingface', 'hangar', 'kohakuhub'] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

/** A stored fallback source; the token stays encrypted until someone needs it (the read-through). */
export interface FallbackSourceRecord {
  id: number;
  namespace: string;
  url: string;
  tokenEncrypted: string | null;
  priority: number;
  name: string;
  sourceType: SourceType;
  enabled: boolean;
  allowPatterns: string[];
  denyPatterns: string[];
  createdAt: Date;
  updatedAt: Date;
}

/** What an admin sets; `token` in plain text (null: none; undefined on update: unchanged). */
export type FallbackSourceInput = Omit<FallbackSourceRecord, 'id' | 'tokenEncrypted' | 'createdAt' | 'updatedAt'> & { token: string | null };
