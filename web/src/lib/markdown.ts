import { Marked, type Token } from 'marked';

/**
 * README rendering that never runs what a README holds: raw HTML is shown as text, and links
 * and images keep only http(s), mailto, anchors and relative targets (no `javascript:`, no
 * `data:` documents). Relative targets resolve inside the repository at the shown revision.
 * The page's CSP (no inline script) is the second wall behind this one.
 */
const SAFE_URL = /^(https?:|mailto:|#)/i;

export interface RepoLinks {
  /** A path in the repository → the page that shows it (`/{id}/blob/{rev}/{path}`). */
  page(path: string): string;
  /** A path in the repository → its bytes (`/{id}/resolve/{rev}/{path}`). */
  file(path: string): string;
}

export function renderMarkdown(source: string, links?: RepoLinks): string {
  const marked = new Marked({
    gfm: true,
    async: false,
    renderer: {
      html: ({ text }) => escapeHtml(text),
    },
    walkTokens(token: Token) {
      if (token.type === 'link' || token.type === 'image') token.href = safeHref(token.href, token.type === 'image' ? links?.file : links?.page);
    },
  });
  return marked.parse(source) as string;
}

function safeHref(href: string, resolve?: (path: string) => string): string {
  const trimmed = href.trim();
  if (SAFE_URL.test(trimmed)) return trimmed;
  // Anything else with a scheme (javascript:, data:, vbscript:, …) goes nowhere.
  if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed.replace(/[\s\u0000-\u001f]/g, ''))) return '#';
  if (trimmed.startsWith('//')) return '#';
  if (trimmed.startsWith('/') || !resolve) return trimmed;
  return resolve(trimmed.replace(/^\.\//, ''));
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Splits a model card into its YAML front matter (shown as a table from cardData) and body. */
export function stripFrontMatter(text: string): string {
  const m = text.match(/^---\r?\n[\s\S]*?\r?\n---\r?\n?/);
  return m ? text.slice(m[0].length) : text;
}
