/**
 * Significance tests for comparing two model versions (canary vs stable) on the Quality page.
 * Pure. Two-sided p-values; large-sample (normal) approximations, flagged `approximate` when a
 * group is small (methods.md B2 asks for a denominator and a CI with every rate).
 */
import { normalSurvival } from '../drift/special.ts';

/** Wilson score interval for a proportion x/n at z = 1.96 (methods.md B2). */
export function wilson(x: number, n: number, z = 1.96): { p: number; lo: number; hi: number } | null {
  if (n <= 0) return null;
  const p = x / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const half = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const d = 1 + z2 / n;
  return { p, lo: Math.max(0, (centre - half) / d), hi: Math.min(1, (centre + half) / d) };
}

export interface TestResult {
  /** b − a (difference of proportions or of means). */
  diff: number;
  statistic: number;
  pValue: number;
  /** A group has fewer than 30 observations (or fewer than 5 successes/failures for a proportion). */
  approximate: boolean;
}

/**
 * Two-proportion z-test (methods.md A1): pooled p = (x1 + x2)/(n1 + n2),
 * z = (p2 − p1)/sqrt(p(1−p)(1/n1 + 1/n2)), p-value = 2(1 − Φ(|z|)). Null when a group is empty.
 */
export function twoProportionZ(x1: number, n1: number, x2: number, n2: number): TestResult | null {
  if (n1 <= 0 || n2 <= 0) return null;
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const p = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
  const approximate = Math.min(x1, n1 - x1, x2, n2 - x2) < 5;
  if (se === 0) return { diff: p2 - p1, statistic: 0, pValue: 1, approximate };
  const z = (p2 - p1) / se;
  return { diff: p2 - p1, statistic: z, pValue: Math.min(1, 2 * normalSurvival(Math.abs(z))), approximate };
}

/**
 * Welch's test of two means from summary statistics (sample variances), with the normal
 * approximation of the t distribution: t = (m2 − m1)/sqrt(v1/n1 + v2/n2), p = 2(1 − Φ(|t|)).
 * Flagged approximate below 30 observations per group, where Student's t would be wider.
 */
export function welch(m1: number, v1: number, n1: number, m2: number, v2: number, n2: number): TestResult | null {
  if (n1 < 2 || n2 < 2) return null;
  const se = Math.sqrt(v1 / n1 + v2 / n2);
  const approximate = Math.min(n1, n2) < 30;
  if (!(se > 0)) return { diff: m2 - m1, statistic: 0, pValue: m1 === m2 ? 1 : 0, approximate };
  const t = (m2 - m1) / se;
  return { diff: m2 - m1, statistic: t, pValue: Math.min(1, 2 * normalSurvival(Math.abs(t))), approximate };
}

export interface ClassMetrics {
  n: number;
  accuracy: number | null;
  /** Macro averages over the classes seen in labels or predictions. */
  precision: number | null;
  recall: number | null;
  f1: number | null;
  perClass: Array<{ label: string; precision: number | null; recall: number | null; f1: number | null; support: number }>;
}

/**
 * Accuracy and macro precision / recall / F1 from (predicted, actual, count) cells. A class with
 * no predictions has precision null (not 0) and is left out of the macro precision; likewise
 * recall for a class never labelled.
 */
export function classificationMetrics(cells: ReadonlyArray<{ predicted: string; actual: string; count: number }>): ClassMetrics {
  let n = 0;
  let correct = 0;
  const tp = new Map<string, number>();
  const predicted = new Map<string, number>();
  const actual = new Map<string, number>();
  for (const c of cells) {
    n += c.count;
    if (c.predicted === c.actual) {
      correct += c.count;
      tp.set(c.actual, (tp.get(c.actual) ?? 0) + c.count);
    }
    predicted.set(c.predicted, (predicted.get(c.predicted) ?? 0) + c.count);
    actual.set(c.actual, (actual.get(c.actual) ?? 0) + c.count);
  }
  const labels = [...new Set([...predicted.keys(), ...actual.keys()])].sort();
  const perClass = labels.map((label) => {
    const t = tp.get(label) ?? 0;
    const pr = predicted.get(label) ? t / predicted.get(label)! : null;
    const rc = actual.get(label) ? t / actual.get(label)! : null;
    const f1 = pr !== null && rc !== null ? (pr + rc > 0 ? (2 * pr * rc) / (pr + rc) : 0) : null;
    return { label, precision: pr, recall: rc, f1, support: actual.get(label) ?? 0 };
  });
  const mean = (xs: Array<number | null>) => {
    const v = xs.filter((x): x is number => x !== null);
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
  };
  return {
    n,
    accuracy: n ? correct / n : null,
    precision: mean(perClass.map((c) => c.precision)),
    recall: mean(perClass.map((c) => c.recall)),
    f1: mean(perClass.map((c) => c.f1)),
    perClass,
  };
}
