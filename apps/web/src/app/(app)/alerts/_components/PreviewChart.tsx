'use client';
import { Area, CartesianGrid, ComposedChart, Legend, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatAxisTime, formatDateTime } from '@/lib/format';
import { useZone } from '@/components/TimeZoneContext';
import type { RouterOutputs } from '@/lib/view';
import { formatMeasureValue } from './useUnits';

type Preview = RouterOutputs['alerts']['preview'];
const COLORS = ['var(--chart-1)', 'var(--chart-2)', 'var(--chart-3)', 'var(--chart-4)', 'var(--chart-5)'];

/** The rule's query over the last day, one line per group (top 5), its thresholds as lines and an anomaly band when there is one. */
export function PreviewChart({ preview, unit }: { preview: Preview; unit: string | undefined }) {
  const { zone, label: zoneText } = useZone();
  const names = preview.series.map((s) => Object.values(s.group).map((v) => v || '(none)').join(' · ') || 'all');
  const rows = new Map<number, Record<string, number | null | [number, number]>>();
  preview.series.forEach((s, i) => {
    for (const p of s.points) {
      const row = rows.get(p.t) ?? { t: p.t };
      row[`s${i}`] = p.value;
      if (i === 0 && p.low !== undefined && p.high !== undefined) row.band = [p.low, p.high];
      rows.set(p.t, row);
    }
  });
  const data = [...rows.values()].sort((a, b) => (a.t as number) - (b.t as number));
  const fromMs = (data[0]?.t as number | undefined) ?? Date.now() - 86_400_000;
  const toMs = ((data[data.length - 1]?.t as number | undefined) ?? Date.now()) + preview.bucketMs;
  const u = preview.unit === 'burn rate (×)' ? 'burn' : unit;
  const fmt = (v: number) => formatMeasureValue(v, u);
  const hasBand = data.some((r) => r.band !== undefined);
  return (
    <div className="chart" style={{ height: 220 }} data-testid="alert-preview-chart">
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={data} margin={{ top: 18, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid vertical={false} strokeDasharray="2 3" />
          <XAxis
            dataKey="t" type="number" scale="time" domain={[fromMs, toMs]} tickFormatter={(v: number) => formatAxisTime(v, toMs - fromMs, zone)}
            label={{ value: zoneText, position: 'insideBottomRight', offset: 1, style: { fill: 'var(--text-faint)', fontSize: 10 } }}
            height={34} tickLine={false} axisLine={{ stroke: 'var(--border-strong)' }} minTickGap={40}
          />
          <YAxis
            tickFormatter={fmt} tickLine={false} axisLine={false} width={64}
            domain={[0, (max: number) => Math.max(max, ...preview.lines.map((l) => l.value * 1.1))]}
            label={{ value: preview.label, position: 'top', offset: 8, style: { fill: 'var(--text-faint)', fontSize: 10 } }}
          />
          <Tooltip
            isAnimationActive={false}
            labelFormatter={(v) => formatDateTime(Number(v), zone)}
            formatter={(v, name) => [Array.isArray(v) ? `${fmt(Number(v[0]))} – ${fmt(Number(v[1]))}` : fmt(Number(v)), String(name)]}
            contentStyle={{ background: 'var(--bg-raised)', border: '1px solid var(--border-strong)', fontSize: 12 }}
          />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          {hasBand && <Area dataKey="band" name={`expected band (${names[0]})`} stroke="none" fill="var(--chart-1)" fillOpacity={0.15} isAnimationActive={false} />}
          {preview.series.map((_, i) => (
            <Line key={i} dataKey={`s${i}`} name={names[i]} stroke={COLORS[i % COLORS.length]} dot={false} strokeWidth={1.5} connectNulls={false} isAnimationActive={false} />
          ))}
          {preview.lines.map((l) => (
            <ReferenceLine key={l.label} y={l.value} stroke={l.severity === 'critical' ? 'var(--error)' : 'var(--warn)'} strokeDasharray="5 3"
              label={{ value: l.label, position: 'insideTopRight', fill: l.severity === 'critical' ? 'var(--error)' : 'var(--warn)', fontSize: 10 }} />
          ))}
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
