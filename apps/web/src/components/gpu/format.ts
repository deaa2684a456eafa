/** Units of the GPU page: every number says what it is in. */
const GIB = 1024 ** 3;

export const formatGiB = (bytes: number | null | undefined): string => (bytes == null || !Number.isFinite(bytes) ? '—' : `${(bytes / GIB).toFixed(bytes >= 100 * GIB ? 0 : 1)} GiB`);
export const formatWatts = (w: number | null | undefined): string => (w == null || !Number.isFinite(w) ? '—' : `${Math.round(w)} W`);
export const formatCelsius = (c: number | null | undefined): string => (c == null || !Number.isFinite(c) ? '—' : `${Math.round(c)} °C`);
export const formatRate = (v: number | null | undefined, what: string): string =>
  v == null || !Number.isFinite(v) ? '—' : `${v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(v >= 10 ? 1 : 2)} ${what}/s`;
export const formatHours = (h: number): string => `${h.toFixed(h >= 10 ? 0 : 1)} h`;

/** A GPU's short name: host/index (or the uuid's head when there is no index). */
export const gpuLabel = (r: Record<string, unknown>): string => `${String(r.host || '?')}/${r.gpu_index !== '' && r.gpu_index != null ? `gpu${String(r.gpu_index)}` : String(r.gpu_uuid).slice(0, 12)}`;

/** Below this mean utilization a GPU is called idle. */
export const IDLE_THRESHOLD = 0.05;
