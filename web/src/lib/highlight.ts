import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import ini from 'highlight.js/lib/languages/ini';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import markdown from 'highlight.js/lib/languages/markdown';
import python from 'highlight.js/lib/languages/python';
import typescript from 'highlight.js/lib/languages/typescript';
import yaml from 'highlight.js/lib/languages/yaml';

/**
 * Syntax highlighting for the file view, loaded only when a file is shown (a chunk of its own,
 * outside the first load). highlight.js escapes the text it wraps in spans.
 */
const BY_EXTENSION: Record<string, [string, Parameters<typeof hljs.registerLanguage>[1]]> = {
  py: ['python', python],
  json: ['json', json],
  md: ['markdown', markdown],
  yaml: ['yaml', yaml],
  yml: ['yaml', yaml],
  js: ['javascript', javascript],
  mjs: ['javascript', javascript],
  ts: ['typescript', typescript],
  sh: ['bash', bash],
  toml: ['ini', ini],
  ini: ['ini', ini],
  cfg: ['ini', ini],
};

/** Highlighted HTML for a file's text, or null when its kind is not known (shown as plain text). */
export function highlight(path: string, text: string): string | null {
  const known = BY_EXTENSION[path.split('.').pop()?.toLowerCase() ?? ''];
  if (!known || text.length > 200_000) return null;
  const [name, language] = known;
  if (!hljs.getLanguage(name)) hljs.registerLanguage(name, language);
  return hljs.highlight(text, { language: name, ignoreIllegals: true }).value;
}
