import type { Attributes } from '@plumb/otlp';

type Node = { [key: string]: unknown };

function child(node: Node, key: string): Node {
  const existing = node[key];
  if (existing !== null && typeof existing === 'object') return existing as Node;
  const created: Node = Object.create(null) as Node;
  node[key] = created;
  return created;
}

/**
 * Reassembles an indexed flattened family into an array, ordered by index:
 * `llm.input_messages.0.message.role = user`, `llm.input_messages.0.message.content = hi`
 * → `[{ message: { role: 'user', content: 'hi' } }]`. Returns undefined when no key matches.
 * Objects are prototype-less, so hostile path segments ('__proto__') are plain keys.
 */
export function unflatten(prefix: string, keys: readonly string[], attrs: Attributes): unknown[] | undefined {
  let items: Map<number, unknown> | undefined;
  for (const key of keys) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    const dot = rest.indexOf('.');
    const index = Number.parseInt(dot < 0 ? rest : rest.slice(0, dot), 10);
    if (!Number.isInteger(index) || index < 0) continue;
    items ??= new Map();
    const value = attrs[key];
    if (dot < 0) {
      items.set(index, value);
      continue;
    }
    let item = items.get(index);
    if (item === null || typeof item !== 'object') {
      item = Object.create(null) as Node;
      items.set(index, item);
    }
    const path = rest.slice(dot + 1).split('.');
    let node = item as Node;
    for (let i = 0; i < path.length - 1; i++) node = child(node, path[i]!);
    node[path[path.length - 1]!] = value;
  }
  if (items === undefined) return undefined;
  return [...items.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
}
