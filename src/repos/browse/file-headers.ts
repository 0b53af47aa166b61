const TEXT = 'text/plain; charset=utf-8';

/**
 * Content types by extension. Files are user content served from Hangar's own origin, so
 * nothing is ever answered as HTML, SVG or JavaScript (those go out as text/plain, with
 * `X-Content-Type-Options: nosniff`): a repository cannot run script in a signed-in browser.
 */
const TYPES: Record<string, string> = {
  md: 'text/markdown; charset=utf-8',
  txt: TEXT,
  json: 'application/json; charset=utf-8',
  jsonl: TEXT,
  py: TEXT,
  yaml: TEXT,
  yml: TEXT,
  toml: TEXT,
  cfg: TEXT,
  ini: TEXT,
  csv: 'text/csv; charset=utf-8',
  tsv: 'text/tab-separated-values; charset=utf-8',
  gitattributes: TEXT,
  gitignore: TEXT,
  html: TEXT,
  htm: TEXT,
  js: TEXT,
  mjs: TEXT,
  ts: TEXT,
  css: TEXT,
  svg: TEXT,
  xml: TEXT,
  sh: TEXT,
  ipynb: 'application/json; charset=utf-8',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  ico: 'image/x-icon',
  pdf: 'application/pdf',
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  flac: 'audio/flac',
  mp4: 'video/mp4',
  webm: 'video/webm',
  zip: 'application/zip',
  gz: 'application/gzip',
  parquet: 'application/octet-stream',
};

export function contentTypeFor(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  const dot = base.lastIndexOf('.');
  const ext = dot < 0 ? '' : base.slice(dot + 1);
  return TYPES[ext] ?? (base === 'license' || base === 'readme' ? TEXT : 'application/octet-stream');
}

/** `inline; filename*=UTF-8''…; filename="…"` (or attachment): the RFC 5987 name plus an ASCII fallback. */
export function contentDisposition(path: string, kind: 'inline' | 'attachment'): string {
  const base = path.slice(path.lastIndexOf('/') + 1) || 'download';
  const encoded = encodeURIComponent(base).replace(/['()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  const ascii = base.replace(/[^\x20-\x7e]|["\\;]/g, '_');
  return `${kind}; filename*=UTF-8''${encoded}; filename="${ascii}"`;
}

/** Does an If-None-Match header (a list, possibly weak, or `*`) name this ETag? */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const bare = etag.replace(/^"|"$/g, '');
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '').replace(/^"|"$/g, '') === bare);
}
