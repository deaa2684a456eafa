import { randomBytes } from 'node:crypto';
import { getMembershipRole, listProjectMembers, removeMembership, setMembership, type ProjectRole } from './memberships.ts';
import type { Store } from './store.ts';
import { createUser, findUserByEmail, type User } from './users.ts';

/**
 * Member management of one project (what a project admin does in Settings → Members). Built on
 * memberships.ts; adds the rules an admin must not be able to break: a project keeps at least
 * one admin, and an invitation for an email without an account creates the account with a
 * generated password that is returned once (Plumb sends no mail; the admin hands it over).
 */
export class MemberError extends Error {
  constructor(
    readonly code: 'not_found' | 'conflict' | 'bad_request',
    message: string,
  ) {
    super(message);
  }
}

export interface InviteResult {
  user: User;
  role: ProjectRole;
  /** Set when the invitation created the account: shown once to the inviting admin. */
  generatedPassword?: string;
}

export async function inviteMember(store: Store, projectId: string, email: string, role: ProjectRole): Promise<InviteResult> {
  const existing = await findUserByEmail(store, email);
  if (existing) {
    if (await getMembershipRole(store, projectId, existing.id)) {
      throw new MemberError('conflict', `${existing.email} is already a member of this project (change their role instead)`);
    }
    const { passwordHash: _, ...user } = existing;
    await setMembership(store, projectId, user.id, role);
    return { user, role };
  }
  const generatedPassword = randomBytes(12).toString('base64url');
  let user: User;
  try {
    user = await createUser(store, { email, password: generatedPassword });
  } catch (err) {
    throw new MemberError('bad_request', (err as Error).message);
  }
  await setMembership(store, projectId, user.id, role);
  return { user, role, generatedPassword };
}

async function adminCount(store: Store, projectId: string): Promise<number> {
  return (await listProjectMembers(store, projectId)).filter((m) => m.role === 'admin').length;
}

/** Changes a member's role; refuses to demote the project's last admin. */
export async function changeMemberRole(store: Store, projectId: string, userId: string, role: ProjectRole): Promise<void> {
  const current = await getMembershipRole(store, projectId, userId);
  if (!current) throw new MemberError('not_found', 'no such member in this project');
  if (current === role) return;
  if (current === 'admin' && (await adminCount(store, projectId)) <= 1) {
    throw new MemberError('conflict', 'a project needs at least one admin: make someone else admin first');
  }
  await setMembership(store, projectId, userId, role);
}

/** Removes a member; refuses to remove the project's last admin. */
export async function removeMember(store: Store, projectId: string, userId: string): Promise<void> {
  const current = await getMembershipRole(store, projectId, userId);
  if (!current) throw new MemberError('not_found', 'no such member in this project');
  if (current === 'admin' && (await adminCount(store, projectId)) <= 1) {
    throw new MemberError('conflict', 'a project needs at least one admin: make someone else admin first');
  }
  await removeMembership(store, projectId, userId);
}
