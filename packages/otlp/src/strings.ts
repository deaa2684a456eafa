/*
 * Every string Plumb stores must be valid Unicode: a lone UTF-16 surrogate serializes as the
 * JSON escape "\ud83d", which ClickHouse refuses (CANNOT_PARSE_ESCAPE_SEQUENCE) and which fails
 * the whole insert batch. Lone surrogates can only come from OTLP/JSON `\uXXXX` escapes (UTF-8
 * decoding, protobuf or a JSON body, already yields U+FFFD for bad bytes) or from cutting a
 * string between the two halves of a pair; these two helpers close both doors.
 */

type WellFormedString = string & { isWellFormed(): boolean; toWellFormed(): string };

/** `s` with each lone surrogate replaced by U+FFFD (the same string when already valid). */
export function wellFormed(s: string): string {
  // Native (Node ≥ 20): O(1) for one-byte strings, a linear scan otherwise.
  const w = s as WellFormedString;
  return w.isWellFormed() ? s : w.toWellFormed();
}

/** The first `max` UTF-16 units of `s`, one fewer when unit `max - 1` starts a surrogate pair. */
export function truncateUtf16(s: string, max: number): string {
  if (s.length <= max) return s;
  if (max <= 0) return '';
  const last = s.charCodeAt(max - 1);
  return s.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}
