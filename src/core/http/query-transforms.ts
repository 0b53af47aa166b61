import { Transform } from 'class-transformer';

/**
 * Booleans from query strings and form bodies: "true"/"1" and "false"/"0", in any case (Python
 * clients built on `requests` send "True"/"False"). Anything else stays as it is and fails
 * @IsBoolean (400 ValidationError).
 */
export const QueryBoolean = () => Transform(({ value }) => queryBoolean(value));

/** The conversion itself, also for code that reads a raw query (a guard deciding before the DTO). */
export function queryBoolean(value: unknown): unknown {
  if (value === true || value === false || typeof value !== 'string') return value;
  const v = value.toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  return value;
}

/** Query-string integers: only digit strings convert; anything else fails @IsInt. */
export const QueryInt = () =>
  Transform(({ value }) => (typeof value === 'string' && /^-?\d{1,15}$/.test(value) ? Number(value) : value));
