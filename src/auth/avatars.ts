import { createHash } from 'node:crypto';

/** Where a user's or organization's avatar is served (whoami-v2 `avatarUrl`, commit authors). */
export function avatarPath(name: string): string {
  return `/avatars/${encodeURIComponent(name)}.svg`;
}

/**
 * Hangar stores no pictures: an avatar is the name's first character on a colour derived from
 * the name, so it is stable and needs no lookup (and reveals nothing about whether the name exists).
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
