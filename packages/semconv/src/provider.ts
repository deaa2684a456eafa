/**
 * Provider names → OTel `gen_ai.provider.name` values.
 *
 * Inputs seen in the wild: current OTel values, deprecated `gen_ai.system` values
 * (`vertex_ai`, `az.ai.openai`, `xai`), OpenLLMetry's mixed-case names (`OpenAI`, `Anthropic`),
 * OpenInference `llm.system` / `llm.provider` (`vertexai`, `mistralai`, `azure`, `aws`) and Vercel
 * provider ids with an API suffix (`openai.chat`, `anthropic.messages`, `google.vertex.chat`).
 */

/** Canonical name → aliases. Alias keys are compared after `squash` (case, space, '-', '_'). */
const CANONICAL: Readonly<Record<string, readonly string[]>> = {
  openai: ['openai'],
  anthropic: ['anthropic'],
  'aws.bedrock': ['aws.bedrock', 'bedrock', 'amazon-bedrock', 'aws', 'amazon', 'aws bedrock'],
  'azure.ai.openai': ['azure.ai.openai', 'az.ai.openai', 'azure', 'azure-openai', 'azure openai'],
  'azure.ai.inference': ['azure.ai.inference', 'az.ai.inference'],
  'gcp.gemini': ['gcp.gemini', 'gemini', 'google.generative-ai', 'google-generative-ai', 'google.gemini'],
  'gcp.vertex_ai': [
    'gcp.vertex_ai', 'vertex_ai', 'vertexai', 'vertex', 'google.vertex', 'google-vertex',
    'vertex.anthropic', 'google.vertex.anthropic',
  ],
  'gcp.gen_ai': ['gcp.gen_ai', 'google'],
  cohere: ['cohere'],
  'ibm.watsonx.ai': ['ibm.watsonx.ai', 'watsonx', 'ibm'],
  perplexity: ['perplexity'],
  x_ai: ['x_ai', 'xai'],
  deepseek: ['deepseek'],
  groq: ['groq'],
  mistral_ai: ['mistral_ai', 'mistralai', 'mistral'],
  moonshot_ai: ['moonshot_ai', 'moonshot', 'moonshotai'],
};

/** Vercel provider-id suffixes naming the API, not the provider (`openai.chat`). */
const API_SUFFIXES = new Set([
  'chat', 'completion', 'completions', 'responses', 'messages', 'embedding', 'embeddings',
  'textembedding', 'image', 'transcription', 'speech', 'rerank', 'reranking',
]);

function squash(s: string): string {
  return s.toLowerCase().replace(/[\s_-]+/g, '');
}

const ALIASES = new Map<string, string>();
for (const [canonical, aliases] of Object.entries(CANONICAL)) {
  for (const alias of aliases) ALIASES.set(squash(alias), canonical);
}

function resolve(raw: string): string {
  const lower = raw.trim().toLowerCase();
  if (lower === '') return '';
  const direct = ALIASES.get(squash(lower));
  if (direct !== undefined) return direct;
  // Dotted ids: try ever shorter prefixes ('google.vertex.chat' → 'google.vertex').
  let cut = lower.lastIndexOf('.');
  while (cut > 0) {
    const hit = ALIASES.get(squash(lower.slice(0, cut)));
    if (hit !== undefined) return hit;
    cut = lower.lastIndexOf('.', cut - 1);
  }
  const dot = lower.lastIndexOf('.');
  if (dot > 0 && API_SUFFIXES.has(squash(lower.slice(dot + 1)))) return lower.slice(0, dot);
  return lower;
}

// Provider strings have tiny cardinality: memoize so the hot path is one Map lookup.
const MEMO_LIMIT = 1024;
const memo = new Map<string, string>();

export function normalizeProvider(raw: string): string {
  let out = memo.get(raw);
  if (out === undefined) {
    out = resolve(raw);
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(raw, out);
  }
  return out;
}

/**
 * OpenInference has two provider attributes: `llm.provider` (who hosts the model) and
 * `llm.system` (whose model it is). OTel's provider is the hosting API, so a cloud host wins:
 * azure + openai → azure.ai.openai, aws → aws.bedrock, google + vertexai → gcp.vertex_ai.
 */
export function openInferenceProvider(system: string, provider: string): string {
  const host = normalizeProvider(provider);
  const sys = normalizeProvider(system);
  switch (host) {
    case 'azure.ai.openai':
      return sys === '' || sys === 'openai' ? host : 'azure.ai.inference';
    case 'aws.bedrock':
      return host;
    case 'gcp.gen_ai':
      return sys === 'gcp.vertex_ai' || sys === 'gcp.gemini' ? sys : host;
    default:
      return sys !== '' ? sys : host;
  }
}
