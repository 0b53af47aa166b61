import createClient, { type Client } from 'openapi-fetch';
import type { paths } from '../api/schema';

/**
 * The admin token lives in sessionStorage only: gone when the tab closes, never in a URL, a
 * cookie or localStorage. Without one, an admin-role user's session cookie is used instead.
 */
const KEY = 'hangar.adminToken';

export const adminToken = {
  get: (): string | null => sessionStorage.getItem(KEY),
  set: (token: string) => sessionStorage.setItem(KEY, token),
  clear: () => sessionStorage.removeItem(KEY),
};

export function adminHeaders(): Record<string, string> {
  const token = adminToken.get();
  return token ? { 'X-Admin-Token': token } : {};
}

export const adminApi: Client<paths> = createClient<paths>({ baseUrl: '' });
adminApi.use({
  onRequest({ request }) {
    for (const [k, v] of Object.entries(adminHeaders())) request.headers.set(k, v);
    return request;
  },
});
