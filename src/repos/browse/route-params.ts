/** Express 5 wildcards (`*path`) arrive as an array of segments; rebuild the path. */
export const joined = (value: string[] | string): string => (Array.isArray(value) ? value.join('/') : value);

export const basename = (path: string): string => path.slice(path.lastIndexOf('/') + 1);
