'use client';
import './drift.css';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorBox, Panel, Skeleton } from '@/components/ui';
import { useUrlParams } from '@/lib/url-state';
import { useTRPC } from '@/lib/trpc';
import { describeFeature, describeScore, severityBadge } from './format';
import { MonitorDetail } from './MonitorDetail';
import { MonitorForm } from './MonitorForm';

/** The Drift page: monitors (flagged first) on the left, the selected one (?monitor=) on the right. */
export function DriftView() {
  const trpc = useTRPC();
  const list = useQuery(trpc.drift.list.queryOptions());
  const me = useQuery(trpc.auth.me.queryOptions());
  const { params, update } = useUrlParams();
  const [creating, setCreating] = useState(false);
  const monitors = list.data?.monitors ?? [];
  const selected = params.get('monitor') ?? monitors[0]?.monitor.id ?? null;
  const canEdit = me.data?.role === 'editor' || me.data?.role === 'admin';
  const flagged = monitors.filter((m) => m.latest?.result.flagged).length;
  return (
    <>
      <div className="page-header">
        <h1>Drift</h1>
        {list.data && (
          <span className="muted" data-testid="drift-summary">
            {monitors.length} monitor{monitors.length === 1 ? '' : 's'} · {flagged} flagged
          </span>
        )}
        <span className="spacer" />
        {canEdit && !creating && (
          <button className="btn btn-primary" onClick={() => setCreating(true)} data-testid="drift-new">
            New monitor
          </button>
        )}
      </div>
      {creating && <MonitorForm onCancel={() => setCreating(false)} onCreated={(id) => { setCreating(false); update((p) => p.set('monitor', id)); }} />}
      {list.isError ? (
        <ErrorBox error={list.error} what="drift monitors" />
      ) : (
        <div className="drift-layout">
          <Panel title="Monitors" unit="latest evaluation" flush>
            <div className="monitor-list" data-testid="drift-monitors" role="list">
              {list.isPending ? (
                <div style={{ padding: 10 }}>
                  <Skeleton height={40} />
                </div>
              ) : monitors.length === 0 ? (
                <div className="empty" style={{ padding: 12 }}>
                  No drift monitors yet.{canEdit ? ' Create one to compare a feature (output length, finish reason, a score…) between a reference and the last day.' : ''}
                </div>
              ) : (
                monitors.map(({ monitor, latest }) => {
                  const b = severityBadge(latest?.result.severity);
                  return (
                    <button
                      key={monitor.id}
                      role="listitem"
                      aria-current={monitor.id === selected ? 'true' : undefined}
                      onClick={() => update((p) => p.set('monitor', monitor.id))}
                      data-testid="drift-monitor"
                      data-flagged={latest?.result.flagged ? 'true' : 'false'}
                    >
                      <div className="line">
                        <span className={b.cls}>{b.text}</span>
                        <strong>{monitor.name}</strong>
                      </div>
                      <div className="sub">{describeFeature(monitor)}</div>
                      {latest && <div className="sub">{describeScore(latest.result)}</div>}
                    </button>
                  );
                })
              )}
            </div>
          </Panel>
          <div>{selected ? <MonitorDetail key={selected} id={selected} canEdit={canEdit} /> : list.isPending ? <Skeleton height={200} /> : null}</div>
        </div>
      )}
    </>
  );
}
