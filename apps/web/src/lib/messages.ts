/**
 * Chat messages inside prompt / completion text. Instrumentations store them as JSON in a few
 * shapes; this reads the common ones into plain role + text pairs for display (as text only):
 * - OTel GenAI: [{ role, parts: [{ type: 'text', content }, { type: 'tool_call', name, arguments }] }]
 * - OpenAI-style: [{ role, content: string | [{ type: 'text', text }] , tool_calls? }]
 * - either wrapped as { messages: [...] }, or a single message object.
 * Anything else returns null and is shown as raw text.
 */
export interface ChatMessage {
  role: string;
  text: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function partText(p: unknown): string {
  if (typeof p === 'string') return p;
  if (!isObj(p)) return '';
  if (typeof p.content === 'string') return p.content;
  if (typeof p.text === 'string') return p.text;
  const name = typeof p.name === 'string' ? p.name : isObj(p.function) && typeof p.function.name === 'string' ? p.function.name : '';
  if (name) {
    const args = p.arguments ?? (isObj(p.function) ? p.function.arguments : undefined);
    return `→ ${name}(${typeof args === 'string' ? args : args === undefined ? '' : JSON.stringify(args)})`;
  }
  if (p.type === 'tool_call_response' || p.type === 'tool_result') return String(p.response ?? p.result ?? '');
  return '';
}

function messageOf(m: unknown): ChatMessage | null {
  if (!isObj(m) || typeof m.role !== 'string') return null;
  const pieces: string[] = [];
  if (typeof m.content === 'string') pieces.push(m.content);
  for (const list of [m.parts, Array.isArray(m.content) ? m.content : undefined, m.tool_calls]) {
    if (Array.isArray(list)) for (const p of list) pieces.push(partText(p));
  }
  return { role: m.role, text: pieces.filter(Boolean).join('\n') };
}

export function parseMessages(text: string): ChatMessage[] | null {
  const t = text.trim();
  if (!(t.startsWith('[') || t.startsWith('{'))) return null;
  let value: unknown;
  try {
    value = JSON.parse(t);
  } catch {
    return null;
  }
  const list = Array.isArray(value) ? value : isObj(value) && Array.isArray(value.messages) ? value.messages : [value];
  const out: ChatMessage[] = [];
  for (const m of list) {
    const msg = messageOf(m);
    if (!msg) return null;
    out.push(msg);
  }
  return out.length > 0 ? out : null;
}

/** One line for a table: the last message's text (the newest user turn / the answer), else the raw text. */
export function messageSummary(text: string): string {
  const msgs = parseMessages(text);
  const last = msgs?.[msgs.length - 1];
  return (last ? last.text : text).replace(/\s+/g, ' ').trim();
}
