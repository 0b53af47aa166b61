import { createHash } from 'node:crypto';

/**
 * Where a name's generated avatar is served. For names that need not be accounts (git commit
 * authors); users and organizations have their own routes below, which serve an upload or this.
 */
export function avatarPath(name: string): string {
  return `/avatars/${encodeURIComponent(name)}.svg`;
}

/** A user's avatar (whoami-v2 `avatarUrl`, overviews, likers, members): the upload, else the generated one. */
export function userAvatarPath(name: string): string {
  return `/api/users/${encodeURIComponent(name)}/avatar`;
}

/** An organization's avatar, as userAvatarPath. */
export function orgAvatarPath(name: string): string {
  return `/api/organizations/${encodeURIComponent(name)}/avatar`;
}

/** Object-store folder of all uploaded avatars. */
export const AVATARS_STORE_PREFIX = 'avatars/';

/** Object-store folder of a namespace's uploaded avatars (one object, named by its SHA-256). */
export function avatarStorePrefix(namespaceId: number): string {
  return `${AVATARS_STORE_PREFIX}${namespaceId}/`;
}

export function avatarStoreKey(namespaceId: number, sha256: string): string {
  return `${avatarStorePrefix(namespaceId)}${sha256}.jpg`;
}

/**
 * The generated avatar: the name's first character on a colour derived from the name, so it is
 * stable and needs no lookup (and reveals nothing about whether the name exists).
 */
export function avatarSvg(name: string): string {
  const hue = createHash('sha256').update(name.toLowerCase()).digest().readUInt16BE(0) % 360;
  const initial = escapeXml((Array.from(name)[0] ?? '?').toUpperCase());
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">` +
    `<rect width="64" height="64" rx="12" fill="hsl(${hue},55%,45%)"/>` +
    `<text x="32" y="42" font-family="sans-serif" font-size="30" text-anchor="middle" fill="#fff">${initial}</text></svg>`
  );
}

function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch]!);
}
