'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { ErrorBox, Panel, Skeleton } from '@/components/ui';
import { useTRPC } from '@/lib/trpc';
import type { CaptureMode } from '@plumb/store';
import styles from './settings.module.css';

const lines = (s: string) => s.split('\n').map((x) => x.trim()).filter(Boolean);

/**
 * Settings → Content controls: what the collector keeps of prompts, completions and attributes
 * in this project. Applied before anything is written (the WAL included); admins edit, every
 * member sees what is redacted.
 */
export function ContentSettings({ isAdmin }: { isAdmin: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const q = useQuery(trpc.content.get.queryOptions());
  const [capture, setCapture] = useState<CaptureMode>('keep');
  const [captureMaxBytes, setCaptureMaxBytes] = useState(2048);
  const [keys, setKeys] = useState('');
  const [patterns, setPatterns] = useState('');
  const [maxValueBytes, setMaxValueBytes] = useState(0);
  const [maxSpanBytes, setMaxSpanBytes] = useState(0);
  const ids = { capture: useId(), cmb: useId(), keys: useId(), patterns: useId(), mvb: useId(), msb: useId() };
  const save = useMutation(trpc.content.save.mutationOptions({ onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.content.get.queryKey() }) }));

  useEffect(() => {
    const s = q.data?.settings;
    if (!s) return;
    setCapture(s.capture);
    setCaptureMaxBytes(s.captureMaxBytes || 2048);
    setKeys(s.redactKeys.join('\n'));
    setPatterns(s.redactPatterns.join('\n'));
    setMaxValueBytes(s.maxValueBytes);
    setMaxSpanBytes(s.maxSpanBytes);
  }, [q.data]);

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    save.mutate({ capture, captureMaxBytes: capture === 'truncate' ? captureMaxBytes : 0, redactKeys: lines(keys), redactPatterns: lines(patterns), maxValueBytes, maxSpanBytes });
  }

  return (
    <Panel title="Content controls" unit={q.data?.updatedAt ? `changed ${q.data.updatedAt.slice(0, 16).replace('T', ' ')} UTC` : 'defaults: everything kept'} testId="content-controls">
      {q.error ? (
        <ErrorBox error={q.error} what="content controls" />
      ) : q.isPending ? (
        <Skeleton height={120} />
      ) : (
        <form className={styles.contentForm} onSubmit={onSubmit} aria-label="Content controls">
          <fieldset disabled={!isAdmin || save.isPending} className={styles.contentGrid}>
            <div className="field">
              <label htmlFor={ids.capture}>Prompts and completions</label>
              <select id={ids.capture} className="input" value={capture} onChange={(e) => setCapture(e.target.value as CaptureMode)}>
                <option value="keep">kept whole</option>
                <option value="truncate">truncated</option>
                <option value="off">not captured</option>
              </select>
            </div>
            <div className="field">
              <label htmlFor={ids.cmb}>Keep at most (bytes)</label>
              <input id={ids.cmb} className="input" type="number" min={1} value={captureMaxBytes} disabled={capture !== 'truncate'} onChange={(e) => setCaptureMaxBytes(Number(e.target.value))} />
            </div>
            <div className="field">
              <label htmlFor={ids.mvb}>Attribute value limit (bytes, 0 = none)</label>
              <input id={ids.mvb} className="input" type="number" min={0} value={maxValueBytes} onChange={(e) => setMaxValueBytes(Number(e.target.value))} />
            </div>
            <div className="field">
              <label htmlFor={ids.msb}>Span content limit (bytes, 0 = none)</label>
              <input id={ids.msb} className="input" type="number" min={0} value={maxSpanBytes} onChange={(e) => setMaxSpanBytes(Number(e.target.value))} />
            </div>
            <div className="field">
              <label htmlFor={ids.keys}>Redacted attribute keys (one per line; prefix.* allowed)</label>
              <textarea id={ids.keys} className="input" rows={3} value={keys} placeholder={'user.password\nhttp.request.header.authorization\nsecret.*'} onChange={(e) => setKeys(e.target.value)} />
            </div>
            <div className="field">
              <label htmlFor={ids.patterns}>Redaction patterns ({q.data?.builtinPatterns.join(', ')} or a regex; one per line)</label>
              <textarea id={ids.patterns} className="input" rows={3} value={patterns} placeholder={'email\napi_key\ncard'} onChange={(e) => setPatterns(e.target.value)} />
            </div>
          </fieldset>
          {isAdmin ? (
            <div className={styles.contentActions}>
              <button type="submit" className="btn btn-primary" disabled={save.isPending}>
                {save.isPending ? 'Saving…' : 'Save content controls'}
              </button>
              {save.isSuccess && <span className="muted" role="status">Saved — collectors apply it within 5 s, to spans received from then on.</span>}
              {save.error && (
                <span className="banner is-error" role="alert">
                  {save.error.message}
                </span>
              )}
            </div>
          ) : (
            <p className={styles.help}>Only admins of this project change content controls.</p>
          )}
          <p className={styles.help}>
            Applied by the collector before anything is written, the write-ahead log included: redacted values never reach the disk. Spans
            that were changed carry <code>plumb.redacted_values</code>, <code>plumb.truncated_values</code> or <code>plumb.dropped_values</code> (counts) in their span detail.
          </p>
        </form>
      )}
    </Panel>
  );
}
