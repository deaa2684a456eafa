/** What a trace id must look like, said once for every place that explains a bad one. */
export const TRACE_ID_TEXT = 'A trace id is 32 hexadecimal characters (0-9, a-f), e.g. 4bf92f3577b34da6a3ce929d0e0e4736.';

/** Why `id` is not a trace id ("has 12 characters, not 32"), or null when it is one. */
export function traceIdProblem(id: string): string | null {
  if (/^[0-9a-f]{32}$/i.test(id)) return null;
  const bad = [...id].find((c) => !/[0-9a-f]/i.test(c));
  if (bad !== undefined) return `contains ${JSON.stringify(bad)}, which is not a hexadecimal digit`;
  return `has ${id.length} ${id.length === 1 ? 'character' : 'characters'}, not 32`;
}
