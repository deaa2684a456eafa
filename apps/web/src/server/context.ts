import { DEFAULT_PROJECT_ID, getSession, type ProjectRole, type Store, type User } from '@plumb/store';
import { PROJECT_COOKIE, PROJECT_HEADER, readCookie, SESSION_COOKIE } from './cookies.ts';
import { getStore } from './store.ts';

export interface Context {
  store: Store;
  /** The signed-in user, or null. */
  user: User | null;
  /**
   * The project the request asks for (header x-plumb-project, cookie plumb_project, else
   * 'default'). Nothing is served from it until `protectedProcedure` has checked membership.
   */
  projectId: string;
  /** Whether the request named the project (header or cookie); false: 'default' is a guess. */
  projectExplicit?: boolean;
  /** The caller's role in `projectId`, set by `protectedProcedure`. */
  role?: ProjectRole;
}

/** Builds the tRPC context from a fetch Request (the /api/trpc route). Session lookups are cached. */
export async function createContextFromRequest(request: Request, store?: Store): Promise<Context> {
  const s = store ?? (await getStore());
  const cookie = request.headers.get('cookie');
  const token = readCookie(cookie, SESSION_COOKIE);
  const session = token ? await getSession(s, token) : null;
  const asked = request.headers.get(PROJECT_HEADER)?.trim() || readCookie(cookie, PROJECT_COOKIE)?.trim() || '';
  return { store: s, user: session?.user ?? null, projectId: asked || DEFAULT_PROJECT_ID, projectExplicit: asked !== '' };
}
