import { describe, expect, it } from 'vitest';
import { classificationMetrics, twoProportionZ, welch, wilson } from './significance.ts';

const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(1e-9);

describe('significance tests', () => {
  it('two-proportion z: 30/100 vs 45/100', () => {
    // pooled p = 0.375; z = 0.15 / sqrt(0.375·0.625·0.02) = 0.15/0.0684653196881458 = 2.1908902300206643
    // p = 2(1 − Φ(2.19089…)) = 0.028459736916310… (z² = 4.8, the χ²₁ survival of 4.8)
    const r = twoProportionZ(30, 100, 45, 100)!;
    close(r.statistic, 2.1908902300206643);
    close(r.pValue, 0.02845973691631065);
    close(r.diff, 0.15);
  });

  it('Welch with the normal approximation', () => {
    // t = (12 − 10)/sqrt(4/100 + 9/100) = 2/0.36055512754639896 = 5.547001962252291
    const r = welch(10, 4, 100, 12, 9, 100)!;
    close(r.statistic, 5.547001962252291);
    expect(r.pValue).toBeLessThan(1e-7);
    expect(r.approximate).toBe(false);
  });

  it('Wilson interval of 0 / 10 is not [0, 0]', () => {
    // p = 0: centre = z²/2n = 0.19208, half = z·sqrt(z²/4n²) = z²/2n → lo = 0, hi = 0.38416/(1 + 0.38416) = 0.2775398…
    const w = wilson(0, 10)!;
    close(w.lo, 0);
    close(w.hi, 0.38416 / 1.38416);
  });

  it('classification: accuracy and macro precision / recall / F1', () => {
    // actual a: 8 predicted a, 2 predicted b; actual b: 1 predicted a, 9 predicted b
    // accuracy 17/20; precision a = 8/9, b = 9/11; recall a = 0.8, b = 0.9
    const m = classificationMetrics([
      { predicted: 'a', actual: 'a', count: 8 }, { predicted: 'b', actual: 'a', count: 2 },
      { predicted: 'a', actual: 'b', count: 1 }, { predicted: 'b', actual: 'b', count: 9 },
    ]);
    close(m.accuracy!, 0.85);
    close(m.precision!, (8 / 9 + 9 / 11) / 2);
    close(m.recall!, 0.85);
    const f1a = (2 * (8 / 9) * 0.8) / (8 / 9 + 0.8);
    const f1b = (2 * (9 / 11) * 0.9) / (9 / 11 + 0.9);
    close(m.f1!, (f1a + f1b) / 2);
  });
});
