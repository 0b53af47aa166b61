/** Git object types with their pack type numbers (gitformat-pack). */
export type GitObjectType = 'commit' | 'tree' | 'blob' | 'tag';

export const PACK_TYPE: Record<GitObjectType, number> = { commit: 1, tree: 2, blob: 3, tag: 4 };

export const TYPE_BY_PACK: Record<number, GitObjectType> = { 1: 'commit', 2: 'tree', 3: 'blob', 4: 'tag' };

/** A 20-byte SHA-1 object id, written as 40 lowercase hex characters everywhere outside the codec. */
export type Oid = string;

export const OID_PATTERN = /^[0-9a-f]{40}$/;
export const ZERO_OID: Oid = '0'.repeat(40);
