import { parseFrontMatter } from './card-front-matter';
import { HUB_LICENSES } from './licenses';

const KNOWN_LICENSES = new Set(HUB_LICENSES);

export interface CardValidation {
  errors: string[];
  warnings: string[];
}

const STRING_OR_LIST = ['tags', 'language', 'datasets', 'metrics', 'license_name', 'base_model', 'pipeline_tag', 'library_name', 'license'];

/**
 * Checks a repo card's YAML metadata (the front matter of README.md) as the hub does for
 * RepoCard.validate: it must parse, be a mapping, and its well-known fields must have the
 * right shapes. Unknown fields are allowed.
 */
export function validateCardContent(content: string): CardValidation {
  const errors: string[] = [];
  const warnings: string[] = [];
  const fm = parseFrontMatter(content);
  if (fm.kind === 'unclosed') return { errors: ['The metadata block is not closed by a "---" line'], warnings };
  if (fm.kind === 'absent') return { errors, warnings: ['No YAML metadata block found'] };
  if (fm.kind === 'invalid') return { errors: fm.errors, warnings };
  const data = fm.data;
  if (data === null || data === undefined) return { errors, warnings: ['Empty metadata block'] };
  if (typeof data !== 'object' || Array.isArray(data)) return { errors: ['The metadata must be a YAML mapping'], warnings };
  const meta = data as Record<string, unknown>;
  for (const key of STRING_OR_LIST) {
    const v = meta[key];
    if (v === undefined || v === null) continue;
    const ok = typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
    if (!ok) errors.push(`"${key}" must be a string or a list of strings`);
  }
  const licenses = typeof meta.license === 'string' ? [meta.license] : Array.isArray(meta.license) ? meta.license : [];
  if (licenses.some((l) => typeof l === 'string' && !KNOWN_LICENSES.has(l))) errors.push(`"license" must be one of [${HUB_LICENSES.join(', ')}]`);
  if (meta['model-index'] !== undefined && !Array.isArray(meta['model-index'])) errors.push('"model-index" must be a list');
  if (meta.widget !== undefined && !Array.isArray(meta.widget)) errors.push('"widget" must be a list');
  return { errors, warnings };
}
