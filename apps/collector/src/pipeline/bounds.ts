/*
 * Bounds on decoded values that the span row cannot hold as sent. Each either fixes the value
 * (a field that is only descriptive) or says why the span must be rejected on its own
 * (`partial_success`), so one hostile span can never fail the insert of a whole batch.
 */

/** DateTime64(9) ends at 2262-04-11; a later time would fail the whole insert batch. */
export const MAX_TIME_NS = 9_223_372_036_000_000_000n;

/**
 * Largest token count accepted in one bucket of one span. No model call comes near 10^9 tokens;
 * a larger number is a unit mix-up or hostile, and summed over spans it would wrap the UInt64
 * columns (or, past 2^64, fail the insert).
 */
export const MAX_TOKENS_PER_BUCKET = 1_000_000_000;

/** OTLP span kinds are 0..5 (UNSPECIFIED..CONSUMER); anything else is stored as UNSPECIFIED. */
export function clampSpanKind(kind: number): number {
  return kind >= 0 && kind <= 5 && Number.isInteger(kind) ? kind : 0;
}

/**
 * An event's time as stored: a missing (0) time or one past what DateTime64(9) holds is
 * replaced by the span's start time. The event (an exception and its stack, say) is worth more
 * than the precision of its timestamp, and a 1970 or 2262+ time would break the trace timeline.
 */
export function eventTime(timeNs: bigint, spanStartNs: bigint): bigint {
  return timeNs > 0n && timeNs < MAX_TIME_NS ? timeNs : spanStartNs;
}

interface TokenCounts {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
}

/** Why the span's token counts cannot be stored, or null when every bucket is within bounds. */
export function tokenOverflow(n: TokenCounts): string | null {
  const buckets: [string, number][] = [
    ['input', n.inputTokens],
    ['output', n.outputTokens],
    ['cache read', n.cacheReadTokens],
    ['cache write', n.cacheWriteTokens],
    ['reasoning', n.reasoningTokens],
  ];
  for (const [bucket, v] of buckets) {
    if (!(v <= MAX_TOKENS_PER_BUCKET)) return `${bucket} token count ${v} is above ${MAX_TOKENS_PER_BUCKET}`;
  }
  return null;
}
