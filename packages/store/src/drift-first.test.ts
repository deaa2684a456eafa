/**
 * A drift monitor's first evaluation (bins not frozen yet) and a reference with no values:
 * what drift-binning.ts does instead of a second pass, checked against the two-pass result on
 * the same data, and the "no values yet" memo.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { categoricalBinning, DRIFT_HELP, evaluateDrift, FINE_QUANTILES, numericBinningFromPercentiles, type Binning, type NumericBinning } from '@plumb/analytics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referencePercentiles, SAMPLE_HOURS, SAMPLE_MIN_VALUES } from './drift-binning.ts';
import { featureSql, windowSql, type FeatureSql } from './drift-features.ts';
import { writeScores } from './scores.ts';
import { createDriftMonitor, evaluateDriftMonitor, getDriftMonitor, type DriftMonitorDefinition } from './drift.ts';
import { baseSpan, insertSpanRows } from './queries/fixtures.ts';
import type { SpanRow } from './spans.ts';
import { join, param, render, sql, unsafeRaw, type SqlFragment } from './sql.ts';
import { Store } from './store.ts';
import { testStoreConfig } from './testing.ts';

let store: Store;
const P = 'default';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Math.floor(Date.now() / HOUR) * HOUR;

/** Model calls: a reference week (days −8..−1) and a current day in which v2's outputs grow and finish reasons change. */
function calls(): SpanRow[] {
  const rows: SpanRow[] = [];
  let n = 0;
  const add = (ms: number, model: string, out: number, finish: string) => {
    n++;
    const t = BigInt(Math.round(ms)) * 1_000_000n;
    rows.push(baseSpan({
      traceId: n.toString(16).padStart(32, '0'), spanId: n.toString(16).padStart(16, '0'), parentSpanId: 'f'.repeat(16), isRoot: false,
      startTimeUnixNano: t, endTimeUnixNano: t + BigInt(200 + ((n * 7919) % 5000)) * 1_000_000n, category: 'llm', operation: 'chat',
      responseModel: model, requestModel: model, outputTokens: out, finishReason: finish, usageCounted: true,
    }));
  };
  const finishes = ['stop', 'stop', 'stop', 'tool_calls', 'length'];
  for (let i = 0; i < 3000; i++) add(NOW - 8 * DAY + (i * 7 * DAY) / 3000, i % 2 ? 'v1' : 'v2', 20 + ((i * 37) % 400), finishes[i % 5]!);
  for (let i = 0; i < 1500; i++) {
    const v2 = i % 2 === 0;
    const out = 20 + ((i * 37) % 400);
    add(NOW - DAY + (i * DAY) / 1500, v2 ? 'v2' : 'v1', v2 ? Math.round(out * 1.5) : out, v2 && i % 3 === 0 ? 'content_filter' : finishes[i % 5]!);
  }
  return rows;
}

beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(joinPath(tmpdir(), 'plumb-drift-first-'))));
  await store.migrate();
  await insertSpanRows(store, calls());
});
afterAll(async () => store?.close());

const base: DriftMonitorDefinition = {
  name: 'output length', feature: { kind: 'numeric', field: 'output_tokens' }, spanSet: 'llm', filters: {},
  reference: { kind: 'frozen', fromMs: NOW - 8 * DAY, toMs: NOW - DAY }, currentMs: DAY, method: 'js', thresholds: {}, topK: 20,
};
const REF: [Date, Date] = [new Date(NOW - 8 * DAY), new Date(NOW - DAY)];
const CUR: [Date, Date] = [new Date(NOW - DAY), new Date(NOW)];

/** The SQL text of every statement `fn` sends through `s` (the real engine runs them). */
async function statementsOf(s: Store, fn: () => Promise<unknown>): Promise<string[]> {
  const texts: string[] = [];
  const query = s.query.bind(s);
  const command = s.command.bind(s);
  s.query = (async (fragment: SqlFragment, opts?: never) => {
    texts.push(render(fragment).query);
    return query(fragment, opts);
  }) as typeof s.query;
  s.command = async (fragment: SqlFragment, opts?: never) => {
    texts.push(render(fragment).query);
    return command(fragment, opts);
  };
  try {
    await fn();
  } finally {
    s.query = query;
    s.command = command;
  }
  return texts;
}

/** Two-pass reference result: raw counts of both windows per key expression (no cache). */
async function rawCounts(f: FeatureSql, key: SqlFragment): Promise<Map<string, { r: number; c: number }>> {
  const inRef = windowSql(f, REF[0], REF[1]);
  const inCur = windowSql(f, CUR[0], CUR[1]);
  const rows = await store.query<{ k: string; r: string; c: string }>(sql`
    SELECT ${key} AS k, countIf(in_ref) AS r, countIf(in_cur) AS c
    FROM (SELECT ${f.value} AS v, ${inRef} AS in_ref, ${inCur} AS in_cur FROM ${f.from} WHERE ${f.where} AND (${inRef} OR ${inCur})) GROUP BY k`);
  return new Map(rows.map((x) => [String(x.k), { r: Number(x.r), c: Number(x.c) }]));
}

/** Counts per numeric bin of `b` (null bin last), read raw in one pass: the two-pass second statement. */
async function twoPassNumericCounts(f: FeatureSql, b: NumericBinning): Promise<{ ref: number[]; cur: number[] }> {
  const k = b.edges.length + 2;
  const terms = b.edges.map((e) => sql` + (assumeNotNull(v) >= ${param(e, 'Float64')})`);
  const m = await rawCounts(f, sql`toString(if(isNull(v), ${k - 1}, toUInt32(0${join(terms, '')})))`);
  const out = { ref: new Array<number>(k).fill(0), cur: new Array<number>(k).fill(0) };
  for (const [key, x] of m) {
    out.ref[Number(key)] = x.r;
    out.cur[Number(key)] = x.c;
  }
  return out;
}

describe('first evaluation of a drift monitor', () => {
  it('categorical: bins from the one counting pass are exactly the two-pass bins, and so is the whole result', async () => {
    const def: DriftMonitorDefinition = { ...base, name: 'finish reason', feature: { kind: 'categorical', field: 'finish_reason' }, topK: 2 };
    const m = await createDriftMonitor(store, P, def);
    const texts = await statementsOf(store, () => evaluateDriftMonitor(store, P, m, NOW));
    const r = (await evaluateDriftMonitor(store, P, (await getDriftMonitor(store, P, m.id))!, NOW))!.result;
    // One statement counts every closed hour; no separate top-K pass (GROUP BY … LIMIT) over the
    // reference, only a LIMIT 1 look for any value.
    expect(texts.filter((t) => /INSERT INTO drift_bin_counts/.test(t) && /FROM spans FINAL/.test(t))).toHaveLength(1);
    expect(texts.filter((t) => /FROM spans/.test(t) && /GROUP BY[\s\S]*LIMIT/.test(t))).toHaveLength(0);
    // Two-pass: top-K of the reference, then counts per value over both windows.
    const f = featureSql(P, def.feature, def.spanSet, def.filters);
    const perValue = await rawCounts(f, sql`v`);
    const binning = categoricalBinning([...perValue].map(([value, x]) => ({ value, count: x.r })), def.topK);
    expect((await getDriftMonitor(store, P, m.id))!.binning).toEqual(binning);
    const k = binning.categories.length;
    const ref = new Array<number>(k + 3).fill(0);
    const cur = new Array<number>(k + 3).fill(0);
    for (const [v, x] of perValue) {
      const i = v === '' ? k + 2 : binning.categories.indexOf(v) >= 0 ? binning.categories.indexOf(v) : x.r > 0 ? k : k + 1;
      ref[i]! += x.r;
      cur[i]! += x.c;
    }
    const expected = evaluateDrift({ binning, ref, cur, method: 'js', distinctValues: Infinity });
    expect(r).toEqual(expected);
    expect(r.bins.find((b) => b.kind === 'unseen')!.curCount).toBe(250); // content_filter, new in the current day
  });

  it('numeric: with the frozen edges, counts, range and std equal the two-pass values exactly', async () => {
    const m = await createDriftMonitor(store, P, base);
    const r = (await evaluateDriftMonitor(store, P, m, NOW))!.result;
    const b = (await getDriftMonitor(store, P, m.id))!.binning as NumericBinning;
    const f = featureSql(P, base.feature, base.spanSet, base.filters);
    const two = await twoPassNumericCounts(f, b);
    expect(r.bins.map((x) => [x.refCount, x.curCount])).toEqual(two.ref.map((x, i) => [x, two.cur[i]]));
    const [stats] = await store.query<{ lo: number; hi: number; sd: number }>(sql`
      SELECT min(v) AS lo, max(v) AS hi, stddevPop(v) AS sd FROM (SELECT ${f.value} AS v FROM ${f.from} WHERE ${f.where} AND ${windowSql(f, REF[0], REF[1])}) WHERE isNotNull(v)`);
    expect([b.refMin, b.refMax]).toEqual([Number(stats!.lo), Number(stats!.hi)]);
    expect(b.refStd).toBeCloseTo(Number(stats!.sd), 9);
    // 3,000 reference values: fewer than the sample needs, so the edges are the whole reference's.
    const whole = await store.query<{ q: number[] }>(sql`
      SELECT quantiles(${unsafeRaw(FINE_QUANTILES.join(', '))})(v) AS q FROM (SELECT ${f.value} AS v FROM ${f.from} WHERE ${f.where} AND ${windowSql(f, REF[0], REF[1])}) WHERE isNotNull(v)`);
    expect(b.edges).toEqual(numericBinningFromPercentiles(whole[0]!.q.map(Number), 0, 0, 0).edges);
  });

  it('numeric: edges from sampled reference hours stay deciles within 3 points, and the statistic within the stated bound of the two-pass one', async () => {
    const f = featureSql(P, base.feature, base.spanSet, base.filters);
    // Force the sample on this small reference (the store's default needs 20,000 sampled values).
    const sampled = await referencePercentiles(store, f, REF[0], REF[1], 100);
    const whole = await referencePercentiles(store, f, REF[0], REF[1], Infinity);
    expect(sampled).not.toEqual(whole);
    const bs = numericBinningFromPercentiles(sampled!, 20, 419, 115);
    const bw = numericBinningFromPercentiles(whole!, 20, 419, 115);
    const [cs, cw] = [await twoPassNumericCounts(f, bs), await twoPassNumericCounts(f, bw)];
    const nRef = cs.ref.reduce((a, x) => a + x, 0);
    for (const x of cs.ref.slice(0, -1)) expect(Math.abs(x / nRef - 0.1)).toBeLessThanOrEqual(0.03);
    const rs = evaluateDrift({ binning: bs as Binning, ...cs, method: 'wasserstein' });
    const rw = evaluateDrift({ binning: bw as Binning, ...cw, method: 'wasserstein' });
    // The bound DRIFT_HELP states: same decision, statistic within 0.02 absolute (PSI, JS, Wasserstein).
    expect(DRIFT_HELP).toContain(`about ${SAMPLE_HOURS} hours, when they hold ≥ ${SAMPLE_MIN_VALUES.toLocaleString('en-US')} values`);
    expect(DRIFT_HELP).toContain('10 % ± 3 points and PSI, JS and Wasserstein move ≤ 0.02');
    expect(rs.flagged).toBe(rw.flagged);
    for (const k of ['psi', 'js'] as const) expect(Math.abs(rs[k] - rw[k])).toBeLessThanOrEqual(0.02);
    expect(Math.abs(rs.wasserstein!.value - rw.wasserstein!.value)).toBeLessThanOrEqual(0.02);
  });
});

describe('a reference with no values', () => {
  it('is remembered: the next evaluation re-checks with one LIMIT 1 read instead of rescanning the reference', async () => {
    const def: DriftMonitorDefinition = { ...base, name: 'no score yet', feature: { kind: 'numeric', field: 'score', key: 'faithfulness' }, reference: { kind: 'previous', days: 7 } };
    const m = await createDriftMonitor(store, P, def);
    expect(await evaluateDriftMonitor(store, P, m, NOW)).toBeNull();
    const again = (await getDriftMonitor(store, P, m.id))!;
    let result: unknown;
    const texts = await statementsOf(store, async () => (result = await evaluateDriftMonitor(store, P, again, NOW)));
    expect(result).toBeNull();
    const reads = texts.filter((t) => /FROM scores\b/.test(t));
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatch(/LIMIT 1/);
    expect(texts.some((t) => t.includes('quantiles('))).toBe(false);
    // A score arrives for a reference request: the re-check sees it and the monitor evaluates.
    const refTrace = (1).toString(16).padStart(32, '0');
    expect((await writeScores(store, P, [{ id: 'f-1', traceId: refTrace, name: 'faithfulness', value: 0.7, source: 'code' }])).accepted).toBe(1);
    const e = await evaluateDriftMonitor(store, P, (await getDriftMonitor(store, P, m.id))!, NOW);
    expect(e?.result.nRef).toBe(1);
  });

  it('a rolling reference that gains values by moving (not by ingestion) is seen', async () => {
    // Values only in the current day: the 7-day reference before it is empty.
    const def: DriftMonitorDefinition = {
      ...base, name: 'current-day scores', feature: { kind: 'numeric', field: 'score', key: 'recent' }, reference: { kind: 'previous', days: 7 }, currentMs: 6 * HOUR,
    };
    const cur = calls().slice(3000, 3040).map((r, i) => ({ id: `recent-${i}`, traceId: r.traceId, name: 'recent', value: i / 40, source: 'code' as const }));
    expect((await writeScores(store, P, cur)).accepted).toBe(40);
    // Ingested two hours ago, so only the window's move (not a recent ingestion) can reveal them.
    await store.command(sql`
      INSERT INTO scores SELECT * REPLACE (now64(3) - INTERVAL 2 HOUR AS _ingested_at, _version + 1 AS _version)
      FROM (SELECT * FROM scores FINAL WHERE project_id = ${P} AND name = 'recent')`);
    await store.command(sql`OPTIMIZE TABLE scores FINAL`);
    const [ing] = await store.query<{ n: string }>(sql`SELECT count() AS n FROM scores WHERE name = 'recent' AND _ingested_at > now64(3) - INTERVAL 1 HOUR`);
    expect(Number(ing!.n)).toBe(0);
    const m = await createDriftMonitor(store, P, def);
    // Current window = the last 6 h of the day before NOW − 18 h: the scored requests are after it.
    expect(await evaluateDriftMonitor(store, P, m, NOW - 18 * HOUR - DAY + 6 * HOUR)).toBeNull();
    // A day later the scored requests (the first hours of the current day) are in the reference.
    const e = await evaluateDriftMonitor(store, P, (await getDriftMonitor(store, P, m.id))!, NOW);
    expect(e?.result.nRef).toBeGreaterThan(0);
  });
});
