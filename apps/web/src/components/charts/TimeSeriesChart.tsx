'use client';
import { hasIsolatedPoint } from '@/lib/series';
import { Area, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis, Bar } from 'recharts';
import { formatAxisTime, formatDateTime } from '@/lib/format';
import { useZone } from '../TimeZoneContext';

export interface SeriesDef<K extends string> {
  key: K;
  label: string;
  color: string;
  kind?: 'line' | 'area' | 'bar';
  /** Stack id for stacked areas/bars. */
  stack?: string;
}

/**
 * A time-series panel body: x = bucket start (epoch ms), y formatted with `format` and labelled
 * with `unit` so every axis says what it measures.
 */
export function TimeSeriesChart<K extends string>({
  data,
  series,
  format,
  formatTooltip = format,
  unit,
  fromMs,
  toMs,
  height = 190,
  onSelectTime,
}: {
  data: ({ t: number } & Partial<Record<K, number | null>>)[];
  series: SeriesDef<K>[];
  format: (v: number) => string;
  /** Tooltip text of a value (default `format`); gets the whole bucket row for context. */
  formatTooltip?: (v: number, row: Readonly<Record<string, unknown>>) => string;
  unit: string;
  fromMs: number;
  toMs: number;
  height?: number;
  /** Click on the chart: the bucket start that was clicked. */
  onSelectTime?: (t: number) => void;
}) {
  const span = toMs - fromMs;
  const { zone, label: zoneText } = useZone();
  return (
    <div className="chart" style={{ height }}>
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart
          data={data}
          margin={{ top: 18, right: 8, bottom: 0, left: 0 }}
          onClick={(state) => {
            const label = state?.activeLabel;
            if (onSelectTime && label !== undefined) onSelectTime(Number(label));
          }}
        >
          <CartesianGrid vertical={false} strokeDasharray="2 3" />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={[fromMs, toMs]}
            tickFormatter={(v: number) => formatAxisTime(v, span, zone)}
            label={{ value: zoneText, position: 'insideBottomRight', offset: 1, style: { fill: 'var(--text-faint)', fontSize: 10 } }}
            height={34}
            tickLine={false}
            axisLine={{ stroke: 'var(--border-strong)' }}
            minTickGap={40}
          />
          <YAxis
            tickFormatter={(v: number) => format(v)}
            tickLine={false}
            axisLine={false}
            width={60}
            label={{ value: unit, position: 'top', offset: 8, style: { fill: 'var(--text-faint)', fontSize: 10 } }}
          />
          <Tooltip
            cursor={{ stroke: 'var(--text-faint)', strokeDasharray: '3 3', fill: 'var(--bg-hover)', fillOpacity: 0.4 }}
            isAnimationActive={false}
            content={({ active, payload, label }) =>
              active && payload && payload.length > 0 ? (
                <div className="chart-tooltip">
                  <div className="muted" style={{ marginBottom: 2 }}>
                    {formatDateTime(Number(label), zone)}
                  </div>
                  {payload.map((p) => (
                    <div className="row" key={String(p.dataKey)}>
                      <span className="name">
                        <span className="dot" style={{ background: String(p.color) }} />
                        {p.name}
                      </span>
                      <span>{p.value === null || p.value === undefined ? '—' : formatTooltip(Number(p.value), (p.payload ?? {}) as Record<string, unknown>)}</span>
                    </div>
                  ))}
                </div>
              ) : null
            }
          />
          {/* Clear of the y axis unit label (top left, over the 60 px axis). */}
          {series.length > 1 && <Legend verticalAlign="top" align="right" height={18} iconSize={8} iconType="square" wrapperStyle={{ paddingLeft: 64 }} />}
          {series.map((s) =>
            s.kind === 'bar' ? (
              <Bar key={s.key} dataKey={s.key} name={s.label} fill={s.color} stackId={s.stack} isAnimationActive={false} maxBarSize={14} />
            ) : s.kind === 'area' ? (
              <Area
                key={s.key}
                dataKey={s.key}
                name={s.label}
                stroke={s.color}
                fill={s.color}
                fillOpacity={0.18}
                stackId={s.stack}
                type="monotone"
                dot={false}
                strokeWidth={1.5}
                isAnimationActive={false}
                connectNulls={false}
              />
            ) : (
              <Line
                key={s.key}
                dataKey={s.key}
                name={s.label}
                stroke={s.color}
                type="monotone"
                // A point between two empty buckets draws no line: give such series dots.
                dot={hasIsolatedPoint(data, s.key) ? { r: 2.5, fill: s.color, strokeWidth: 0 } : false}
                strokeWidth={1.5}
                isAnimationActive={false}
                connectNulls={false}
              />
            ),
          )}
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
