/**
 * cost() throughput on cache hits (every (provider, model) already looked up once).
 * Run: npx tsx packages/pricing/bench/cost.bench.ts
 */
import { PriceCatalog, type TokenUsage } from '../src/index.ts';

const catalog = new PriceCatalog([
  { id: 'in-house', provider: 'vllm', modelPattern: 'acme-*', effectiveFrom: 0, inputPerMTok: '0.05', outputPerMTok: '0.1' },
]);
const models: [string, string][] = [
  ['openai', 'gpt-4o'],
  ['openai', 'gpt-4o-mini-2024-07-18'],
  ['anthropic', 'claude-sonnet-4-5-20250929'],
  ['aws.bedrock', 'us.anthropic.claude-3-7-sonnet-20250219-v1:0'],
  ['gcp.vertex_ai', 'gemini-2.5-flash'],
  ['deepseek', 'deepseek-chat'],
  ['vllm', 'acme-70b'],
  ['openai', 'unknown-model'],
];
const usages: TokenUsage[] = Array.from({ length: 64 }, (_, i) => ({
  inputTokens: 1000 + i * 4099,
  outputTokens: 50 + i * 37,
  cacheReadTokens: i * 512,
  cacheWriteTokens: i % 3 === 0 ? 256 : 0,
  reasoningTokens: i % 2 === 0 ? 20 + i : 0,
}));
const start = Date.parse('2026-09-01T00:00:00Z');

const firstLookup = process.hrtime.bigint();
for (const [p, m] of models) catalog.cost(p, m, start, usages[0]!);
const firstMs = Number(process.hrtime.bigint() - firstLookup) / 1e6;

function run(n: number): number {
  let sink = 0n;
  for (let i = 0; i < n; i++) {
    const [p, m] = models[i % models.length]!;
    sink += catalog.cost(p, m, start + i * 1000, usages[i & 63]!).costPico;
  }
  return Number(sink % 7n);
}

run(200_000); // warm-up (JIT)
const N = 2_000_000;
const t0 = process.hrtime.bigint();
const guard = run(N);
const ns = Number(process.hrtime.bigint() - t0);
console.log(
  `first lookups of ${models.length} models: ${firstMs.toFixed(1)} ms; ` +
    `cache hits: ${Math.round((N / ns) * 1e9).toLocaleString('en-US')} cost() calls/s ` +
    `(${(ns / N).toFixed(0)} ns/call, guard ${guard})`,
);
