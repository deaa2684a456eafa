import { countAdmins, getSession, Store, storeConfigFromEnv } from '@plumb/store';
import { cookies } from 'next/headers';
import { SESSION_COOKIE } from '@/server/cookies';

/**
 * This bundle's own Store. Not the shared `getStore()` from '@/server/store': that Store lives on
 * globalThis and may have been created by another Next bundle (a route handler), whose copy of
 * @plumb/store has different `sql` fragment classes, so its `query` would reject fragments built
 * here. Opening a Store is cheap: the embedded engine's client is shared per process by
 * @plumb/store itself.
 */
let store: Promise<Store> | undefined;
export function pageStore(): Promise<Store> {
  store ??= Store.open(storeConfigFromEnv()).catch((err: unknown) => {
    store = undefined;
    throw err;
  });
  return store;
}

/** The signed-in user for a server-rendered page, or null (no cookie, unknown or expired session). */
export async function currentUser(): Promise<{ email: string } | null> {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!token) return null;
  const session = await getSession(await pageStore(), token);
  return session ? { email: session.user.email } : null;
}

/**
 * True while no administrator exists (first run not done): only then does the sign-in page show
 * how to create one. Unknown (store unreachable) counts as done: no setup hints on a live instance.
 */
export async function firstRunSetupPending(): Promise<boolean> {
  try {
    return (await countAdmins(await pageStore())) === 0;
  } catch {
    return false;
  }
}
