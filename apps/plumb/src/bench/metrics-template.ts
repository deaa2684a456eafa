/**
 * OTLP protobuf ExportMetricsServiceRequest bodies shaped like a GPU fleet's dcgm-exporter
 * gauges (one resource per host; per GPU the DCGM fields with gpu / UUID / modelName labels),
 * encoded by hand (the wire format is small). The load generator encodes one body per exporter
 * (metricsStamper) and stamps each request's time and values into a copy, so every point is new
 * while the sender spends little of the machine the collector is measured on.
 */
const FIELDS = ['DCGM_FI_DEV_GPU_UTIL', 'DCGM_FI_DEV_FB_USED', 'DCGM_FI_DEV_FB_FREE', 'DCGM_FI_DEV_POWER_USAGE', 'DCGM_FI_DEV_GPU_TEMP',
  'DCGM_FI_PROF_SM_ACTIVE', 'DCGM_FI_PROF_PIPE_TENSOR_ACTIVE', 'DCGM_FI_DEV_SM_CLOCK', 'DCGM_FI_DEV_MEM_CLOCK', 'DCGM_FI_DEV_MEM_COPY_UTIL'];

class W {
  private parts: Buffer[] = [];
  varint(n: number): this {
    const out: number[] = [];
    let v = n;
    while (v >= 0x80) {
      out.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    out.push(v);
    this.parts.push(Buffer.from(out));
    return this;
  }
  tag(field: number, wire: number): this {
    return this.varint((field << 3) | wire);
  }
  bytes(field: number, b: Buffer): this {
    this.tag(field, 2).varint(b.length);
    this.parts.push(b);
    return this;
  }
  string(field: number, s: string): this {
    return this.bytes(field, Buffer.from(s));
  }
  fixed64(field: number, v: bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(v);
    this.tag(field, 1);
    this.parts.push(b);
    return this;
  }
  double(field: number, v: number): this {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(v);
    this.tag(field, 1);
    this.parts.push(b);
    return this;
  }
  /** Already-encoded fields, appended as they are. */
  raw(b: Buffer): this {
    this.parts.push(b);
    return this;
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

const kv = (key: string, value: string) => new W().string(1, key).bytes(2, new W().string(1, value).done()).done();

/** Pre-encoded per-GPU attribute fields (NumberDataPoint.attributes, field 7; the same in every request). */
function gpuAttrs(host: number, gpu: number): Buffer {
  return Buffer.concat([
    new W().bytes(7, kv('gpu', String(gpu))).done(),
    new W().bytes(7, kv('UUID', `GPU-${host.toString(16).padStart(4, '0')}-${gpu}-bench`)).done(),
    new W().bytes(7, kv('modelName', 'NVIDIA H100 80GB HBM3')).done(),
    new W().bytes(7, kv('Hostname', `gpu-node-${host}`)).done(),
  ]);
}

export interface MetricsBodyShape {
  hosts: number;
  gpusPerHost: number;
}

/** The shape the load generator sends (320 points a request) and the raw insert arm reuses. */
export const BENCH_SHAPE: MetricsBodyShape = { hosts: 4, gpusPerHost: 8 };

export const pointsPerRequest = (s: MetricsBodyShape) => s.hosts * s.gpusPerHost * FIELDS.length;

/** The value of field `f` of GPU `g` at `timeNs` (0–99: plausible percentages, varying per export). */
const pointValue = (f: number, g: number, timeNs: bigint): number => (f * 13 + g * 7 + Number(timeNs % 97n)) % 100;

/** One request: every host × GPU × field as a gauge point at `timeNs` (host offset by `hostBase`). */
export function metricsBody(s: MetricsBodyShape, hostBase: number, timeNs: bigint): Buffer {
  const rms: Buffer[] = [];
  for (let h = 0; h < s.hosts; h++) {
    const host = hostBase + h;
    const resource = new W().bytes(1, kv('service.name', 'dcgm-exporter')).bytes(1, kv('host.name', `gpu-node-${host}`)).done();
    const attrs = Array.from({ length: s.gpusPerHost }, (_, g) => gpuAttrs(host, g));
    const metrics = FIELDS.map((name, f) => {
      const points = attrs.map((a, g) => new W().fixed64(3, timeNs).double(4, pointValue(f, g, timeNs)).raw(a).done());
      const gauge = Buffer.concat(points.map((p) => new W().bytes(1, p).done()));
      return new W().string(1, name).bytes(5, gauge).done();
    });
    const scope = Buffer.concat([new W().bytes(1, new W().string(1, 'dcgm').done()).done(), ...metrics.map((m) => new W().bytes(2, m).done())]);
    rms.push(new W().bytes(1, resource).bytes(2, scope).done());
  }
  return Buffer.concat(rms.map((rm) => new W().bytes(1, rm).done()));
}

const TIME_MARK = 0x0123_4567_89ab_cdefn;

/**
 * metricsBody(s, hostBase, timeNs) for any timeNs without re-encoding: the body is encoded once
 * with a marker time, the marker's byte offsets are found (points in body order: host, field,
 * GPU; each time field is followed by the value's tag byte and the 8-byte double), and each
 * call writes the real time and values into a copy.
 */
export function metricsStamper(s: MetricsBodyShape, hostBase: number): (timeNs: bigint) => Buffer {
  const template = metricsBody(s, hostBase, TIME_MARK);
  const mark = Buffer.alloc(8);
  mark.writeBigUInt64LE(TIME_MARK);
  const times: number[] = [];
  for (let i = template.indexOf(mark); i >= 0; i = template.indexOf(mark, i + 8)) times.push(i);
  if (times.length !== pointsPerRequest(s)) throw new Error(`metricsStamper: found ${times.length} time fields, expected ${pointsPerRequest(s)}`);
  return (timeNs) => {
    const body = Buffer.from(template);
    let k = 0;
    for (let h = 0; h < s.hosts; h++) {
      for (let f = 0; f < FIELDS.length; f++) {
        for (let g = 0; g < s.gpusPerHost; g++, k++) {
          body.writeBigUInt64LE(timeNs, times[k]!);
          body.writeDoubleLE(pointValue(f, g, timeNs), times[k]! + 9);
        }
      }
    }
    return body;
  };
}
