import { sharedCache } from './cache.ts';
import { sql } from './sql.ts';
import type { Store } from './store.ts';

/**
 * Who may use a project, and how. Every tRPC procedure and REST route checks the caller's
 * membership of the project it asks for (apps/web/src/server/trpc.ts, rest/auth.ts); nothing is
 * readable through a project header or cookie alone.
 *
 * Roles are ordered: viewer (read) < editor (change prices, budgets, monitors, rules) < admin
 * (manage members and keys).
 */
export type ProjectRole = 'viewer' | 'editor' | 'admin';
export const PROJECT_ROLES: readonly ProjectRole[] = ['viewer', 'editor', 'admin'];

const RANK: Record<ProjectRole, number> = { viewer: 1, editor: 2, admin: 3 };

export function isProjectRole(value: unknown): value is ProjectRole {
  return typeof value === 'string' && (PROJECT_ROLES as readonly string[]).includes(value);
}

/** Whether `role` is at least `min`. */
export function roleAtLeast(role: ProjectRole, min: ProjectRole): boolean {
  return RANK[role] >= RANK[min];
}

export interface Membership {
  projectId: string;
  userId: string;
  role: ProjectRole;
  createdAt: string;
}

// Role of (project, user); misses cached too (a non-member asking again and again stays cheap).
// Changes made through this module invalidate at once; the TTL bounds other processes' view.
const MEMBERSHIP_TTL_MS = 30_000;
const membershipCache = () => sharedCache<ProjectRole>('memberships', MEMBERSHIP_TTL_MS, 10_000);
const cacheKey = (projectId: string, userId: string) => `${projectId}\u0000${userId}`;

/** The user's role in the project, or null when not a member (or the project does not exist). */
export async function getMembershipRole(store: Store, projectId: string, userId: string): Promise<ProjectRole | null> {
  const cache = membershipCache();
  const key = cacheKey(projectId, userId);
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const [row] = await store.query<{ role: string }>(
    sql`SELECT m.role AS role FROM memberships AS m FINAL
        WHERE m.project_id = ${projectId} AND m.user_id = ${userId} AND NOT m.removed
          AND m.project_id IN (SELECT id FROM projects FINAL)
        LIMIT 1`,
    { kind: 'auth', caller: 'memberships.getMembershipRole' },
  );
  const role = row && isProjectRole(row.role) ? row.role : null;
  cache.set(key, role);
  return role;
}

/** Adds a member or changes their role. */
export async function setMembership(store: Store, projectId: string, userId: string, role: ProjectRole): Promise<void> {
  if (!isProjectRole(role)) throw new Error(`unknown role ${JSON.stringify(role)} (use ${PROJECT_ROLES.join(', ')})`);
  await store.command(
    sql`INSERT INTO memberships (project_id, user_id, role, _version) VALUES (${projectId}, ${userId}, ${role}, ${Date.now()})`,
    { kind: 'auth', caller: 'memberships.setMembership' },
  );
  membershipCache().delete(cacheKey(projectId, userId));
  userProjectsCache().delete(userId);
}

/** Removes a member; returns whether they were one. */
export async function removeMembership(store: Store, projectId: string, userId: string): Promise<boolean> {
  const role = await getMembershipRole(store, projectId, userId);
  membershipCache().delete(cacheKey(projectId, userId));
  if (!role) return false;
  await store.command(
    sql`INSERT INTO memberships (project_id, user_id, role, removed, _version) VALUES (${projectId}, ${userId}, ${role}, true, ${Date.now()})`,
    { kind: 'auth', caller: 'memberships.removeMembership' },
  );
  membershipCache().delete(cacheKey(projectId, userId));
  userProjectsCache().delete(userId);
  return true;
}

// A user's projects (used when a request names none), cached like single memberships.
const userProjectsCache = () => sharedCache<{ id: string; name: string; role: ProjectRole }[]>('user-projects', MEMBERSHIP_TTL_MS, 0);

/** The projects a user belongs to, with their role (oldest membership first). */
export async function listUserProjects(store: Store, userId: string): Promise<{ id: string; name: string; role: ProjectRole }[]> {
  const hit = userProjectsCache().get(userId);
  if (hit) return hit;
  const rows = await store.query<{ id: string; name: string; role: string }>(
    sql`SELECT p.id AS id, p.name AS name, m.role AS role
        FROM (SELECT project_id, role, created_at FROM memberships FINAL WHERE user_id = ${userId} AND NOT removed) AS m
        INNER JOIN (SELECT id, name FROM projects FINAL) AS p ON p.id = m.project_id
        ORDER BY m.created_at, p.id`,
    { kind: 'auth', caller: 'memberships.listUserProjects' },
  );
  const projects = rows.filter((r): r is { id: string; name: string; role: ProjectRole } => isProjectRole(r.role));
  userProjectsCache().set(userId, projects);
  return projects;
}

/** The members of a project with their email (for member management). */
export async function listProjectMembers(store: Store, projectId: string): Promise<(Membership & { email: string; name: string })[]> {
  const rows = await store.query<Membership & { email: string; name: string }>(
    sql`SELECT m.project_id AS projectId, m.user_id AS userId, m.role AS role, toString(m.created_at) AS createdAt, u.email AS email, u.name AS name
        FROM (SELECT * FROM memberships FINAL WHERE project_id = ${projectId} AND NOT removed) AS m
        INNER JOIN (SELECT id, email, name FROM users FINAL WHERE NOT disabled) AS u ON u.id = m.user_id
        ORDER BY m.created_at, u.email`,
    { kind: 'auth', caller: 'memberships.listProjectMembers' },
  );
  return rows.filter((r) => isProjectRole(r.role));
}

/**
 * Makes every instance administrator (users.role = 'admin', the first user) admin of the
 * project: called when a project is created, so a new project is never without an admin.
 */
export async function grantInstanceAdmins(store: Store, projectId: string): Promise<void> {
  await store.command(
    sql`INSERT INTO memberships (project_id, user_id, role, _version)
        SELECT ${projectId}, id, 'admin', ${Date.now()} FROM users FINAL WHERE role = 'admin' AND NOT disabled`,
    { kind: 'auth', caller: 'memberships.grantInstanceAdmins' },
  );
  membershipCache().clear();
  userProjectsCache().clear();
}

/** Makes a user admin of every existing project (the first admin, created at first start). */
export async function grantAllProjects(store: Store, userId: string, role: ProjectRole): Promise<void> {
  await store.command(
    sql`INSERT INTO memberships (project_id, user_id, role, _version)
        SELECT id, ${userId}, ${role}, ${Date.now()} FROM projects FINAL`,
    { kind: 'auth', caller: 'memberships.grantAllProjects' },
  );
  membershipCache().clear();
  userProjectsCache().clear();
}
