'use client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorBox, Panel, SkeletonRows } from '@/components/ui';
import { formatCount, formatPercent } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';

const DAY = 86_400_000;

/**
 * Delayed ground truth: accuracy and macro precision / recall / F1 per served model over the
 * window, from labels (POST /api/v1/labels) against the predicted-label span attribute.
 */
export function LabelsPanel({ fromMs, toMs }: { fromMs: number; toMs: number }) {
  const trpc = useTRPC();
  const [labelName, setLabelName] = useState('label');
  const [attr, setAttr] = useState('prediction.label');
  // One bucket for the whole window (intervals are capped at 366 days).
  const interval = Math.min(366 * DAY, Math.max(1000, Math.ceil((toMs - fromMs) / 1000) * 1000));
  const q = useQuery({
    ...trpc.quality.classification.queryOptions({ from: fromMs, to: toMs, labelName: labelName || 'label', predictedAttribute: attr || 'prediction.label', interval }),
    placeholderData: keepPreviousData,
  });
  const byVersion = new Map<string, { n: number; accuracy: number | null; precision: number | null; recall: number | null; f1: number | null }>();
  for (const p of q.data?.points ?? []) if (!byVersion.has(p.version) || (byVersion.get(p.version)!.n < p.n)) byVersion.set(p.version, p);
  return (
    <Panel
      title="Delayed labels"
      unit="per served model, by prediction time"
      flush
      testId="quality-labels"
      actions={
        <span style={{ display: 'flex', gap: 6 }}>
          <input className="input" aria-label="Label set" value={labelName} onChange={(e) => setLabelName(e.target.value)} style={{ width: 110 }} />
          <input className="input" aria-label="Predicted-label attribute" value={attr} onChange={(e) => setAttr(e.target.value)} style={{ width: 160 }} />
        </span>
      }
    >
      {q.isError ? (
        <ErrorBox error={q.error} what="label metrics" />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>Served model</th>
                <th className="num">Labelled predictions</th>
                <th className="num">Accuracy</th>
                <th className="num">Precision (macro)</th>
                <th className="num">Recall (macro)</th>
                <th className="num">F1 (macro)</th>
              </tr>
            </thead>
            <tbody>
              {q.isPending ? (
                <SkeletonRows rows={2} cols={6} />
              ) : byVersion.size === 0 ? (
                <tr>
                  <td colSpan={6} className="empty-cell">
                    No labelled predictions in this window: send true labels with POST /api/v1/labels (label set “{labelName}”) for spans carrying the attribute “{attr}”.
                  </td>
                </tr>
              ) : (
                [...byVersion.entries()].map(([v, m]) => (
                  <tr key={v}>
                    <td>{v || <span className="faint">(no model)</span>}</td>
                    <td className="num">{formatCount(m.n)}</td>
                    <td className="num">{formatPercent(m.accuracy)}</td>
                    <td className="num">{formatPercent(m.precision)}</td>
                    <td className="num">{formatPercent(m.recall)}</td>
                    <td className="num">{formatPercent(m.f1)}</td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}
