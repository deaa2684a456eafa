/**
 * Built-in redaction patterns (names usable in a project's `redactPatterns`). Each is a global
 * regex over one string value; a match is replaced by `[REDACTED:<name>]`, which none of the
 * patterns match again (replaying a WAL record redacts nothing twice).
 */
export const BUILTIN_PATTERNS: Record<string, RegExp> = {
  email: /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g,
  // Provider and platform secrets by their published prefixes, and generic long key=value secrets.
  api_key: /\b(?:sk|pk|rk)[-_](?:live|test|proj|ant(?:-api\d+)?)?[-_]?[A-Za-z0-9_-]{16,}\b|\bAKIA[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{36,}\b|\bxox[abprs]-[A-Za-z0-9-]{10,}\b|\bAIza[0-9A-Za-z_-]{35}\b|\bplb_[A-Za-z0-9_-]{32}\b/g,
  // 13-19 digits, optionally grouped by spaces or dashes; Luhn-checked in policy.ts.
  card: /\b(?:\d[ -]?){12,18}\d\b/g,
  bearer: /\bBearer\s+[A-Za-z0-9._~+/-]{16,}=*/g,
};

/** Luhn checksum over the digits of `s` (card numbers): keeps order numbers and timestamps. */
export function luhn(s: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) continue;
    let d = c;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}
