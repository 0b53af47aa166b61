import { useEffect, useState } from 'preact/hooks';
import { call, hubApi } from '../api/client';
import type { components } from '../api/schema';

export type Me = components['schemas']['MeResponseDto'];

/** Who is signed in (session cookie), shared by the header and the pages. */
let current: Me | null | undefined;
const listeners = new Set<(me: Me | null) => void>();

export async function refreshMe(): Promise<Me | null> {
  const { data, response } = await hubApi.GET('/api/auth/me');
  current = response.ok && data ? data : null;
  listeners.forEach((l) => l(current ?? null));
  return current;
}

export function useMe(): Me | null | undefined {
  const [me, setMe] = useState(current);
  useEffect(() => {
    listeners.add(setMe);
    if (current === undefined) void refreshMe();
    return () => void listeners.delete(setMe);
  }, []);
  return me;
}

export async function signOut(): Promise<void> {
  await call(hubApi.POST('/api/auth/logout'));
  await refreshMe();
}
