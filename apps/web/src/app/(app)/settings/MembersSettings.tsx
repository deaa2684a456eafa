'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { CopyButton } from '@/components/trace/CopyButton';
import { ErrorBox, Panel, SkeletonRows } from '@/components/ui';
import { useTRPC } from '@/lib/trpc';
import { ContentSettings } from './ContentSettings';
import type { ProjectRole } from '@plumb/store';
import styles from './settings.module.css';

const ROLES: { role: ProjectRole; hint: string }[] = [
  { role: 'viewer', hint: 'reads everything in the project' },
  { role: 'editor', hint: 'also changes prices, budgets, monitors, rules' },
  { role: 'admin', hint: 'also manages members and API keys' },
];

/** Switches the project the dashboard serves (the plumb_project cookie the server checks against memberships). */
function switchProject(id: string) {
  document.cookie = `plumb_project=${encodeURIComponent(id)}; Path=/; SameSite=Lax; Max-Age=31536000`;
  window.location.reload();
}

/** Settings → Projects (the caller's projects and role in each) and Members of the current project. */
export function MembersSettings() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const projects = useQuery(trpc.members.projects.queryOptions());
  const members = useQuery(trpc.members.list.queryOptions());
  const listKey = trpc.members.list.queryKey();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: listKey });
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<ProjectRole>('viewer');
  const [invited, setInvited] = useState<{ email: string; password: string | null } | null>(null);
  const emailId = useId();
  const roleId = useId();
  const invite = useMutation(
    trpc.members.invite.mutationOptions({
      onSuccess: (r) => {
        setInvited({ email: r.email, password: r.generatedPassword });
        setEmail('');
        refresh();
      },
    }),
  );
  const setMemberRole = useMutation(trpc.members.setRole.mutationOptions({ onSettled: refresh }));
  const remove = useMutation(trpc.members.remove.mutationOptions({ onSettled: refresh }));
  const isAdmin = members.data?.role === 'admin';
  const current = members.data?.projectId;

  function onInvite(e: FormEvent) {
    e.preventDefault();
    if (email.trim()) invite.mutate({ email: email.trim(), role });
  }

  const mutationError = invite.error ?? setMemberRole.error ?? remove.error;
  return (
    <>
      <Panel title="Projects" unit={projects.data ? `${projects.data.length} you belong to` : undefined} flush testId="projects-table">
        {projects.error ? (
          <ErrorBox error={projects.error} what="projects" />
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>Project</th>
                <th>Id</th>
                <th>Your role</th>
                <th className={styles.actions}>
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {projects.isPending ? (
                <SkeletonRows rows={2} cols={4} />
              ) : (
                (projects.data ?? []).map((p) => (
                  <tr key={p.id} data-testid="project-row">
                    <td className={styles.name}>{p.name}</td>
                    <td className={styles.prefix}>{p.id}</td>
                    <td>
                      <span className="badge">{p.role}</span>
                    </td>
                    <td className={styles.actions}>
                      {p.id === current ? (
                        <span className="muted">current</span>
                      ) : (
                        <button type="button" className="btn btn-ghost" onClick={() => switchProject(p.id)}>
                          Switch to {p.name}
                        </button>
                      )}
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        )}
      </Panel>

      {isAdmin && (
        <Panel title="Invite a member" testId="invite-member">
          <form className={styles.form} onSubmit={onInvite} aria-label="Invite a member">
            <div className="field">
              <label htmlFor={emailId}>Email</label>
              <input id={emailId} className={`input ${styles.nameInput}`} type="email" value={email} maxLength={254} placeholder="name@example.com" onChange={(e) => setEmail(e.target.value)} required />
            </div>
            <div className="field">
              <label htmlFor={roleId}>Role</label>
              <select id={roleId} className="input" value={role} title={ROLES.find((r) => r.role === role)?.hint} onChange={(e) => setRole(e.target.value as ProjectRole)}>
                {ROLES.map((r) => (
                  <option key={r.role} value={r.role} title={r.hint}>
                    {r.role}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit" className="btn btn-primary" disabled={invite.isPending || !email.trim()}>
              {invite.isPending ? 'Inviting…' : 'Invite'}
            </button>
            <span className={styles.scopeHint}>{ROLES.find((r) => r.role === role)?.hint}</span>
          </form>
        </Panel>
      )}

      {invited && (
        <div className="banner" role="status" data-testid="invited">
          <div style={{ flex: 1, display: 'flex', flexDirection: 'column', gap: 6 }}>
            <div className="banner-title">{invited.email} is now a member</div>
            {invited.password ? (
              <div className={styles.secret}>
                <span>New account — first password (shown once; they sign in with it):</span>
                <code tabIndex={0} data-testid="invited-password" aria-label="First password">
                  {invited.password}
                </code>
                <CopyButton text={invited.password} label="Copy the password" />
              </div>
            ) : (
              <span className="muted">They already had an account: they see this project at their next page load.</span>
            )}
            <div>
              <button type="button" className="btn" onClick={() => setInvited(null)}>
                Done
              </button>
            </div>
          </div>
        </div>
      )}

      <Panel title="Members" unit={members.data ? `${members.data.members.length} in ${current}` : undefined} flush testId="members-table">
        {members.error ? (
          <ErrorBox error={members.error} what="members" />
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>Email</th>
                <th>Role</th>
                <th>Member since (UTC)</th>
                <th className={styles.actions}>
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {members.isPending ? (
                <SkeletonRows rows={3} cols={4} />
              ) : (members.data?.members ?? []).length === 0 ? (
                <tr>
                  <td colSpan={4} className="empty-cell">
                    No members.
                  </td>
                </tr>
              ) : (
                members.data!.members.map((m) => (
                  <tr key={m.userId} data-testid="member-row">
                    <td className={styles.name}>{m.email}</td>
                    <td>
                      {isAdmin ? (
                        <select
                          className="input"
                          aria-label={`Role of ${m.email}`}
                          value={m.role}
                          disabled={setMemberRole.isPending}
                          onChange={(e) => setMemberRole.mutate({ userId: m.userId, role: e.target.value as ProjectRole })}
                        >
                          {ROLES.map((r) => (
                            <option key={r.role} value={r.role}>
                              {r.role}
                            </option>
                          ))}
                        </select>
                      ) : (
                        <span className="badge">{m.role}</span>
                      )}
                    </td>
                    <td className={styles.created}>{m.createdAt.slice(0, 16)}</td>
                    <td className={styles.actions}>
                      {isAdmin && (
                        <button type="button" className="btn btn-ghost" aria-label={`Remove ${m.email}`} disabled={remove.isPending} onClick={() => remove.mutate({ userId: m.userId })}>
                          Remove
                        </button>
                      )}
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        )}
      </Panel>
      {mutationError && (
        <div className="banner is-error" role="alert">
          {mutationError.message}
        </div>
      )}
      {members.data && <ContentSettings isAdmin={isAdmin} />}
    </>
  );
}
