import { listGpuPrices, priceFor } from './gpu-prices.ts';
import { picoToUsd, splitHostHour, usdToPico, type HostHour, type SplitLine } from './gpu-split.ts';
import { sql } from './sql.ts';
import type { Store } from './store.ts';

/**
 * Self-hosted GPU cost over a range and its split across tenants (rule: gpu-split.ts). This
 * module reads what the split needs — GPU-hours per host from `metric_points`, GPU-hour prices,
 * inference busy time per tenant from `spans` — and hands it to the pure split.
 *
 * The join of spans to a GPU host (`join`, stated in the UI):
 * - 'served_model' (default): model calls whose response (else request) model is a model the
 *   host's model server reported serving in that hour (vLLM `model_name`, Triton `model`). A model
 *   served by several hosts lends each of them the same tenant shares.
 * - 'host': the span's resource host.name is the GPU host (an instrumented inference server).
 * - 'server_address': the client span's `server.address` (port dropped) is the GPU host's name.
 * - 'k8s_pod': the span's resource `k8s.pod.name` is a pod the host's GPU series name in that
 *   hour (dcgm-exporter's pod mapping labels each GPU with the pod using it); the host's pods
 *   share its busy part by their spans' busy time.
 * Busy time of a span counts in the hour its start falls in.
 */
export type GpuJoin = 'served_model' | 'host' | 'server_address' | 'k8s_pod';
export const GPU_JOINS: readonly GpuJoin[] = ['served_model', 'host', 'server_address', 'k8s_pod'];

export interface GpuCostQuery {
  projectId: string;
  from: Date;
  to: Date;
  join?: GpuJoin;
  spreadIdle?: boolean;
}

export interface GpuCostLine {
  hour: number;
  host: string;
  /** null: the idle line. */
  tenant: string | null;
  usd: string;
  busySeconds: number;
}

export interface GpuCostResult {
  join: GpuJoin;
  spreadIdle: boolean;
  /** Exact USD of every GPU-hour in the range (= Σ lines). */
  totalUsd: string;
  idleUsd: string;
  lines: GpuCostLine[];
  byTenant: { tenant: string; usd: string; busySeconds: number }[];
  byHost: { host: string; usd: string; idleUsd: string; gpuHours: number; utilization: number | null }[];
  /** GPUs that reported but have no price: their hours cost 0 here, and the UI says so. */
  unpriced: { host: string; gpuModel: string; gpuHours: number }[];
}

const HOUR = 3_600_000;

interface GpuHourRow { hour: string; host: string; gpu_uuid: string; gpu_index: string; gpu_model: string; util: number | null; pods: string[] }
interface BusyRow { hour: string; __key: string; tenant: string; busy: string }

function busyQuery(q: GpuCostQuery, join: GpuJoin, keys: string[]) {
  const key = join === 'served_model' ? sql`if(response_model IN ${keys}, response_model, request_model)`
    : join === 'host' ? sql`host` : join === 'k8s_pod' ? sql`k8s_pod` : sql`replaceRegexpOne(attributes['server.address'], ':[0-9]+$', '')`;
  return sql`
    SELECT toString(intDiv(toUnixTimestamp64Milli(start_time), ${HOUR}) * ${HOUR}) AS hour, ${key} AS __key, tenant, toString(sum(duration_ns)) AS busy
    FROM spans FINAL
    WHERE project_id = ${q.projectId} AND start_time >= ${q.from} AND start_time < ${q.to} AND usage_counted AND __key IN ${keys}
    GROUP BY hour, __key, tenant`;
}

export async function gpuCost(store: Store, q: GpuCostQuery): Promise<GpuCostResult> {
  const join = q.join ?? 'served_model';
  const spreadIdle = q.spreadIdle === true;
  const hourFrom = new Date(Math.floor(q.from.getTime() / HOUR) * HOUR);
  const [gpus, prices] = await Promise.all([
    store.query<GpuHourRow>(sql`
      SELECT toString(intDiv(toUnixTimestamp64Milli(time), ${HOUR}) * ${HOUR}) AS hour, host, gpu_uuid, gpu_index,
        anyIf(gpu_model, gpu_model != '') AS gpu_model, avgIfOrNull(canonical_value, canonical = 'gpu.utilization') AS util,
        groupUniqArrayIf(k8s_pod, k8s_pod != '') AS pods
      FROM metric_points FINAL
      WHERE project_id = ${q.projectId} AND time >= ${hourFrom} AND time < ${q.to} AND startsWith(canonical, 'gpu.')
        AND (gpu_uuid != '' OR gpu_index != '')
      GROUP BY hour, host, gpu_uuid, gpu_index`),
    listGpuPrices(store, q.projectId),
  ]);
  // Which busy-time keys belong to which host in which hour.
  const keysOf = new Map<string, Set<string>>();
  if (join === 'served_model') {
    const served = await store.query<{ hour: string; host: string; model: string }>(sql`
      SELECT toString(intDiv(toUnixTimestamp64Milli(time), ${HOUR}) * ${HOUR}) AS hour, host, model_name AS model
      FROM metric_points FINAL
      WHERE project_id = ${q.projectId} AND time >= ${hourFrom} AND time < ${q.to} AND startsWith(canonical, 'inference.') AND model_name != ''
      GROUP BY hour, host, model`);
    for (const s of served) {
      const k = `${s.hour}|${s.host}`;
      if (!keysOf.has(k)) keysOf.set(k, new Set());
      keysOf.get(k)!.add(s.model);
    }
  } else if (join === 'k8s_pod') {
    for (const g of gpus) {
      const k = `${g.hour}|${g.host}`;
      if (!keysOf.has(k)) keysOf.set(k, new Set());
      for (const pod of g.pods) keysOf.get(k)!.add(pod);
    }
  } else {
    for (const g of gpus) keysOf.set(`${g.hour}|${g.host}`, new Set([g.host]));
  }
  const allKeys = [...new Set([...keysOf.values()].flatMap((s) => [...s]))];
  const busyRows = allKeys.length === 0 ? [] : await store.query<BusyRow>(busyQuery(q, join, allKeys));
  const busy = new Map<string, Map<string, bigint>>(); // hour|key → tenant → ns
  for (const b of busyRows) {
    const k = `${b.hour}|${b.__key}`;
    if (!busy.has(k)) busy.set(k, new Map());
    busy.get(k)!.set(b.tenant, BigInt(b.busy));
  }

  // GPU-hours → host-hours with their cost.
  const hostHours = new Map<string, HostHour & { utils: number[]; gpuHours: number }>();
  const unpriced = new Map<string, { host: string; gpuModel: string; gpuHours: number }>();
  for (const g of gpus) {
    const hour = Number(g.hour);
    const overlap = Math.min(hour + HOUR, q.to.getTime()) - Math.max(hour, q.from.getTime());
    if (overlap <= 0) continue;
    const k = `${g.hour}|${g.host}`;
    let h = hostHours.get(k);
    if (!h) {
      const tenants = new Map<string, bigint>();
      for (const key of keysOf.get(k) ?? []) for (const [t, ns] of busy.get(`${g.hour}|${key}`) ?? []) tenants.set(t, (tenants.get(t) ?? 0n) + ns);
      h = { hour, host: g.host, costPico: 0n, utilization: null, busyNs: tenants, utils: [], gpuHours: 0 };
      hostHours.set(k, h);
    }
    h.gpuHours += overlap / HOUR;
    if (g.util !== null) h.utils.push(Number(g.util));
    const price = priceFor(prices, g.host, g.gpu_model, hour);
    if (price) h.costPico += (usdToPico(price.usdPerGpuHour) * BigInt(overlap)) / BigInt(HOUR);
    else {
      const u = unpriced.get(`${g.host}|${g.gpu_model}`) ?? { host: g.host, gpuModel: g.gpu_model, gpuHours: 0 };
      u.gpuHours += overlap / HOUR;
      unpriced.set(`${g.host}|${g.gpu_model}`, u);
    }
  }
  const split: SplitLine[] = [];
  for (const h of hostHours.values()) {
    h.utilization = h.utils.length ? h.utils.reduce((a, b) => a + b, 0) / h.utils.length : null;
    split.push(...splitHostHour(h, spreadIdle));
  }
  split.sort((a, b) => a.hour - b.hour || (a.host < b.host ? -1 : a.host > b.host ? 1 : 0) || ((a.tenant ?? '\uffff') < (b.tenant ?? '\uffff') ? -1 : 1));
  return summarize(join, spreadIdle, split, [...hostHours.values()], [...unpriced.values()]);
}

function summarize(join: GpuJoin, spreadIdle: boolean, split: SplitLine[], hosts: (HostHour & { gpuHours: number })[], unpriced: GpuCostResult['unpriced']): GpuCostResult {
  let total = 0n;
  let idle = 0n;
  const tenants = new Map<string, { pico: bigint; ns: bigint }>();
  const byHost = new Map<string, { pico: bigint; idle: bigint; gpuHours: number; utilSum: number; utilN: number }>();
  for (const h of hosts) {
    const e = byHost.get(h.host) ?? { pico: 0n, idle: 0n, gpuHours: 0, utilSum: 0, utilN: 0 };
    e.gpuHours += h.gpuHours;
    if (h.utilization !== null) {
      e.utilSum += h.utilization;
      e.utilN++;
    }
    byHost.set(h.host, e);
  }
  for (const l of split) {
    total += l.costPico;
    const e = byHost.get(l.host)!;
    e.pico += l.costPico;
    if (l.tenant === null) {
      idle += l.costPico;
      e.idle += l.costPico;
    } else {
      const t = tenants.get(l.tenant) ?? { pico: 0n, ns: 0n };
      t.pico += l.costPico;
      t.ns += l.busyNs;
      tenants.set(l.tenant, t);
    }
  }
  const secs = (ns: bigint) => Number(ns / 1_000_000n) / 1000;
  return {
    join, spreadIdle, totalUsd: picoToUsd(total), idleUsd: picoToUsd(idle),
    lines: split.map((l) => ({ hour: l.hour, host: l.host, tenant: l.tenant, usd: picoToUsd(l.costPico), busySeconds: secs(l.busyNs) })),
    byTenant: [...tenants].sort((a, b) => (b[1].pico > a[1].pico ? 1 : b[1].pico < a[1].pico ? -1 : a[0] < b[0] ? -1 : 1))
      .map(([tenant, t]) => ({ tenant, usd: picoToUsd(t.pico), busySeconds: secs(t.ns) })),
    byHost: [...byHost].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([host, e]) => ({
      host, usd: picoToUsd(e.pico), idleUsd: picoToUsd(e.idle), gpuHours: e.gpuHours, utilization: e.utilN ? e.utilSum / e.utilN : null,
    })),
    unpriced,
  };
}
