/**
 * `attachment; filename="…"; filename*=UTF-8''…` — the quoted ASCII form for old clients and
 * the RFC 5987 form for the real (possibly non-ASCII) name. Quotes, backslashes and control
 * characters are replaced so the header cannot be broken out of.
 */
export function attachmentDisposition(filename: string): string {
  const base = filename.split(/[\\/]/).pop() || 'download';
  const ascii = base.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(base).replace(/['()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
