/**
 * The demo world: tenants, request types, agents, models, tools. Data only; the scenario
 * samples from these tables. Provider names are OTel GenAI `gen_ai.provider.name` values;
 * 'vllm' is a self-hosted provider that has no public price (its cost is GPU time).
 */

export const DEMO_TENANTS = ['acme', 'globex', 'initech', 'umbrella', 'hooli'] as const;
export type DemoTenant = (typeof DEMO_TENANTS)[number];

export const DEMO_REQUEST_TYPES = ['chat', 'research_report', 'code_review', 'support_ticket', 'summarize'] as const;
export type DemoRequestType = (typeof DEMO_REQUEST_TYPES)[number];

export type AgentName = 'orchestrator' | 'planner' | 'researcher' | 'writer' | 'reviewer';
export type ToolName = 'web_search' | 'fetch_url' | 'run_sql' | 'calculator' | 'code_exec';

export interface TenantProfile {
  /** Share of traffic (relative). */
  weight: number;
  users: number;
  /** Relative request-type mix for this tenant. */
  mix: Readonly<Record<DemoRequestType, number>>;
  /** Extra weight for the self-hosted model where an agent allows it. */
  selfHostedBias: number;
}

const BASE_MIX: Record<DemoRequestType, number> = {
  chat: 40,
  summarize: 20,
  support_ticket: 18,
  code_review: 12,
  research_report: 10,
};

export const TENANTS: Readonly<Record<DemoTenant, TenantProfile>> = {
  acme: { weight: 40, users: 60, mix: BASE_MIX, selfHostedBias: 0 },
  globex: { weight: 25, users: 40, mix: { ...BASE_MIX, research_report: 25 }, selfHostedBias: 0 },
  initech: { weight: 15, users: 25, mix: { ...BASE_MIX, support_ticket: 45, chat: 20 }, selfHostedBias: 0 },
  umbrella: { weight: 12, users: 20, mix: { ...BASE_MIX, code_review: 30 }, selfHostedBias: 2 },
  hooli: { weight: 8, users: 12, mix: BASE_MIX, selfHostedBias: 6 },
};

export interface ModelSpec {
  provider: string;
  requestModel: string;
  responseModel: string;
  serverAddress: string;
  /** Median time to first token at small prompts. */
  ttftMs: number;
  decodeTokensPerSec: number;
  /** Output includes hidden reasoning tokens (o-series). */
  reasoning: boolean;
  /** Probability that part of the prompt is read from the provider's prompt cache. */
  cacheReadRate: number;
  /** Probability of a cache write (explicit prompt caching, Anthropic style). */
  cacheWriteRate: number;
  selfHosted: boolean;
}

function model(provider: string, requestModel: string, responseModel: string, serverAddress: string, over: Partial<ModelSpec>): ModelSpec {
  return {
    provider, requestModel, responseModel, serverAddress,
    ttftMs: 450, decodeTokensPerSec: 70, reasoning: false, cacheReadRate: 0, cacheWriteRate: 0, selfHosted: false,
    ...over,
  };
}

export const MODELS = {
  gpt4o: model('openai', 'gpt-4o', 'gpt-4o-2024-08-06', 'api.openai.com', { ttftMs: 500, decodeTokensPerSec: 65, cacheReadRate: 0.3 }),
  gpt4oMini: model('openai', 'gpt-4o-mini', 'gpt-4o-mini-2024-07-18', 'api.openai.com', { ttftMs: 350, decodeTokensPerSec: 95, cacheReadRate: 0.3 }),
  o3Mini: model('openai', 'o3-mini', 'o3-mini-2025-01-31', 'api.openai.com', { ttftMs: 900, decodeTokensPerSec: 140, reasoning: true, cacheReadRate: 0.2 }),
  sonnet4: model('anthropic', 'claude-sonnet-4-20250514', 'claude-sonnet-4-20250514', 'api.anthropic.com', { ttftMs: 700, decodeTokensPerSec: 65, cacheReadRate: 0.65, cacheWriteRate: 0.3 }),
  haiku35: model('anthropic', 'claude-3-5-haiku-20241022', 'claude-3-5-haiku-20241022', 'api.anthropic.com', { ttftMs: 400, decodeTokensPerSec: 110, cacheReadRate: 0.5, cacheWriteRate: 0.25 }),
  gemini20Flash: model('gcp.gemini', 'gemini-2.0-flash', 'gemini-2.0-flash-001', 'generativelanguage.googleapis.com', { ttftMs: 300, decodeTokensPerSec: 160 }),
  mistralLarge: model('mistral_ai', 'mistral-large-latest', 'mistral-large-2411', 'api.mistral.ai', { ttftMs: 450, decodeTokensPerSec: 60 }),
  mistralSmall: model('mistral_ai', 'mistral-small-latest', 'mistral-small-latest', 'api.mistral.ai', { ttftMs: 300, decodeTokensPerSec: 110 }),
  llama8b: model('vllm', 'meta-llama/Llama-3.1-8B-Instruct', 'meta-llama/Llama-3.1-8B-Instruct', 'vllm.inference.svc:8000', { ttftMs: 120, decodeTokensPerSec: 120, selfHosted: true }),
} as const satisfies Record<string, ModelSpec>;

export interface AgentProfile {
  service: string;
  models: readonly (readonly [ModelSpec, number])[];
  inputTokensMedian: number;
  outputTokensMedian: number;
}

export const AGENTS: Readonly<Record<AgentName, AgentProfile>> = {
  orchestrator: { service: 'agent-gateway', models: [[MODELS.gpt4oMini, 6], [MODELS.gemini20Flash, 3], [MODELS.llama8b, 1]], inputTokensMedian: 900, outputTokensMedian: 40 },
  planner: { service: 'planning-service', models: [[MODELS.o3Mini, 5], [MODELS.gpt4o, 3], [MODELS.sonnet4, 2]], inputTokensMedian: 1800, outputTokensMedian: 220 },
  researcher: { service: 'research-service', models: [[MODELS.gpt4oMini, 4], [MODELS.gemini20Flash, 3], [MODELS.mistralSmall, 2], [MODELS.llama8b, 1]], inputTokensMedian: 3500, outputTokensMedian: 180 },
  writer: { service: 'content-service', models: [[MODELS.sonnet4, 5], [MODELS.gpt4o, 3], [MODELS.mistralLarge, 1], [MODELS.llama8b, 1]], inputTokensMedian: 6000, outputTokensMedian: 320 },
  reviewer: { service: 'content-service', models: [[MODELS.haiku35, 5], [MODELS.gpt4oMini, 3], [MODELS.llama8b, 2]], inputTokensMedian: 4000, outputTokensMedian: 150 },
};

export interface ToolProfile {
  medianMs: number;
  timeoutMs: number;
}

export const TOOLS: Readonly<Record<ToolName, ToolProfile>> = {
  web_search: { medianMs: 800, timeoutMs: 10_000 },
  fetch_url: { medianMs: 600, timeoutMs: 15_000 },
  run_sql: { medianMs: 250, timeoutMs: 30_000 },
  calculator: { medianMs: 4, timeoutMs: 1_000 },
  code_exec: { medianMs: 1_500, timeoutMs: 30_000 },
};

/** Vector-search data sources (`gen_ai.data_source.id`) with their median latency. */
export const DATA_SOURCES = {
  docs: { id: 'docs-index', medianMs: 90 },
  support: { id: 'kb-support', medianMs: 70 },
  code: { id: 'code-index', medianMs: 140 },
  memory: { id: 'conversation-memory', medianMs: 40 },
} as const;
export type DataSource = (typeof DATA_SOURCES)[keyof typeof DATA_SOURCES];

/** Short prompt / completion texts per request type, for the spans that record content. */
export const CONTENT: Readonly<Record<DemoRequestType, readonly (readonly [string, string])[]>> = {
  chat: [
    ['What is the difference between p95 and p99 latency?', 'p95 is the value 95% of requests stay under; p99 covers all but the slowest 1%.'],
    ['Can you remind me what our refund window is?', 'Refunds are accepted within 30 days of purchase with the original receipt.'],
    ['Translate "good morning" into French and German.', 'French: "Bonjour". German: "Guten Morgen".'],
  ],
  research_report: [
    ['Write a short market overview of vector databases in 2025.', 'Vector databases matured quickly: managed offerings lead adoption, while Postgres extensions win on simplicity.'],
    ['Summarize recent research on speculative decoding.', 'Speculative decoding drafts tokens with a small model and verifies them in parallel, cutting latency 2-3x.'],
  ],
  code_review: [
    ['Review this diff: replace the sync fs call in the request handler.', 'Looks good. Consider handling ENOENT explicitly and adding a test for the missing-file path.'],
    ['Is this SQL query vulnerable to injection?', 'Yes: the tenant name is concatenated into the string. Use a bound parameter instead.'],
  ],
  support_ticket: [
    ['Customer reports invoices are missing since the last release.', 'Invoices are generated but the email job failed; re-queued 14 invoices and replied to the customer.'],
    ['User cannot reset their password; the link expires immediately.', 'The reset token TTL was set in seconds instead of minutes; issued a new link and filed a bug.'],
  ],
  summarize: [
    ['Summarize the attached meeting notes in three bullet points.', '- Launch moved to May 12\n- Budget approved\n- Hiring two SREs'],
    ['TL;DR of this 20-page contract?', 'A 2-year SaaS agreement with a 99.9% SLA, net-30 payment and a 60-day termination notice.'],
  ],
};
