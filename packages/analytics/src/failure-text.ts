import { agentName } from './tree.ts';
import type { TraceSpan } from './types.ts';

// How failures are worded: span labels by category and the recognised failure kinds.

/** How a span is named in the explanation, by category. */
export function describeSpan(span: TraceSpan): string {
  switch (span.category) {
    case 'tool':
      return `tool \`${span.tool || span.name}\``;
    case 'agent':
      return `${agentName(span)} agent`;
    case 'llm':
      return `LLM call \`${span.model || span.name}\``;
    case 'retrieval':
      // OTel names retrieval spans "retrieval <source>": don't say "retrieval" twice.
      return `retrieval \`${span.name.replace(/^retrieval\s+/i, '') || span.name}\``;
    default:
      return `\`${span.name}\``;
  }
}

export function rootLabel(span: TraceSpan): string {
  return span.category === 'agent' ? agentName(span) : `\`${span.name}\``;
}

/** Recognised failure kinds, checked in order against errorType and statusMessage (lower-cased). */
const OUTCOMES: { test: RegExp; text: string }[] = [
  { test: /timed?[ _.-]?out|deadline[ _.-]?exceeded/, text: 'timed out' },
  { test: /rate[ _.-]?limit|too[ _.-]?many[ _.-]?requests|\b429\b/, text: 'was rate-limited' },
  { test: /cancel/, text: 'was cancelled' },
];

const MAX_MESSAGE = 80;

/**
 * The span's error type when it says something: OTel's `_OTHER` (what the normalizer stores for
 * an ERROR status without error.type / exception.type) says only that the span failed.
 */
export function meaningfulErrorType(span: TraceSpan): string {
  return span.errorType === '_OTHER' ? '' : span.errorType;
}

/** The origin's outcome: a recognised kind, else "failed: <errorType or short message>". */
export function failureOutcome(span: TraceSpan): string {
  const type = meaningfulErrorType(span);
  const haystack = `${type}\n${span.statusMessage}`.toLowerCase();
  for (const { test, text } of OUTCOMES) if (test.test(haystack)) return text;
  const detail = type || shortMessage(span.statusMessage);
  return detail ? `failed: ${detail}` : 'failed';
}

function shortMessage(message: string): string {
  const line = (message.split('\n')[0] ?? '').trim();
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE - 1)}…` : line;
}

/** 19999 → "19,999", without depending on the runtime's locale data. */
export function groupThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
