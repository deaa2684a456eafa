import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureProject } from './keys.ts';
import { changeMemberRole, inviteMember, MemberError, removeMember } from './members.ts';
import { getMembershipRole, listProjectMembers, setMembership } from './memberships.ts';
import { Store } from './store.ts';
import { testStoreConfig } from './testing.ts';
import { createUser, verifyPassword } from './users.ts';

let store: Store;
beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-members-'))));
  await store.migrate();
  await ensureProject(store, 'p1', 'P1');
});
afterAll(async () => store?.close());

describe('member management', () => {
  it('invites a new email as a fresh account with a one-time password, and an existing user as is', async () => {
    const r = await inviteMember(store, 'p1', 'New.Person@Example.com', 'viewer');
    expect(r.generatedPassword).toMatch(/^[\w-]{16}$/);
    expect(r.user.email).toBe('new.person@example.com');
    expect(await verifyPassword(store, 'new.person@example.com', r.generatedPassword!)).not.toBeNull();
    expect(await getMembershipRole(store, 'p1', r.user.id)).toBe('viewer');
    const existing = await createUser(store, { email: 'old@example.com', password: 'old-password' });
    const again = await inviteMember(store, 'p1', 'old@example.com', 'editor');
    expect(again.generatedPassword).toBeUndefined();
    expect(await getMembershipRole(store, 'p1', existing.id)).toBe('editor');
    await expect(inviteMember(store, 'p1', 'old@example.com', 'admin')).rejects.toThrow(MemberError);
  });

  it('never leaves a project without an admin', async () => {
    const admin = await createUser(store, { email: 'only-admin@example.com', password: 'admin-password' });
    await setMembership(store, 'p1', admin.id, 'admin');
    await expect(changeMemberRole(store, 'p1', admin.id, 'viewer')).rejects.toThrow(/at least one admin/);
    await expect(removeMember(store, 'p1', admin.id)).rejects.toThrow(/at least one admin/);
    const second = await inviteMember(store, 'p1', 'second-admin@example.com', 'admin');
    await removeMember(store, 'p1', admin.id);
    expect((await listProjectMembers(store, 'p1')).map((m) => m.userId)).not.toContain(admin.id);
    await expect(removeMember(store, 'p1', second.user.id)).rejects.toThrow(/at least one admin/);
  });

  it('does not touch a user of another project', async () => {
    await ensureProject(store, 'p2', 'P2');
    const other = await createUser(store, { email: 'p2-user@example.com', password: 'p2-password' });
    await setMembership(store, 'p2', other.id, 'admin');
    await expect(changeMemberRole(store, 'p1', other.id, 'viewer')).rejects.toThrow(/no such member/);
    await expect(removeMember(store, 'p1', other.id)).rejects.toThrow(/no such member/);
    expect(await getMembershipRole(store, 'p2', other.id)).toBe('admin');
  });
});
