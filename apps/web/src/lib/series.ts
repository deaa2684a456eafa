/** True when some non-null value has no non-null neighbour (a line through it has no length). */
export function hasIsolatedPoint(data: readonly Record<string, unknown>[], key: string): boolean {
  const present = (i: number) => i >= 0 && i < data.length && data[i]![key] !== null && data[i]![key] !== undefined;
  for (let i = 0; i < data.length; i++) if (present(i) && !present(i - 1) && !present(i + 1)) return true;
  return false;
}
