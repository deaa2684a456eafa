'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { isTRPCClientError } from '@trpc/client';
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { ErrorBox, Panel, SkeletonRows } from '@/components/ui';
import { CopyButton } from '@/components/trace/CopyButton';
import { useTRPC } from '@/lib/trpc';
import type { Scope } from '@plumb/store';
import styles from './settings.module.css';

const SCOPES: { scope: Scope; label: string; hint: string }[] = [
  { scope: 'read', label: 'read', hint: 'REST read API' },
  { scope: 'write', label: 'write', hint: 'REST changes (keys)' },
  { scope: 'ingest', label: 'ingest', hint: 'send spans (OTLP)' },
];

function formatCreated(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

/**
 * Settings → API keys of the current project (admins only; the server enforces it). A key's
 * secret is shown once, right after creation; afterwards it is known by its prefix.
 */
export function KeysSettings() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useQuery(trpc.keys.list.queryOptions());
  const keysQueryKey = trpc.keys.list.queryKey();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Set<Scope>>(() => new Set<Scope>(['read']));
  const [created, setCreated] = useState<{ key: string; name: string; endedOpenIngest: boolean } | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const nameId = useId();
  const secretRef = useRef<HTMLElement>(null);

  const create = useMutation(trpc.keys.create.mutationOptions({
    onSuccess: (res) => {
      setCreated({ key: res.key, name: res.info.name, endedOpenIngest: res.endedOpenIngest });
      setName('');
      void queryClient.invalidateQueries({ queryKey: keysQueryKey });
    },
  }));
  const revoke = useMutation(trpc.keys.revoke.mutationOptions({
    onSettled: () => {
      setConfirming(null);
      void queryClient.invalidateQueries({ queryKey: keysQueryKey });
    },
  }));

  // The new secret takes focus so it can be copied straight away (keyboard users included).
  useEffect(() => {
    if (created) secretRef.current?.focus();
  }, [created]);

  const forbidden = isTRPCClientError(keys.error) && keys.error.data?.code === 'FORBIDDEN';
  const firstIngest = scopes.has('ingest') && keys.data?.openIngest === true;

  function toggle(scope: Scope) {
    setScopes((prev) => {
      const next = new Set(prev);
      if (next.has(scope)) next.delete(scope);
      else next.add(scope);
      return next;
    });
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!name.trim() || scopes.size === 0) return;
    create.mutate({ name: name.trim(), scopes: SCOPES.map((s) => s.scope).filter((s) => scopes.has(s)) });
  }

  function onTableKey(e: KeyboardEvent) {
    if (e.key === 'Escape') setConfirming(null);
  }

  if (forbidden) {
    return (
      <div className="banner" role="status" data-testid="keys-forbidden">
        Only admins of this project manage API keys. Ask an admin for a read key.
      </div>
    );
  }

  const rows = keys.data?.keys ?? [];
  return (
    <>
      <Panel title="Create an API key" testId="create-key">
        <form className={styles.form} onSubmit={onSubmit} aria-label="Create an API key">
          <div className="field">
            <label htmlFor={nameId}>Name</label>
            <input
              id={nameId}
              className={`input ${styles.nameInput}`}
              value={name}
              maxLength={100}
              placeholder="e.g. grafana, ci, checkout-service"
              onChange={(e) => setName(e.target.value)}
              required
            />
          </div>
          <fieldset className={styles.scopes}>
            <legend>Scopes</legend>
            {SCOPES.map((s) => (
              <label key={s.scope} className={styles.scope} title={s.hint}>
                <input type="checkbox" name="scope" value={s.scope} checked={scopes.has(s.scope)} onChange={() => toggle(s.scope)} />
                <span>{s.label}</span>
                <span className={styles.scopeHint}>{s.hint}</span>
              </label>
            ))}
          </fieldset>
          <button type="submit" className="btn btn-primary" disabled={create.isPending || !name.trim() || scopes.size === 0}>
            {create.isPending ? 'Creating…' : 'Create key'}
          </button>
        </form>
        {firstIngest && (
          <div className="banner is-warn" role="note" style={{ marginTop: 8 }} data-testid="first-ingest-warning">
            <div>
              <div className="banner-title">This is the first ingest key</div>
              Until now the collector accepts spans without a key from this machine (loopback). Once this key exists it
              requires a key from everyone: give it to your exporters first
              (<code>OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20&lt;key&gt;</code>). Read and write keys do not change this.
            </div>
          </div>
        )}
        {create.error && (
          <div className="banner is-error" role="alert" style={{ marginTop: 8 }}>
            {create.error.message}
          </div>
        )}
        <p className={styles.help}>
          A read key is all a script or a new teammate needs for the REST API (<code>Authorization: Bearer &lt;key&gt;</code>);
          keys work at once, no restart.
        </p>
      </Panel>

      {created && (
        <div className="banner" role="status" data-testid="new-key">
          <div style={{ flex: 1, display: 'flex', flexDirection: 'column', gap: 6 }}>
            <div className="banner-title">Key “{created.name}” created — copy it now, it is shown only once</div>
            <div className={styles.secret}>
              <code ref={secretRef} tabIndex={0} data-testid="new-key-secret" aria-label="New API key">
                {created.key}
              </code>
              <CopyButton text={created.key} label="Copy the key" />
              <button type="button" className="btn" onClick={() => setCreated(null)}>
                Done
              </button>
            </div>
            <span className="muted">Plumb stores only a hash of it.{created.endedOpenIngest ? ' The collector now requires an ingest key.' : ''}</span>
          </div>
        </div>
      )}

      <Panel title="API keys" unit={keys.data ? `${rows.filter((k) => !k.revoked).length} active` : undefined} flush testId="keys-table">
        {keys.error ? (
          <ErrorBox error={keys.error} what="API keys" />
        ) : (
          <div className="table-wrap" onKeyDown={onTableKey}>
            <table className="table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Key</th>
                  <th>Scopes</th>
                  <th>Created</th>
                  <th>Status</th>
                  <th className={styles.actions}>
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.isPending ? (
                  <SkeletonRows rows={3} cols={6} />
                ) : rows.length === 0 ? (
                  <tr>
                    <td colSpan={6} className="empty-cell">
                      No API keys yet.
                    </td>
                  </tr>
                ) : (
                  rows.map((k) => (
                    <tr key={k.id} className={k.revoked ? styles.revoked : undefined} data-testid="key-row">
                      <td>
                        <span className={styles.name}>{k.name}</span>
                      </td>
                      <td className={styles.prefix}>{k.keyPrefix}…</td>
                      <td>
                        {k.scopes.map((s) => (
                          <span key={s} className="badge" style={{ marginRight: 4 }}>
                            {s}
                          </span>
                        ))}
                      </td>
                      <td className={styles.created}>{formatCreated(k.createdAt)}</td>
                      <td>{k.revoked ? <span className="badge is-error">revoked</span> : <span className="badge is-ok">active</span>}</td>
                      <td className={styles.actions}>
                        {!k.revoked &&
                          (confirming === k.id ? (
                            <>
                              <button
                                type="button"
                                className={`btn ${styles.danger}`}
                                autoFocus
                                disabled={revoke.isPending}
                                onClick={() => revoke.mutate({ id: k.id })}
                              >
                                Revoke “{k.name}”
                              </button>{' '}
                              <button type="button" className="btn btn-ghost" onClick={() => setConfirming(null)}>
                                Cancel
                              </button>
                            </>
                          ) : (
                            <button type="button" className="btn btn-ghost" onClick={() => setConfirming(k.id)} aria-label={`Revoke ${k.name}`}>
                              Revoke
                            </button>
                          ))}
                      </td>
                    </tr>
                  ))
                )}
              </tbody>
            </table>
          </div>
        )}
      </Panel>
      {revoke.error && (
        <div className="banner is-error" role="alert">
          {revoke.error.message}
        </div>
      )}
    </>
  );
}
