import { attrToString, type AttrValue, type Attributes, type OtlpSpan, type TraceRequest } from '@plumb/otlp';
import { TEXT_FIELDS } from '@plumb/semconv';
import type { ContentSettings } from '@plumb/store';
import { BUILTIN_PATTERNS, luhn } from './patterns.ts';

/**
 * A project's content controls, compiled once per settings version (regexes built, key sets
 * lowered) and applied to a decoded request IN PLACE, before convert and before the WAL: what a
 * project asked not to keep never reaches a row, a log or the disk. `compile` returns null for
 * the defaults, so a project without controls pays nothing on the hot path.
 *
 * Order per value: redacted keys, dropped content (capture off), redaction patterns, the
 * per-value byte limit, the content cut (capture truncate); then the per-span byte limit. Each span touched records what was done
 * in attributes shown in its span detail: `plumb.redacted_values`, `plumb.truncated_values`,
 * `plumb.dropped_values` (counts).
 */
export const REDACTED = '[REDACTED]';
export const REDACTED_COUNT = 'plumb.redacted_values';
export const TRUNCATED_COUNT = 'plumb.truncated_values';
export const DROPPED_COUNT = 'plumb.dropped_values';

/** A custom pattern that is not a valid regular expression, or an unknown built-in name. */
export function patternProblem(p: string): string | null {
  if (BUILTIN_PATTERNS[p]) return null;
  if (p.length > 300) return 'at most 300 characters';
  try {
    new RegExp(p, 'g');
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

interface Counts {
  redacted: number;
  truncated: number;
  dropped: number;
}

const CONTENT_EXACT = new Set<string>();
const CONTENT_PREFIXES: string[] = [];
for (const k of [...TEXT_FIELDS.input, ...TEXT_FIELDS.output]) {
  if (k.endsWith('.*')) CONTENT_PREFIXES.push(k.slice(0, -1));
  else CONTENT_EXACT.add(k);
}
function isContentKey(key: string): boolean {
  if (CONTENT_EXACT.has(key)) return true;
  for (const p of CONTENT_PREFIXES) if (key.startsWith(p)) return true;
  return false;
}

/** `s` cut to at most `max` UTF-8 bytes on a character boundary. */
export function truncateUtf8(s: string, max: number): string {
  if (s.length * 3 <= max) return s;
  const buf = Buffer.from(s, 'utf8');
  if (buf.length <= max) return s;
  let n = max;
  while (n > 0 && (buf[n]! & 0xc0) === 0x80) n--;
  return buf.subarray(0, n).toString('utf8');
}

export class ContentPolicy {
  private readonly keys = new Set<string>();
  private readonly keyPrefixes: string[] = [];
  private readonly patterns: { re: RegExp; name: string }[] = [];
  /** All patterns in one alternation: one scan per string decides whether any may match. */
  private readonly anyPattern: RegExp | null = null;

  private constructor(private readonly s: ContentSettings) {
    for (const k of s.redactKeys) {
      const lower = k.trim().toLowerCase();
      if (!lower) continue;
      if (lower.endsWith('*')) this.keyPrefixes.push(lower.slice(0, -1));
      else this.keys.add(lower);
    }
    for (const p of s.redactPatterns) {
      const builtin = BUILTIN_PATTERNS[p];
      if (builtin) this.patterns.push({ re: new RegExp(builtin.source, 'g'), name: p });
      else if (patternProblem(p) === null) this.patterns.push({ re: new RegExp(p, 'g'), name: 'custom' });
    }
    if (this.patterns.length > 0) this.anyPattern = new RegExp(this.patterns.map((x) => `(?:${x.re.source})`).join('|'));
  }

  /** Null when the settings change nothing (the defaults). */
  static compile(s: ContentSettings): ContentPolicy | null {
    const active = s.capture !== 'keep' || s.redactKeys.length > 0 || s.redactPatterns.length > 0 || s.maxValueBytes > 0 || s.maxSpanBytes > 0;
    return active ? new ContentPolicy(s) : null;
  }

  /** Applies the controls to every resource, scope, span, event and link; returns the totals. */
  apply(req: TraceRequest): Counts {
    const total: Counts = { redacted: 0, truncated: 0, dropped: 0 };
    for (const rs of req.resourceSpans) {
      this.attributes(rs.resource, total);
      for (const ss of rs.scopeSpans) {
        this.attributes(ss.scope.attributes, total);
        for (const span of ss.spans) {
          const c: Counts = { redacted: 0, truncated: 0, dropped: 0 };
          this.span(span, c);
          total.redacted += c.redacted;
          total.truncated += c.truncated;
          total.dropped += c.dropped;
          if (c.redacted) span.attributes[REDACTED_COUNT] = c.redacted;
          if (c.truncated) span.attributes[TRUNCATED_COUNT] = c.truncated;
          if (c.dropped) span.attributes[DROPPED_COUNT] = c.dropped;
        }
      }
    }
    return total;
  }

  private span(span: OtlpSpan, c: Counts): void {
    this.attributes(span.attributes, c);
    for (const e of span.events) this.attributes(e.attributes, c);
    for (const l of span.links) this.attributes(l.attributes, c);
    if (span.status.message) span.status.message = this.text(span.status.message, c);
    if (this.s.maxSpanBytes > 0) this.spanLimit(span, c);
  }

  private attributes(attrs: Attributes, c: Counts): void {
    for (const key in attrs) {
      if (key === REDACTED_COUNT || key === TRUNCATED_COUNT || key === DROPPED_COUNT) continue;
      if (this.redactsKey(key)) {
        if (attrs[key] !== REDACTED) c.redacted++;
        attrs[key] = REDACTED;
        continue;
      }
      const content = this.s.capture !== 'keep' && isContentKey(key);
      if (content && this.s.capture === 'off') {
        delete attrs[key];
        c.dropped++;
        continue;
      }
      // Patterns before the capture cut: a cut through a secret would leave a prefix no
      // pattern recognizes any more.
      let v = this.value(attrs[key]!, c);
      if (content) {
        const text = typeof v === 'string' ? v : attrToString(v);
        const cut = truncateUtf8(text, this.s.captureMaxBytes);
        if (cut.length < text.length) c.truncated++;
        v = cut;
      }
      attrs[key] = v;
    }
  }

  private redactsKey(key: string): boolean {
    if (this.keys.size === 0 && this.keyPrefixes.length === 0) return false;
    const lower = key.toLowerCase();
    if (this.keys.has(lower)) return true;
    for (const p of this.keyPrefixes) if (lower.startsWith(p)) return true;
    return false;
  }

  private value(v: AttrValue, c: Counts): AttrValue {
    if (typeof v === 'string') {
      let s = this.text(v, c);
      if (this.s.maxValueBytes > 0) {
        const cut = truncateUtf8(s, this.s.maxValueBytes);
        if (cut.length < s.length) {
          c.truncated++;
          s = cut;
        }
      }
      return s;
    }
    if (Array.isArray(v)) return v.map((x) => this.value(x, c));
    if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) {
      this.attributes(v, c);
      return v;
    }
    return v;
  }

  /** The redaction patterns over one string. */
  private text(s: string, c: Counts): string {
    if (this.anyPattern === null || !this.anyPattern.test(s)) return s;
    let out = s;
    for (const { re, name } of this.patterns) {
      re.lastIndex = 0;
      if (!re.test(out)) continue;
      re.lastIndex = 0;
      out = out.replace(re, (m) => {
        if (name === 'card' && !luhn(m)) return m;
        c.redacted++;
        return `[REDACTED:${name}]`;
      });
    }
    return out;
  }

  /** Past the span limit, every string value longer than an equal share is cut to that share. */
  private spanLimit(span: OtlpSpan, c: Counts): void {
    const maps = [span.attributes, ...span.events.map((e) => e.attributes)];
    let bytes = 0;
    let n = 0;
    for (const m of maps) {
      for (const k in m) {
        const v = m[k];
        if (typeof v === 'string') {
          bytes += Buffer.byteLength(v);
          n++;
        }
      }
    }
    if (bytes <= this.s.maxSpanBytes || n === 0) return;
    const share = Math.max(16, Math.floor(this.s.maxSpanBytes / n));
    for (const m of maps) {
      for (const k in m) {
        const v = m[k];
        if (typeof v !== 'string') continue;
        const cut = truncateUtf8(v, share);
        if (cut.length < v.length) {
          m[k] = cut;
          c.truncated++;
        }
      }
    }
  }
}
