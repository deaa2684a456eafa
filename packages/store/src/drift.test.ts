import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeScores } from './scores.ts';
import { createDriftMonitor, deleteDriftMonitor, driftHistory, evaluateDriftMonitor, getDriftMonitor, latestDriftResults, listDriftMonitors, updateDriftMonitor, type DriftMonitorDefinition } from './drift.ts';
import { baseSpan, insertSpanRows } from './queries/fixtures.ts';
import { rowVersion, type SpanRow } from './spans.ts';
import { sql } from './sql.ts';
import { Store } from './store.ts';
import { testStoreConfig } from './testing.ts';

let store: Store;
const P = 'default';
const HOUR = 3_600_000;
const NOW = Math.floor(Date.now() / HOUR) * HOUR;
const DAY = 24 * HOUR;

/**
 * Model calls of two model versions: the reference week (days −8..−1) and the current day.
 * In the current day, v2's output length doubles and finish reason `length` appears for it;
 * v1 does not change.
 */
function calls(): SpanRow[] {
  const rows: SpanRow[] = [];
  let n = 0;
  const add = (ms: number, model: string, out: number, finish: string) => {
    n++;
    const t = BigInt(ms) * 1_000_000n;
    rows.push(baseSpan({
      traceId: n.toString(16).padStart(32, '0'), spanId: n.toString(16).padStart(16, '0'), parentSpanId: 'f'.repeat(16), isRoot: false,
      startTimeUnixNano: t, endTimeUnixNano: t + 1_000_000_000n, category: 'llm', operation: 'chat', responseModel: model, requestModel: model,
      outputTokens: out, finishReason: finish, usageCounted: true,
    }));
  };
  for (let i = 0; i < 1400; i++) {
    const ms = NOW - 8 * DAY + (i * 7 * DAY) / 1400;
    add(ms, i % 2 ? 'v1' : 'v2', 100 + ((i * 37) % 200), 'stop');
  }
  for (let i = 0; i < 1200; i++) {
    const ms = NOW - DAY + (i * DAY) / 1200;
    const v2 = i % 2 === 0;
    const out = 100 + ((i * 37) % 200);
    add(ms, v2 ? 'v2' : 'v1', v2 ? out * 2 : out, v2 && i % 3 === 0 ? 'length' : 'stop');
  }
  return rows;
}

beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-drift-'))));
  await store.migrate();
  await insertSpanRows(store, calls());
});
afterAll(async () => store?.close());

const base: DriftMonitorDefinition = {
  name: 'output length v2', feature: { kind: 'numeric', field: 'output_tokens' }, spanSet: 'llm', filters: { model: ['v2'] },
  reference: { kind: 'previous', days: 7 }, currentMs: DAY, method: 'auto', thresholds: {}, topK: 20,
};

describe('drift monitors', () => {
  it('flags the model version whose output length doubled, with the moved bins; the unchanged version stays ok', async () => {
    const m = await createDriftMonitor(store, P, base);
    const e = await evaluateDriftMonitor(store, P, m, NOW);
    expect(e).not.toBeNull();
    const r = e!.result;
    // 700 reference calls of v2, 600 current: the smaller window is ≤ 1,000 → KS on raw values.
    expect([r.nRef, r.nCur]).toEqual([700, 600]);
    expect(r.method).toBe('ks');
    expect(r.ks?.basis).toBe('raw');
    expect(r.flagged).toBe(true);
    expect(r.pValue!).toBeLessThan(1e-6);
    // The top decile bins gained (outputs ≥ 200 tokens moved up), the low ones emptied.
    const moved = r.bins.filter((b) => b.moved);
    expect(moved.length).toBeGreaterThan(0);
    expect(moved.some((b) => b.label.startsWith('≥'))).toBe(true);
    const v1 = await createDriftMonitor(store, P, { ...base, name: 'output length v1', filters: { model: ['v1'] } });
    const e1 = await evaluateDriftMonitor(store, P, v1, NOW);
    expect(e1!.result.flagged).toBe(false);
    expect(e1!.result.severity).toBe('ok');
  });

  it('categorical finish reason: `length` lands in the unseen bin; a frozen reference keeps its bins; history and latest', async () => {
    const m = await createDriftMonitor(store, P, {
      ...base, name: 'finish reason', feature: { kind: 'categorical', field: 'finish_reason' }, filters: {}, method: 'js',
      reference: { kind: 'frozen', fromMs: NOW - 8 * DAY, toMs: NOW - DAY },
    });
    const e = await evaluateDriftMonitor(store, P, m, NOW);
    const unseen = e!.result.bins.find((b) => b.kind === 'unseen')!;
    expect(unseen.curCount).toBe(200); // every third v2 call of 600
    expect(unseen.moved).toBe(true);
    expect(e!.result.flagged).toBe(true);
    const frozen = await getDriftMonitor(store, P, m.id);
    expect(frozen!.binning).toEqual({ kind: 'categorical', categories: ['stop'] });
    await evaluateDriftMonitor(store, P, frozen!, NOW - HOUR);
    const h = await driftHistory(store, P, m.id, NOW - DAY, NOW + 1);
    expect(h.map((p) => p.currentToMs)).toEqual([NOW - HOUR, NOW]);
    expect((await latestDriftResults(store, P)).get(m.id)?.currentToMs).toBe(NOW);
    // Same window again: replaced, not duplicated.
    await evaluateDriftMonitor(store, P, frozen!, NOW);
    expect(await driftHistory(store, P, m.id, NOW - DAY, NOW + 1)).toHaveLength(2);
    expect(await deleteDriftMonitor(store, P, m.id)).toBe(true);
    expect((await listDriftMonitors(store, P)).map((x) => x.id)).not.toContain(m.id);
  });

  it('closed hours are counted once into drift_bin_counts; a second evaluation reads them and agrees exactly', async () => {
    const m = await createDriftMonitor(store, P, { ...base, name: 'cached', filters: {} });
    const first = (await evaluateDriftMonitor(store, P, m, NOW))!.result;
    const cachedRows = await store.query<{ n: string }>(sql`SELECT count() AS n FROM drift_bin_counts WHERE monitor_id = ${m.id}`);
    expect(Number(cachedRows[0]!.n)).toBeGreaterThan(8 * 24); // a done marker per hour plus the bin rows
    const again = (await evaluateDriftMonitor(store, P, (await getDriftMonitor(store, P, m.id))!, NOW))!.result;
    expect(again.bins.map((b) => [b.refCount, b.curCount])).toEqual(first.bins.map((b) => [b.refCount, b.curCount]));
    expect([again.nRef, again.nCur]).toEqual([1400, 1200]);
    // A window that is not hour-aligned: edges read raw, the whole hours from the cache.
    const odd = (await evaluateDriftMonitor(store, P, (await getDriftMonitor(store, P, m.id))!, NOW - 30 * 60_000))!.result;
    const inWindow = await store.query<{ n: string }>(sql`
      SELECT count() AS n FROM spans FINAL WHERE category = 'llm' AND start_time >= ${new Date(NOW - 30 * 60_000 - DAY)} AND start_time < ${new Date(NOW - 30 * 60_000)}`);
    expect(odd.nCur).toBe(Number(inWindow[0]!.n)); // 1,200 − 25 in the last half hour + 4 reference-week calls before
    expect(odd.nCur).toBe(1179);
  });

  it('an updated definition never reuses the per-hour counts of the old one, even when its bins come out the same', async () => {
    // finish reason of v1 (never `length`), frozen reference: bins ['stop'].
    const def: DriftMonitorDefinition = {
      ...base, name: 'finish reason, updated', feature: { kind: 'categorical', field: 'finish_reason' }, filters: { model: ['v1'] }, method: 'js',
      reference: { kind: 'frozen', fromMs: NOW - 8 * DAY, toMs: NOW - DAY },
    };
    // The fixture's calls again in a project of their own, ingested two hours ago: spans ingested
    // within the late-data margin (30 s) would make every counted hour look stale and be recounted.
    const Q = 'p-updated';
    // (The filter in a subquery: REPLACE's aliases would shadow project_id in an outer WHERE.)
    await store.command(sql`
      INSERT INTO spans SELECT * REPLACE (${Q} AS project_id, now64(3) - INTERVAL 2 HOUR AS _ingested_at)
      FROM (SELECT * FROM spans FINAL WHERE project_id = ${P} AND category = 'llm' AND NOT startsWith(trace_id, '1a7e'))`);
    const m = await createDriftMonitor(store, Q, def);
    const unseen = (r: { bins: Array<{ kind: string; curCount: number }> }) => r.bins.find((b) => b.kind === 'unseen')!.curCount;
    expect(unseen((await evaluateDriftMonitor(store, Q, m, NOW))!.result)).toBe(0);
    // Now v2, whose reference also has only `stop` (same bins), but 200 current calls end in `length`.
    const updated = (await updateDriftMonitor(store, Q, m.id, { ...def, filters: { model: ['v2'] } }))!;
    const r = (await evaluateDriftMonitor(store, Q, updated, NOW))!.result;
    expect((await getDriftMonitor(store, Q, m.id))!.binning).toEqual({ kind: 'categorical', categories: ['stop'] });
    expect([r.nRef, r.nCur]).toEqual([700, 600]);
    expect(unseen(r)).toBe(200);
  });
  it('large windows use fine bins: Wasserstein from fine counts and the KS bound', async () => {
    const m = await createDriftMonitor(store, P, { ...base, filters: {}, method: 'auto' });
    const r = (await evaluateDriftMonitor(store, P, m, NOW))!.result;
    // 1,400 reference vs 1,200 current calls: both > 1,000 → normalised Wasserstein.
    expect(r.method).toBe('wasserstein');
    expect(r.ks?.basis).toBe('binned');
    expect(r.ks!.dUpper!).toBeGreaterThanOrEqual(r.ks!.d);
    expect(r.flagged).toBe(true);
  });
  it('late data: spans and scores inserted for an hour after it was counted are added at the next evaluation', async () => {
    const m = await createDriftMonitor(store, P, { ...base, name: 'late spans', filters: {}, method: 'js' });
    const before = (await evaluateDriftMonitor(store, P, m, NOW))!.result;
    // 50 model calls of v1 arrive now for an hour 3 h ago, which the evaluation above counted.
    const late: SpanRow[] = [];
    for (let i = 0; i < 50; i++) {
      const t = BigInt(NOW - 3 * HOUR + i * 1000) * 1_000_000n;
      late.push(baseSpan({
        traceId: `1a7e${i.toString(16).padStart(28, '0')}`, spanId: `1a7e${i.toString(16).padStart(12, '0')}`, parentSpanId: 'f'.repeat(16), isRoot: false,
        startTimeUnixNano: t, endTimeUnixNano: t + 1_000_000_000n, category: 'llm', operation: 'chat', responseModel: 'v1', requestModel: 'v1',
        outputTokens: 5000, finishReason: 'stop', usageCounted: true,
      }));
    }
    await insertSpanRows(store, late);
    const after = (await evaluateDriftMonitor(store, P, (await getDriftMonitor(store, P, m.id))!, NOW))!.result;
    expect(after.nRef).toBe(before.nRef);
    expect(after.nCur).toBe(before.nCur + 50);
    // Every late call has 5,000 output tokens: the open top bin gained exactly 50.
    const top = (r: typeof after) => r.bins.filter((b) => b.label.startsWith('≥')).reduce((a, b) => a + b.curCount, 0);
    expect(top(after)).toBe(top(before) + 50);
    // The same again: nothing new, nothing counted twice.
    const again = (await evaluateDriftMonitor(store, P, (await getDriftMonitor(store, P, m.id))!, NOW))!.result;
    expect(again.nCur).toBe(after.nCur);

    // Scores are the typical late arrival (a judge scores a request hours later).
    const sm = await createDriftMonitor(store, P, { ...base, name: 'late scores', feature: { kind: 'numeric', field: 'score', key: 'helpfulness' }, filters: {}, method: 'js' });
    const s0 = await evaluateDriftMonitor(store, P, sm, NOW);
    expect(s0).toBeNull(); // no score yet: nothing to freeze bins from
    const early = Array.from({ length: 30 }, (_, i) => ({ id: `early-${i}`, traceId: (i + 1).toString(16).padStart(32, '0'), name: 'helpfulness', value: 0.2 + (i % 5) / 10, source: 'llm-judge' as const }));
    expect((await writeScores(store, P, early)).accepted).toBe(30);
    const withRef = (await evaluateDriftMonitor(store, P, (await getDriftMonitor(store, P, sm.id))!, NOW))!.result;
    expect(withRef.nRef).toBe(30);
    // Late scores for requests of the current day (their hours were counted above, empty).
    const cur = late.slice(0, 20).map((r, i) => ({ id: `late-${i}`, traceId: r.traceId, name: 'helpfulness', value: 0.9, source: 'human' as const }));
    expect((await writeScores(store, P, cur)).accepted).toBe(20);
    const withCur = (await evaluateDriftMonitor(store, P, (await getDriftMonitor(store, P, sm.id))!, NOW))!.result;
    expect([withCur.nRef, withCur.nCur]).toEqual([30, 20]);
  });
  it('a counted hour whose spans were rewritten is recounted: a value the hour no longer has drops to 0', async () => {
    const m = await createDriftMonitor(store, P, {
      ...base, name: 'finish reason, rewritten', feature: { kind: 'categorical', field: 'finish_reason' }, filters: {}, method: 'js',
      reference: { kind: 'frozen', fromMs: NOW - 8 * DAY, toMs: NOW - DAY },
    });
    const unseen = async () => (await evaluateDriftMonitor(store, P, (await getDriftMonitor(store, P, m.id))!, NOW))!.result.bins.find((b) => b.kind === 'unseen')!.curCount;
    expect(await unseen()).toBe(200);
    // Every `length` call of the hour 5 h ago is corrected to `stop` (a newer row version, as rewrite.ts writes).
    const hour = NOW - 5 * HOUR;
    const fixed = calls()
      .filter((r) => r.finishReason === 'length' && Number(r.startTimeUnixNano / 1_000_000n) >= hour && Number(r.startTimeUnixNano / 1_000_000n) < hour + HOUR)
      .map((r) => ({ ...r, finishReason: 'stop', version: rowVersion(true, Date.now()) }));
    expect(fixed.length).toBeGreaterThan(0);
    await insertSpanRows(store, fixed);
    expect(await unseen()).toBe(200 - fixed.length);
  });
});
