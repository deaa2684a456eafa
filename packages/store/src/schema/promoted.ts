/**
 * Span attributes that a typed column already holds are not stored again in the `attributes`
 * map (a smaller row: the engine's parse cost grows with the map). The convert step drops a
 * key only when its column holds exactly the value the map would (same text), and records it in
 * the bitmask column `attributes_promoted`; span detail rebuilds the key from the column, so
 * nothing is lost. The explorer's attribute filter reads through `attributeEquals`.
 *
 * PROMOTED_ATTRIBUTES is append-only: bit i of stored rows refers to entry i forever.
 * Contract for row rewrites: a column listed here is only ever filled when empty (context
 * corrections do exactly that), so a dropped, non-empty value never changes under it.
 */
import { sql, unsafeRaw, type SqlFragment } from '../sql.ts';

interface Promoted {
  /** Attribute key as sent. */
  readonly key: string;
  /** SpanRow property holding the value. */
  readonly row: 'operation' | 'provider' | 'requestModel' | 'responseModel' | 'inputTokens' | 'outputTokens' | 'cacheReadTokens'
    | 'cacheWriteTokens' | 'reasoningTokens' | 'agentName' | 'agentId' | 'toolName' | 'sessionId' | 'userId' | 'tenant'
    | 'requestType' | 'errorType';
  /** Column holding it (trusted SQL identifier). */
  readonly column: string;
}

const p = (key: string, row: Promoted['row'], column: string): Promoted => ({ key, row, column });

export const PROMOTED_ATTRIBUTES: readonly Promoted[] = [
  p('gen_ai.operation.name', 'operation', 'operation'),
  p('gen_ai.provider.name', 'provider', 'provider'),
  p('gen_ai.request.model', 'requestModel', 'request_model'),
  p('gen_ai.response.model', 'responseModel', 'response_model'),
  p('gen_ai.usage.input_tokens', 'inputTokens', 'input_tokens'),
  p('gen_ai.usage.output_tokens', 'outputTokens', 'output_tokens'),
  p('gen_ai.usage.cache_read.input_tokens', 'cacheReadTokens', 'cache_read_tokens'),
  p('gen_ai.usage.cache_creation.input_tokens', 'cacheWriteTokens', 'cache_write_tokens'),
  p('gen_ai.usage.reasoning.output_tokens', 'reasoningTokens', 'reasoning_tokens'),
  p('gen_ai.agent.name', 'agentName', 'agent_name'),
  p('gen_ai.agent.id', 'agentId', 'agent_id'),
  p('gen_ai.tool.name', 'toolName', 'tool_name'),
  p('gen_ai.conversation.id', 'sessionId', 'session_id'),
  p('session.id', 'sessionId', 'session_id'),
  p('user.id', 'userId', 'user_id'),
  p('tenant.id', 'tenant', 'tenant'),
  p('plumb.tenant', 'tenant', 'tenant'),
  p('plumb.request_type', 'requestType', 'request_type'),
  p('error.type', 'errorType', 'error_type'),
  p('llm.model_name', 'requestModel', 'request_model'),
  p('llm.token_count.prompt', 'inputTokens', 'input_tokens'),
  p('llm.token_count.completion', 'outputTokens', 'output_tokens'),
  p('ai.model.id', 'requestModel', 'request_model'),
];
if (PROMOTED_ATTRIBUTES.length > 32) throw new Error('attributes_promoted is a UInt32 bitmask');
const INDEX = new Map(PROMOTED_ATTRIBUTES.map((pa, i) => [pa.key, i]));

type Holder = { [K in Promoted['row']]: string | number };

/**
 * Drops the promoted keys whose column holds the same non-empty text; returns the remaining
 * map and the bitmask (the input map is not modified).
 */
export function promoteAttributes(attrs: Record<string, string>, row: Holder): { attributes: Record<string, string>; promoted: number } {
  let mask = 0;
  for (let i = 0; i < PROMOTED_ATTRIBUTES.length; i++) {
    const pa = PROMOTED_ATTRIBUTES[i]!;
    const v = attrs[pa.key];
    if (v === undefined || v === '') continue;
    if (String(row[pa.row]) === v) mask |= 1 << i;
  }
  if (mask === 0) return { attributes: attrs, promoted: 0 };
  // A fresh object without the dropped keys (delete would turn it into a slow dictionary).
  const out: Record<string, string> = {};
  for (const k in attrs) {
    const i = INDEX.get(k);
    if (i === undefined || !(mask & (1 << i))) out[k] = attrs[k]!;
  }
  return { attributes: out, promoted: mask >>> 0 };
}

/** The stored map with the promoted keys put back (span detail). */
export function restoreAttributes(attrs: Record<string, string>, promoted: number, row: Holder): Record<string, string> {
  if (!promoted) return attrs;
  const out = { ...attrs };
  for (let i = 0; i < PROMOTED_ATTRIBUTES.length; i++) {
    if (promoted & (1 << i)) out[PROMOTED_ATTRIBUTES[i]!.key] = String(row[PROMOTED_ATTRIBUTES[i]!.row]);
  }
  return out;
}

/** SQL: span attribute `key` equals `value`, whether stored in the map or promoted to its column. */
export function attributeEquals(key: string, value: string): SqlFragment {
  const i = INDEX.get(key);
  if (i === undefined) return sql`attributes[${key}] = ${value}`;
  const column = unsafeRaw(PROMOTED_ATTRIBUTES[i]!.column);
  return sql`(attributes[${key}] = ${value} OR (bitTest(attributes_promoted, ${i}) AND toString(${column}) = ${value}))`;
}

/** promoteAttributes applied to a row in place (its `attributes` replaced, the mask set). */
export function promoteRow(row: Holder & { attributes: Record<string, string>; attributesPromoted: number }): void {
  const { attributes, promoted } = promoteAttributes(row.attributes, row);
  row.attributes = attributes;
  row.attributesPromoted = promoted;
}
