import { DEFAULT_PROJECT_ID, getMembershipRole, getSession, listUserProjects, Store, storeConfigFromEnv, traceExists } from '@plumb/store';
import { cookies } from 'next/headers';
import { PROJECT_COOKIE, SESSION_COOKIE } from '@/server/cookies';

// This bundle's own Store (see ../../session.ts for why not the shared getStore()).
let store: Promise<Store> | undefined;
function pageStore(): Promise<Store> {
  store ??= Store.open(storeConfigFromEnv()).catch((err: unknown) => {
    store = undefined;
    throw err;
  });
  return store;
}

/**
 * Whether the signed-in user can see trace `traceId`, decided on the server before the page
 * renders so an unknown trace answers a real 404. The project is chosen as tRPC's
 * protectedProcedure chooses it (cookie, else 'default', else the user's first project); a
 * project the user is not a member of hides the trace like a missing one. 'unknown' when there is
 * no session (the layout sends the user to /login) — the client then decides as before.
 */
export async function traceVisible(traceId: string): Promise<boolean | 'unknown'> {
  const jar = await cookies();
  const token = jar.get(SESSION_COOKIE)?.value;
  if (!token) return 'unknown';
  const s = await pageStore();
  const session = await getSession(s, token);
  if (!session) return 'unknown';
  const asked = jar.get(PROJECT_COOKIE)?.value.trim() ?? '';
  let projectId = asked || DEFAULT_PROJECT_ID;
  if (!(await getMembershipRole(s, projectId, session.user.id))) {
    if (asked) return false;
    const first = (await listUserProjects(s, session.user.id))[0];
    if (!first) return false;
    projectId = first.id;
  }
  return traceExists(s, projectId, traceId.toLowerCase());
}
