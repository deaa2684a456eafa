'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useZone } from '@/components/TimeZoneContext';
import { ErrorBox, Panel, Skeleton } from '@/components/ui';
import { formatDateTime } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import styles from './settings.module.css';

/**
 * Settings → Data retention of the current project. Every member sees it; project admins change
 * it (the server enforces the role). The instance retention (PLUMB_RETENTION_DAYS) is the default
 * and the upper bound; a shorter setting is applied by the worker's retention job within 15 min.
 */
export function RetentionSettings() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { zone } = useZone();
  const retention = useQuery(trpc.retention.get.queryOptions());
  const [draft, setDraft] = useState('');
  const inputId = useId();
  const set = useMutation(
    trpc.retention.set.mutationOptions({
      onSuccess: (data) => {
        setDraft('');
        queryClient.setQueryData(trpc.retention.get.queryKey(), data);
      },
    }),
  );

  const r = retention.data;
  const days = draft === '' ? NaN : Number(draft);
  const valid = Number.isInteger(days) && days >= 1 && r !== undefined && days <= r.instanceDays;

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (valid) set.mutate({ days });
  }

  return (
    <Panel title="Data retention" unit="days" testId="retention">
      {/* Not SkeletonRows: table rows outside a table break hydration (React #418). */}
      {retention.isPending && (
        <div className={styles.retention} aria-busy="true">
          <Skeleton width="70%" height={12} />
          <Skeleton width="30%" height={12} />
        </div>
      )}
      {retention.error && <ErrorBox error={retention.error} what="retention" />}
      {r && (
        <div className={styles.retention}>
          <p className={styles.retentionNow} data-testid="retention-current">
            This project keeps spans and metric points for <strong>{r.days} days</strong>
            {r.isDefault ? ' (the instance default)' : ''}.
            <span className="muted">
              {' '}Instance retention: {r.instanceDays} days (PLUMB_RETENTION_DAYS), the maximum for any project. Hourly rollups keep
              their own, longer retention.
            </span>
          </p>
          {r.updatedAt && (
            <p className={`muted ${styles.retentionNow}`}>
              Set by {r.updatedBy || 'unknown'} on {formatDateTime(Date.parse(r.updatedAt), zone)}.
            </p>
          )}
          {r.canEdit ? (
            <form className={styles.form} onSubmit={onSubmit} aria-label="Change data retention">
              <div className="field">
                <label htmlFor={inputId}>Keep for (days)</label>
                <input
                  id={inputId}
                  className={`input ${styles.daysInput}`}
                  type="number"
                  inputMode="numeric"
                  min={1}
                  max={r.instanceDays}
                  step={1}
                  placeholder={String(r.days)}
                  value={draft}
                  onChange={(e) => setDraft(e.target.value)}
                  aria-describedby={`${inputId}-hint`}
                />
              </div>
              <button type="submit" className="btn btn-primary" disabled={!valid || set.isPending}>
                {set.isPending ? 'Saving…' : 'Save'}
              </button>
              {!r.isDefault && (
                <button type="button" className="btn" disabled={set.isPending} onClick={() => set.mutate({ days: null })}>
                  Use instance default ({r.instanceDays} days)
                </button>
              )}
              <span id={`${inputId}-hint`} className="muted">
                {draft !== '' && !valid ? `Whole days from 1 to ${r.instanceDays}.` : 'Older data is deleted within 15 minutes of a shorter setting.'}
              </span>
            </form>
          ) : (
            <p className={`muted ${styles.retentionNow}`} data-testid="retention-readonly">Only admins of this project change its retention.</p>
          )}
          {set.error && <div className="error-box" role="alert">{set.error.message}</div>}
        </div>
      )}
    </Panel>
  );
}
