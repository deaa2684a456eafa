/**
 * Operation counter for the complexity tests: every analysis adds one per unit of work it does
 * (a span visited, an ancestor or child stepped over, a sort comparison). The tests compare the
 * counts for traces of n and 2n spans, which is exact and immune to a noisy machine, where wall
 * time is neither.
 *
 * Module state is safe here: the analyses are synchronous, so no two counts interleave.
 */
let count = 0;

/** Adds `n` units of work to the running count (cheap enough for inner loops). */
export function tick(n = 1): void {
  count += n;
}

/** Runs `fn` and returns its result with the units of work it did. */
export function countOps<T>(fn: () => T): { result: T; ops: number } {
  const before = count;
  const result = fn();
  return { result, ops: count - before };
}
