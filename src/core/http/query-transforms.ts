import { Transform } from 'class-transformer';

/** Query-string booleans: "true"/"1" and "false"/"0"; anything else stays a string and fails @IsBoolean. */
export const QueryBoolean = () =>
  Transform(({ value }) => {
    if (value === 'true' || value === '1' || value === true) return true;
    if (value === 'false' || value === '0' || value === false) return false;
    return value;
  });

/** Query-string integers: only digit strings convert; anything else fails @IsInt. */
export const QueryInt = () =>
  Transform(({ value }) => (typeof value === 'string' && /^-?\d{1,15}$/.test(value) ? Number(value) : value));
