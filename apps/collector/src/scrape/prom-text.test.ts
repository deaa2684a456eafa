import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parsePromText, PromParseError } from './prom-text.ts';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

/** Debian's promtool (`apt-get install prometheus`): Prometheus' own parser of this format. */
const PROMTOOL = '/usr/bin/promtool';
const hasPromtool = existsSync(PROMTOOL);
function promtool(text: string, extended = false): { code: number; out: string } {
  const r = spawnSync(PROMTOOL, ['check', 'metrics', ...(extended ? ['--extended'] : [])], { input: text, encoding: 'utf8' });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

describe('parsePromText', () => {
  it('reads a dcgm-exporter page: every family, labels (UUID, modelName, Hostname, pod), values', () => {
    const families = parsePromText(fixture('dcgm-exporter.prom'));
    expect(families.map((f) => f.name)).toContain('DCGM_FI_DEV_GPU_UTIL');
    const util = families.find((f) => f.name === 'DCGM_FI_DEV_GPU_UTIL')!;
    expect(util.type).toBe('gauge');
    expect(util.help).toBe('GPU utilization (in %).');
    expect(util.samples).toEqual([
      expect.objectContaining({ value: 87, timestampMs: null, labels: expect.objectContaining({ gpu: '0', modelName: 'NVIDIA A100-SXM4-80GB', Hostname: 'gpu-node-a', pod: 'vllm-llama-0' }) }),
      expect.objectContaining({ value: 12, labels: expect.objectContaining({ gpu: '1', UUID: 'GPU-5b0c1a7e-0000-4c1e-9d11-aa00000000a1' }) }),
    ]);
    expect(families.find((f) => f.name === 'DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION')?.type).toBe('counter');
  });

  it('groups histogram and summary samples under their family; reads escapes and timestamps', () => {
    const families = parsePromText(fixture('vllm.prom'));
    const ttft = families.find((f) => f.name === 'vllm:time_to_first_token_seconds')!;
    expect(ttft.type).toBe('histogram');
    expect(ttft.samples.map((s) => s.name)).toEqual([...Array(6).fill('vllm:time_to_first_token_seconds_bucket'), 'vllm:time_to_first_token_seconds_sum', 'vllm:time_to_first_token_seconds_count']);
    expect(ttft.samples[5]!.labels.le).toBe('+Inf');
    expect(families.find((f) => f.name === 'rpc_duration_seconds')!.samples).toHaveLength(4);
    const esc = families.find((f) => f.name === 'escaped_label_total')!.samples[0]!;
    expect(esc.labels).toEqual({ path: 'C:\\models\\llama', msg: 'said "hi"\nbye' });
    expect(esc.timestampMs).toBe(1767225600000);
  });

  it('reads NaN, ±Inf, blank lines, comments, trailing commas and tabs', () => {
    const [f] = parsePromText('# a comment\n\nfoo{a="1",}\t NaN\nfoo{a="2"} +Inf -5\nfoo -Inf\n');
    expect(Number.isNaN(f!.samples[0]!.value)).toBe(true);
    expect(f!.samples[1]).toMatchObject({ value: Infinity, timestampMs: -5 });
    expect(f!.samples[2]!.value).toBe(-Infinity);
  });
});

/** Lines promtool refuses (each checked against promtool below when it is installed). */
const INVALID = [
  'foo 1 2 3',
  'foo abc',
  '{a="b"} 1',
  'foo{a=b} 1',
  'foo{a="1",a="2"} 1',
  'foo{a="\\q"} 1',
  'foo 1 1.5',
  '9foo 1',
  'foo 0x1F',
  'foo{a="1" 3',
  'foo',
  '# TYPE foo nonsense\nfoo 1',
];
const VALID = ['foo NaN', 'foo +Inf 123', 'foo{} 1', 'foo{a="1",} 1', 'foo 1e-3', 'foo\t2', 'foo{a="x y"} 1 -1'];

describe('agreement with promtool', () => {
  it.each(INVALID)('refuses %j, naming the line', (text) => {
    expect(() => parsePromText(text)).toThrow(PromParseError);
    expect(() => parsePromText(`ok 1\n${text}`)).toThrow(/^line 2: /);
  });
  it.each(VALID)('accepts %j', (text) => {
    expect(parsePromText(text)).toHaveLength(1);
  });

  it.skipIf(!hasPromtool)('promtool refuses exactly the lines we refuse and parses the fixtures', () => {
    for (const text of INVALID) expect(promtool(`${text}\n`).out, text).toMatch(/parsing error/);
    for (const text of VALID) expect(promtool(`${text}\n`).out, text).not.toMatch(/parsing error/);
    for (const name of ['dcgm-exporter.prom', 'vllm.prom']) {
      const r = promtool(fixture(name));
      // 3 = lint findings only (dcgm-exporter's camelCase labels, vLLM's ':' names): parsed fine.
      expect([0, 3], `${name}: ${r.out}`).toContain(r.code);
      expect(r.out).not.toMatch(/parsing error/);
    }
  });

  it.skipIf(!hasPromtool)('counts the same samples per family as promtool --extended', () => {
    // promtool prints cardinality only for lint-clean input: a lint-clean page of every type.
    const text = [
      '# HELP gpu_power_watts Power.', '# TYPE gpu_power_watts gauge', 'gpu_power_watts{gpu="0"} 250', 'gpu_power_watts{gpu="1"} 90',
      '# HELP req_seconds Latency.', '# TYPE req_seconds histogram',
      'req_seconds_bucket{le="0.1"} 1', 'req_seconds_bucket{le="1"} 3', 'req_seconds_bucket{le="+Inf"} 4', 'req_seconds_sum 2.5', 'req_seconds_count 4',
      '# HELP rpc_seconds RPC.', '# TYPE rpc_seconds summary', 'rpc_seconds{quantile="0.5"} 0.1', 'rpc_seconds_sum 1', 'rpc_seconds_count 9',
      '# HELP jobs_total Jobs.', '# TYPE jobs_total counter', 'jobs_total{kind="a"} 3', 'jobs_total{kind="b"} 4', 'jobs_total{kind="c"} 5',
    ].join('\n') + '\n';
    const r = promtool(text, true);
    expect(r.code, r.out).toBe(0);
    const theirs = Object.fromEntries([...r.out.matchAll(/^(\w+)\s+(\d+)\s+[\d.]+%/gm)].filter((m) => m[1] !== 'Total').map((m) => [m[1], Number(m[2])]));
    const ours = Object.fromEntries(parsePromText(text).map((f) => [f.name, f.samples.length]));
    expect(ours).toEqual(theirs);
  });
});
