import { DEFAULT_PROJECT_ID, getSession, listProjects, type Store, type User } from '@plumb/store';
import { PROJECT_COOKIE, PROJECT_HEADER, readCookie, SESSION_COOKIE } from './cookies.ts';
import { getStore } from './store.ts';

export interface Context {
  store: Store;
  /** The signed-in user, or null. */
  user: User | null;
  /** The project the request asks for (header x-plumb-project, cookie plumb_project, else 'default'). */
  projectId: string;
}

/** Builds the tRPC context from a fetch Request (the /api/trpc route). */
export async function createContextFromRequest(request: Request, store?: Store): Promise<Context> {
  const s = store ?? (await getStore());
  const cookie = request.headers.get('cookie');
  const token = readCookie(cookie, SESSION_COOKIE);
  const session = token ? await getSession(s, token) : null;
  const projectId = request.headers.get(PROJECT_HEADER)?.trim() || readCookie(cookie, PROJECT_COOKIE) || DEFAULT_PROJECT_ID;
  return { store: s, user: session?.user ?? null, projectId };
}

/**
 * Project existence, cached briefly: projects change rarely and every protected call checks it.
 */
const PROJECT_TTL_MS = 10_000;
const projectCache = new WeakMap<Store, { ids: Set<string>; until: number }>();

export async function projectExists(store: Store, projectId: string): Promise<boolean> {
  const now = Date.now();
  let hit = projectCache.get(store);
  if (!hit || hit.until < now || !hit.ids.has(projectId)) {
    hit = { ids: new Set((await listProjects(store)).map((p) => p.id)), until: now + PROJECT_TTL_MS };
    projectCache.set(store, hit);
  }
  return hit.ids.has(projectId);
}
