import { describe, expect, it } from 'vitest';
import { messageSummary, parseMessages } from './messages.ts';

describe('parseMessages', () => {
  it('reads OTel GenAI parts, including tool calls', () => {
    const text = JSON.stringify([
      { role: 'user', parts: [{ type: 'text', content: 'Refund window?' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', name: 'lookup', arguments: { q: 'refund' } }], finish_reason: 'tool_calls' },
    ]);
    expect(parseMessages(text)).toEqual([
      { role: 'user', text: 'Refund window?' },
      { role: 'assistant', text: '→ lookup({"q":"refund"})' },
    ]);
  });

  it('reads OpenAI-style content strings, content arrays and tool_calls', () => {
    const text = JSON.stringify({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'hi' }] },
        { role: 'assistant', content: null, tool_calls: [{ function: { name: 'search', arguments: '{"q":"x"}' } }] },
      ],
    });
    expect(parseMessages(text)).toEqual([
      { role: 'system', text: 'Be brief.' },
      { role: 'user', text: 'hi' },
      { role: 'assistant', text: '→ search({"q":"x"})' },
    ]);
  });

  it.each(['plain prompt', '{"not":"a message"}', '[1,2]', '[', ''])('returns null for %j', (text) => {
    expect(parseMessages(text)).toBeNull();
  });
});

it('messageSummary gives the last message text on one line, or the raw text', () => {
  expect(messageSummary(JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'a\n b' }] }]))).toBe('a b');
  expect(messageSummary('  just   text ')).toBe('just text');
});
