/** Window choices of the regression view, as they live in the URL. */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const PRESETS = [
  { key: 'week', label: 'Last hour vs same hour a week earlier', shiftMs: 7 * DAY },
  { key: 'day', label: 'Last hour vs same hour yesterday', shiftMs: DAY },
  { key: 'prev', label: 'Last hour vs the hour before', shiftMs: HOUR },
] as const;
export type PresetKey = (typeof PRESETS)[number]['key'];

export interface RegressionInputParams {
  from?: number;
  to?: number;
  baselineFrom?: number;
  baselineTo?: number;
  deployAt?: number;
  window?: number;
}

const num = (v: string | null): number | undefined => {
  if (v === null || v.trim() === '') return undefined;
  const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  return Number.isFinite(n) ? n : undefined;
};

/**
 * URL → procedure input. `deployAt` (+ `window`) wins; explicit `from`/`to`/`baselineFrom`/
 * `baselineTo` next; else the preset (`compare=week|day|prev`) ending at `nowMs`.
 */
export function regressionInput(params: URLSearchParams, nowMs: number): { input: RegressionInputParams; preset: PresetKey | null } {
  const deployAt = num(params.get('deployAt'));
  if (deployAt !== undefined) {
    const w = num(params.get('window'));
    return { input: { deployAt, ...(w ? { window: w } : {}) }, preset: null };
  }
  const from = num(params.get('from'));
  const to = num(params.get('to'));
  if (from !== undefined && to !== undefined && from < to) {
    const bf = num(params.get('baselineFrom'));
    const bt = num(params.get('baselineTo'));
    return { input: { from, to, ...(bf !== undefined ? { baselineFrom: bf } : {}), ...(bf !== undefined && bt !== undefined ? { baselineTo: bt } : {}) }, preset: null };
  }
  const preset = PRESETS.find((p) => p.key === params.get('compare')) ?? PRESETS[0];
  const end = Math.floor(nowMs / 60_000) * 60_000;
  return { input: { from: end - HOUR, to: end, baselineFrom: end - HOUR - preset.shiftMs, baselineTo: end - preset.shiftMs }, preset: preset.key };
}
