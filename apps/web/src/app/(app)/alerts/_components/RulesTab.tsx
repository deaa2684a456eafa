'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { Fragment } from 'react';
import { Panel, SkeletonRows } from '@/components/ui';
import { formatDateTime } from '@/lib/format';
import { useUrlParams } from '@/lib/url-state';
import { useTRPC } from '@/lib/trpc';
import type { RouterOutputs } from '@/lib/view';
import { useZone } from '@/components/TimeZoneContext';
import { describeCondition, describeQuery, STATE_BADGE, tracesHref } from './format';
import { formatMeasureValue, useMeasureUnits } from './useUnits';

type RuleView = RouterOutputs['alerts']['rules'][number];

const GROUP_HIDDEN = new Set(['alertname', 'rule_id']);

/** Rules (worst state first); a click opens the rule's instances, each with its state, value, since and a link to its traces. */
export function RulesTab({ rules, canEdit, onEdit }: { rules: RuleView[] | undefined; canEdit: boolean; onEdit: (id: string) => void }) {
  const { params, update } = useUrlParams();
  const { zone } = useZone();
  const unitOf = useMeasureUnits();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const remove = useMutation(trpc.alerts.delete.mutationOptions({ onSuccess: () => qc.invalidateQueries({ queryKey: trpc.alerts.pathKey() }) }));
  const open = params.get('rule');
  return (
    <Panel title="Rules" unit="state per instance, refreshed every 5 s" flush testId="alerts-rules">
      <table className="table">
        <thead>
          <tr>
            <th>State</th>
            <th>Rule</th>
            <th>Query</th>
            <th>Condition</th>
            <th className="num">Instances</th>
            <th className="num">Firing</th>
            {canEdit && <th />}
          </tr>
        </thead>
        <tbody>
          {rules === undefined ? (
            <SkeletonRows rows={3} cols={canEdit ? 7 : 6} />
          ) : rules.length === 0 ? (
            <tr>
              <td colSpan={7} className="empty-cell">
                No alert rules yet.{canEdit ? ' Create one: a threshold on any measure (p95 latency by model, cost by tenant, error rate, GPU utilization…), an SLO burn rate or an anomaly band.' : ''}
              </td>
            </tr>
          ) : (
            rules.map((r) => {
              const unit = r.rule.type === 'slo' ? 'burn' : unitOf(r.rule.query.measure);
              const expanded = open === r.rule.id;
              const badge = STATE_BADGE[r.state];
              return (
                <Fragment key={r.rule.id}>
                  <tr
                    className="alert-rule-row"
                    aria-expanded={expanded}
                    tabIndex={0}
                    onClick={() => update((p) => (expanded ? p.delete('rule') : p.set('rule', r.rule.id)))}
                    onKeyDown={(e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); update((p) => (expanded ? p.delete('rule') : p.set('rule', r.rule.id))); } }}
                    data-testid="alert-rule"
                    data-state={r.state}
                  >
                    <td><span className={badge.cls} data-testid="alert-rule-state">{badge.text}</span></td>
                    <td>
                      <strong>{r.rule.name}</strong>
                      {!r.rule.enabled && <span className="muted"> (disabled)</span>}
                      <div className="faint">{r.rule.type}</div>
                    </td>
                    <td className="mono">{describeQuery(r.rule)}</td>
                    <td>{describeCondition(r.rule)}</td>
                    <td className="num">{r.instances.length}</td>
                    <td className="num">{r.instances.filter((i) => i.state === 'firing').length}</td>
                    {canEdit && (
                      <td onClick={(e) => e.stopPropagation()}>
                        <button className="btn btn-ghost" onClick={() => onEdit(r.rule.id)} data-testid="alert-rule-edit">Edit</button>
                        <button className="btn btn-ghost" onClick={() => { if (window.confirm(`Delete rule ${r.rule.name}?`)) remove.mutate({ id: r.rule.id }); }}>Delete</button>
                      </td>
                    )}
                  </tr>
                  {expanded && (
                    <tr className="alert-instances">
                      <td colSpan={7} style={{ padding: 0 }}>
                        <table className="table" data-testid="alert-instances">
                          <thead>
                            <tr>
                              <th>State</th>
                              <th>Severity</th>
                              <th>Group</th>
                              <th className="num">Value{unit ? ` (${unit === 'ratio' ? '%' : unit})` : ''}</th>
                              <th>Since</th>
                              <th>Evaluated</th>
                              <th>Fingerprint</th>
                            </tr>
                          </thead>
                          <tbody>
                            {r.instances.length === 0 ? (
                              <tr><td colSpan={7} className="empty-cell">Not evaluated yet (the worker evaluates every {Math.round(r.rule.intervalMs / 1000)} s).</td></tr>
                            ) : r.instances.map((i) => {
                              const b = STATE_BADGE[i.state];
                              const group = Object.entries(i.labels).filter(([k]) => !GROUP_HIDDEN.has(k));
                              const since = i.state === 'firing' ? i.firedAt : i.state === 'pending' ? i.activeAt : i.state === 'resolved' ? i.resolvedAt : null;
                              return (
                                <tr key={i.fingerprint} data-testid="alert-instance" data-state={i.state}>
                                  <td>
                                    <span className={b.cls}>{b.text}</span>
                                    {i.silencedBy.length > 0 && <span className="badge" title={i.silencedBy.join(', ')}> silenced</span>}
                                  </td>
                                  <td>{i.state === 'firing' || i.state === 'pending' ? (i.severity ?? '') : ''}</td>
                                  <td>
                                    <span className="alert-labels">
                                      {group.length === 0 ? <span className="faint">(all)</span> : group.map(([k, v]) => <span key={k} className="alert-label">{k}={v || '""'}</span>)}
                                    </span>
                                    {i.error && <div className="error-text">{i.error}</div>}
                                  </td>
                                  <td className="num">
                                    <Link href={tracesHref(r.rule, i.group, i.evaluatedAt)} title="traces behind this value">
                                      {r.rule.type === 'slo' ? formatMeasureValue(i.value, 'burn') : formatMeasureValue(i.value, unit)}
                                    </Link>
                                  </td>
                                  <td>{since ? formatDateTime(since, zone) : ''}</td>
                                  <td>{formatDateTime(i.evaluatedAt, zone)}</td>
                                  <td className="mono faint">{i.fingerprint}</td>
                                </tr>
                              );
                            })}
                          </tbody>
                        </table>
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })
          )}
        </tbody>
      </table>
    </Panel>
  );
}
