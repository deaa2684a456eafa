import { decodeMetricsRequestProtobuf } from '@plumb/otlp';
import { describe, expect, it } from 'vitest';
import { metricsBody, metricsStamper, pointsPerRequest } from './metrics-template.ts';

describe('bench metrics template', () => {
  it('encodes hosts × GPUs × DCGM fields as gauge points with their labels (decoded by the collector decoder)', () => {
    const shape = { hosts: 2, gpusPerHost: 3 };
    const req = decodeMetricsRequestProtobuf(metricsBody(shape, 5, 1_700_000_000_000_000_123n));
    expect(req.resourceMetrics.map((r) => r.resource['host.name'])).toEqual(['gpu-node-5', 'gpu-node-6']);
    const points: unknown[] = req.resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics.flatMap((m): unknown[] => m.points)));
    expect(points).toHaveLength(pointsPerRequest(shape));
    expect(points[1]).toMatchObject({ timeUnixNano: 1_700_000_000_000_000_123n, attributes: { gpu: '1', UUID: 'GPU-0005-1-bench', modelName: 'NVIDIA H100 80GB HBM3', Hostname: 'gpu-node-5' } });
  });

  it('stamps time and values into a copy of one encoding, byte for byte what metricsBody encodes', () => {
    const shape = { hosts: 2, gpusPerHost: 3 };
    const stamp = metricsStamper(shape, 7);
    for (const t of [1_700_000_000_000_000_123n, 1_800_000_000_000_000_000n, 5n]) expect(stamp(t).equals(metricsBody(shape, 7, t))).toBe(true);
  });
});
