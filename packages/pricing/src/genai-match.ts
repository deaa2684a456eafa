import { findProvider } from '@pydantic/genai-prices';
import type { MatchLogic, ModelInfo, Provider } from '@pydantic/genai-prices';

/**
 * Finds the genai-prices model for a (provider, model) pair as normalized by @plumb/semconv.
 * Matching rules follow genai-prices (lower-cased, trimmed model id; equals/starts_with/
 * ends_with/contains case-insensitive; regex as written; a provider's
 * fallback_model_providers; compact date suffixes -YYYYMMDD retried as -YYYY-MM-DD), plus
 * our own normalizations for ids as they appear in telemetry (see resolveBundledModel).
 */

export interface BundledMatch {
  provider: Provider;
  model: ModelInfo;
}

/** Our provider names (OTel gen_ai.provider.name values and common aliases) → genai-prices
 *  provider ids. Names not listed are passed to genai-prices as-is (its own id/provider_match). */
const PROVIDER_ALIASES: Readonly<Record<string, string>> = {
  'aws.bedrock': 'aws',
  'amazon-bedrock': 'aws',
  bedrock: 'aws',
  'azure.ai.openai': 'azure',
  'azure.ai.inference': 'azure',
  'azure-openai': 'azure',
  azure_openai: 'azure',
  'gcp.vertex_ai': 'google',
  'gcp.gemini': 'google',
  'gcp.gen_ai': 'google',
  vertex_ai: 'google',
  gemini: 'google',
  mistral_ai: 'mistral',
  mistralai: 'mistral',
  x_ai: 'x-ai',
  xai: 'x-ai',
  fireworks_ai: 'fireworks',
  together_ai: 'together',
  moonshot: 'moonshotai',
  moonshot_ai: 'moonshotai',
  zhipu: 'zhipuai',
};

/** Region prefixes of Bedrock cross-region inference profiles, e.g. "us.anthropic.claude-…". */
const BEDROCK_REGION_RE = /^(?:us|us-gov|eu|apac|ap|jp|au|ca|in|global)\./;
const BEDROCK_VENDOR_RE = /^([a-z0-9-]+)\.(.+)$/;
const BEDROCK_VERSION_RE = /-v\d+(?::\d+)?$/;
const COMPACT_DATE_RE = /-(20\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=-|:|$)/g;

const regexCache = new Map<string, RegExp | null>();

function compiledRegex(source: string): RegExp | null {
  let re = regexCache.get(source);
  if (re === undefined) {
    try {
      re = new RegExp(source);
    } catch {
      re = null;
    }
    regexCache.set(source, re);
  }
  return re;
}

/** `name` must already be lower-cased. */
export function matchLogic(logic: MatchLogic, name: string): boolean {
  if ('or' in logic) return logic.or.some((l) => matchLogic(l, name));
  if ('and' in logic) return logic.and.every((l) => matchLogic(l, name));
  if ('equals' in logic) return name === logic.equals.toLowerCase();
  if ('starts_with' in logic) return name.startsWith(logic.starts_with.toLowerCase());
  if ('ends_with' in logic) return name.endsWith(logic.ends_with.toLowerCase());
  if ('contains' in logic) return name.includes(logic.contains.toLowerCase());
  if ('regex' in logic) return compiledRegex(logic.regex)?.test(name) ?? false;
  return false;
}

/** "-20240620" → "-2024-06-20" for valid calendar dates only. */
export function dashDateSuffixes(name: string): string {
  return name.replace(COMPACT_DATE_RE, (whole, y: string, m: string, d: string) => {
    const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
    return date.getUTCMonth() === Number(m) - 1 ? `-${y}-${m}-${d}` : whole;
  });
}

/** Maps one of our provider names to a genai-prices provider; undefined when unknown. */
export function genaiProvider(provider: string): Provider | undefined {
  const name = provider.trim().toLowerCase();
  if (name === '') return undefined;
  const alias = PROVIDER_ALIASES[name];
  const found = findProvider({ providerId: alias ?? name });
  if (found || alias) return found;
  // Instrumentation-specific suffixes such as "openai.responses" or "anthropic.messages".
  const dot = name.indexOf('.');
  return dot > 0 ? genaiProvider(name.slice(0, dot)) : undefined;
}

/** The match is reported under the provider whose data holds the model (for a fallback such
 *  as Azure → OpenAI that is the fallback provider), so the price id names the real row. */
function findInProvider(provider: Provider, name: string, depth = 0): BundledMatch | undefined {
  const direct = provider.models.find((m) => matchLogic(m.match, name));
  if (direct) return { provider, model: direct };
  if (depth > 0) return undefined;
  for (const id of provider.fallback_model_providers ?? []) {
    const fallback = findProvider({ providerId: id });
    const found = fallback && findInProvider(fallback, name, depth + 1);
    if (found) return found;
  }
  return undefined;
}

function tryModel(provider: Provider | undefined, name: string): BundledMatch | undefined {
  if (!provider || name === '') return undefined;
  const found = findInProvider(provider, name);
  if (found) return found;
  const dashed = dashDateSuffixes(name);
  return dashed === name ? undefined : findInProvider(provider, dashed);
}

/**
 * Lookup order for a model id `m` under provider P (first hit wins):
 * 1. P with m (and m with dashed dates), including P's fallback providers;
 * 2. when m is "x/y[/…]": P with the part after the first '/', then the provider named x
 *    with it (e.g. "openai/gpt-4o", "azure/gpt-4o"), then P with the last path segment
 *    ("models/gemini-1.5-pro", "publishers/google/models/…");
 * 3. on Bedrock: strip the region prefix, vendor prefix and -vN:M suffix
 *    ("us.anthropic.claude-3-5-sonnet-20240620-v1:0" → anthropic, "claude-3-5-sonnet-20240620").
 * With an empty provider, P is inferred from the model id the way genai-prices does
 * (each provider's model_match). A non-empty provider genai-prices does not know stays
 * unpriced, so self-hosted models are never priced at some vendor's list price.
 */
export function resolveBundledModel(provider: string, model: string): BundledMatch | undefined {
  const m = model.trim().toLowerCase();
  if (m === '') return undefined;
  const inferred = provider.trim() === '';
  const p = inferred ? findProvider({ modelId: m }) : genaiProvider(provider);

  const direct = tryModel(p, m);
  if (direct) return direct;

  const slash = m.indexOf('/');
  if (slash > 0) {
    const rest = m.slice(slash + 1);
    const viaPrefix =
      tryModel(p, rest) ??
      tryModel(genaiProvider(m.slice(0, slash)), rest) ??
      tryModel(p, m.slice(m.lastIndexOf('/') + 1)) ??
      (inferred ? resolveBundledModel('', rest) : undefined);
    if (viaPrefix) return viaPrefix;
  }

  if (p?.id === 'aws') {
    const vendorMatch = BEDROCK_VENDOR_RE.exec(m.replace(BEDROCK_REGION_RE, ''));
    if (vendorMatch) {
      const bare = (vendorMatch[2] ?? '').replace(BEDROCK_VERSION_RE, '');
      return tryModel(p, bare) ?? tryModel(genaiProvider(vendorMatch[1] ?? ''), bare);
    }
  }
  return undefined;
}
