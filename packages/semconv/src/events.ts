import type { AttrValue, OtlpSpan } from '@plumb/otlp';
import { asNumber, asString } from './values.ts';

/** What span events contribute: error type, content carried off-span, stream timing. */
export interface EventFacts {
  exceptionType: string;
  /** `gen_ai.client.inference.operation.details` content (undefined when absent). */
  inputMessages: AttrValue | undefined;
  outputMessages: AttrValue | undefined;
  /** From Vercel's `ai.stream.firstChunk` event; NaN when absent. */
  ttftMs: number;
}

const NONE: EventFacts = Object.freeze({
  exceptionType: '',
  inputMessages: undefined,
  outputMessages: undefined,
  ttftMs: NaN,
});

export function readEvents(span: OtlpSpan): EventFacts {
  const events = span.events;
  if (events.length === 0) return NONE;
  let exceptionType = '';
  let inputMessages: AttrValue | undefined;
  let outputMessages: AttrValue | undefined;
  let ttftMs = NaN;
  for (const ev of events) {
    switch (ev.name) {
      case 'exception':
        if (exceptionType === '') exceptionType = asString(ev.attributes['exception.type']);
        break;
      case 'gen_ai.client.inference.operation.details':
        inputMessages ??= ev.attributes['gen_ai.input.messages'];
        outputMessages ??= ev.attributes['gen_ai.output.messages'];
        break;
      case 'ai.stream.firstChunk': {
        if (ttftMs === ttftMs) break;
        const reported = asNumber(ev.attributes['ai.response.msToFirstChunk']);
        ttftMs =
          reported === reported
            ? reported
            : Number(ev.timeUnixNano - span.startTimeUnixNano) / 1e6;
        break;
      }
    }
  }
  return { exceptionType, inputMessages, outputMessages, ttftMs };
}
