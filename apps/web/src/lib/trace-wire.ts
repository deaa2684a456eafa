import type { CriticalPath, CriticalPathSegment } from '@plumb/analytics';
import type { TraceSpanRecord } from '@plumb/store';
import type { LoadedTrace } from '../server/routers/trace-view.ts';
import { fromColumns, pack, toColumns, unpack, type Columns, type Packed } from './packed.ts';

/** `traces.get` with its per-span arrays (spans, critical-path segments) as columns. */
export type TraceViewWire = Omit<LoadedTrace, 'spans' | 'criticalPath'> & {
  spans: Columns<TraceSpanRecord>;
  criticalPath: Omit<CriticalPath, 'segments'> & { segments: Columns<CriticalPathSegment> };
};

/** Server side: a 20,000-span trace packs to ~½ the bytes of `traces.get`, and superjson skips it. */
export function packTrace(t: LoadedTrace): Packed<TraceViewWire> {
  return pack<TraceViewWire>({ ...t, spans: toColumns(t.spans), criticalPath: { ...t.criticalPath, segments: toColumns(t.criticalPath.segments) } });
}

/** Client side: back to exactly what `traces.get` returns. */
export function unpackTrace(p: Packed<TraceViewWire>): LoadedTrace {
  const w = unpack(p);
  return { ...w, spans: fromColumns(w.spans), criticalPath: { ...w.criticalPath, segments: fromColumns(w.criticalPath.segments) } };
}
