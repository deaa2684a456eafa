/**
 * Special functions the drift tests need: ln Γ, the regularized incomplete gamma functions
 * (for the χ² distribution) and the Kolmogorov distribution's survival function.
 *
 * Accuracy contract: relative error < 1e-12 over the ranges the tests use (dof 1–10 000,
 * statistics 0–10⁶); checked against closed forms (dof 2 and 4) and tabulated quantiles.
 */

// Lanczos approximation, g = 7, n = 9 (the coefficients Numerical Recipes 3rd ed. and
// Boost/scipy-style implementations use): |error| < 1e-15 for x > 0.
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
export function lnGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`lnGamma: x must be > 0, got ${x}`);
  if (x < 0.5) {
    // Reflection: Γ(x)Γ(1−x) = π / sin(πx).
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  }
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + LANCZOS_G + 0.5;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

const EPS = 1e-16;
const MAX_ITER = 100_000;
const TINY = 1e-300;

/** P(a, x) by its power series; converges fast for x < a + 1. */
function gammaSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < MAX_ITER; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - lnGamma(a));
}

/** Q(a, x) by its continued fraction (modified Lentz); converges fast for x ≥ a + 1. */
function gammaContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - lnGamma(a)) * h;
}

/** Regularized lower incomplete gamma P(a, x) = γ(a, x) / Γ(a). */
export function gammaP(a: number, x: number): number {
  if (!(a > 0)) throw new RangeError(`gammaP: a must be > 0, got ${a}`);
  if (x <= 0) return 0;
  if (x === Infinity) return 1;
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
}

/** Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x), computed without cancellation. */
export function gammaQ(a: number, x: number): number {
  if (!(a > 0)) throw new RangeError(`gammaQ: a must be > 0, got ${a}`);
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

/** Survival function of the χ² distribution: P(X ≥ x) for X ~ χ²(dof) = Q(dof/2, x/2). */
export function chiSquareSurvival(x: number, dof: number): number {
  if (!(dof > 0)) throw new RangeError(`chiSquareSurvival: dof must be > 0, got ${dof}`);
  if (Number.isNaN(x)) return NaN;
  return gammaQ(dof / 2, x / 2);
}

/**
 * Kolmogorov survival function Q(λ) = 2 Σ_{j≥1} (−1)^{j−1} e^{−2 j² λ²} (methods.md A1), the
 * asymptotic p-value of the two-sample KS statistic at λ = √n_e · D. Below λ = 1 that series
 * alternates too slowly to sum accurately, so its equivalent (Jacobi theta) form is used there:
 * Q(λ) = 1 − (√(2π)/λ) Σ_{j≥1} e^{−(2j−1)²π²/(8λ²)}. Both are exact identities of one function.
 */
export function kolmogorovSurvival(lambda: number): number {
  if (Number.isNaN(lambda)) return NaN;
  if (lambda <= 0) return 1;
  if (lambda < 1) {
    // Complementary (Jacobi theta) form: K(λ) = (√(2π)/λ) Σ_{j≥1} e^{−(2j−1)²π²/(8λ²)}.
    const f = -(Math.PI * Math.PI) / (8 * lambda * lambda);
    let cdf = 0;
    for (let j = 1; j < 50; j++) {
      const term = Math.exp(f * (2 * j - 1) * (2 * j - 1));
      cdf += term;
      if (term < 1e-17 * cdf) break;
    }
    cdf *= Math.sqrt(2 * Math.PI) / lambda;
    return Math.min(1, Math.max(0, 1 - cdf));
  }
  let sum = 0;
  for (let j = 1; j < 200; j++) {
    const term = Math.exp(-2 * j * j * lambda * lambda);
    sum += j % 2 === 1 ? term : -term;
    if (term < 1e-17) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

/** Standard normal survival 1 − Φ(z), via Q(1/2, z²/2) (erfc) — for the two-proportion z-test. */
export function normalSurvival(z: number): number {
  if (z === 0) return 0.5;
  const tail = 0.5 * gammaQ(0.5, (z * z) / 2);
  return z > 0 ? tail : 1 - tail;
}
