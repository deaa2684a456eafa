/**
 * Self-hosted GPU cost → tenants (issue 11 item 6, issue 9's self-hosted spend). Pure and exact:
 * money is integer picodollars (1e-12 USD, the precision of span costs), so every split adds up
 * to its GPU cost to the last digit and the same inputs always give the same result.
 *
 * THE RULE (also in the UI and docs/architecture.md):
 * 1. GPU cost of a host in an hour = Σ over its GPUs that reported any GPU metric in that hour of
 *    the GPU-hour price (a host price wins over a GPU-model price; the latest price whose
 *    effective_from ≤ the hour) × the part of the hour inside the queried range.
 * 2. Busy part = cost × the mean GPU utilization of the host in that hour (utilization unknown:
 *    all busy); idle part = the rest. An hour without any request served by the host is all idle.
 * 3. The busy part is split across tenants by their share of inference busy time: the summed
 *    duration of the model calls served by that host whose span starts in that hour (the span is
 *    joined to the host by the served model, the host name or server.address; see gpu-cost.ts).
 * 4. Idle is its own line by default; with `spreadIdle` it is split by the same shares
 *    (OpenCost's convention), except in hours without traffic, where it stays idle.
 * 5. Rounding: each split is floor(amount × share) and the picodollars left over go one each to
 *    the largest remainders (ties: tenant name), so the parts sum exactly to the amount.
 */

export interface HostHour {
  /** Hour start, epoch ms. */
  hour: number;
  host: string;
  /** GPU cost of the host in this hour, picodollars. */
  costPico: bigint;
  /** Mean GPU utilization 0–1 of the host's GPUs, or null when no utilization was reported. */
  utilization: number | null;
  /** Inference busy time per tenant ('' = no tenant), nanoseconds. */
  busyNs: ReadonlyMap<string, bigint>;
}

export interface SplitLine {
  hour: number;
  host: string;
  /** The tenant ('' = requests without a tenant), or null for the idle line. */
  tenant: string | null;
  costPico: bigint;
  busyNs: bigint;
}

/** Splits `amount` by `weights` exactly (largest remainder; ties broken by key). */
export function splitExact(amount: bigint, weights: ReadonlyMap<string, bigint>): Map<string, bigint> {
  const out = new Map<string, bigint>();
  let total = 0n;
  for (const w of weights.values()) total += w;
  if (total <= 0n) return out;
  let given = 0n;
  const rest: { key: string; rem: bigint }[] = [];
  for (const [key, w] of weights) {
    const share = (amount * w) / total;
    out.set(key, share);
    given += share;
    rest.push({ key, rem: (amount * w) % total });
  }
  rest.sort((a, b) => (a.rem !== b.rem ? (b.rem > a.rem ? 1 : -1) : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (let i = 0; given < amount; i++, given++) {
    const k = rest[i % rest.length]!.key;
    out.set(k, out.get(k)! + 1n);
  }
  return out;
}

/** Utilization as an exact fraction (parts per million) so the busy part is reproducible. */
const PPM = 1_000_000n;

export function splitHostHour(h: HostHour, spreadIdle: boolean): SplitLine[] {
  const busy = new Map([...h.busyNs].filter(([, ns]) => ns > 0n));
  const line = (tenant: string | null, costPico: bigint): SplitLine => ({ hour: h.hour, host: h.host, tenant, costPico, busyNs: tenant === null ? 0n : (busy.get(tenant) ?? 0n) });
  if (busy.size === 0) return h.costPico > 0n ? [line(null, h.costPico)] : [];
  const u = h.utilization === null ? PPM : BigInt(Math.round(Math.min(1, Math.max(0, h.utilization)) * 1e6));
  const busyPart = (h.costPico * u) / PPM;
  const idle = h.costPico - busyPart;
  const toSplit = spreadIdle ? h.costPico : busyPart;
  const lines = [...splitExact(toSplit, busy)].map(([tenant, c]) => line(tenant, c));
  if (!spreadIdle && idle > 0n) lines.push(line(null, idle));
  return lines;
}

/** Picodollars → exact decimal USD text (12 decimals, trailing zeros trimmed). */
export function picoToUsd(p: bigint): string {
  const neg = p < 0n;
  const a = neg ? -p : p;
  const whole = a / 1_000_000_000_000n;
  const frac = (a % 1_000_000_000_000n).toString().padStart(12, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

/** Exact decimal USD text (≤ 12 decimals) → picodollars; throws on anything else. */
export function usdToPico(usd: string): bigint {
  const m = /^(\d+)(?:\.(\d{1,12}))?$/.exec(usd.trim());
  if (!m) throw new Error(`not a USD amount with at most 12 decimals: ${JSON.stringify(usd)}`);
  return BigInt(m[1]!) * 1_000_000_000_000n + BigInt((m[2] ?? '').padEnd(12, '0') || '0');
}
