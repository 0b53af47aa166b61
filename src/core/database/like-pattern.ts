/** A case-insensitive substring pattern for ILIKE: the input's own wildcards are escaped. */
export function likePattern(search: string): string {
  return `%${search.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
}
