const BASE = 'http://plumb.invalid';
// C0 controls, DEL, whitespace and the Unicode line/paragraph separators: browsers strip tabs
// and newlines from URLs, so "/\t/evil.example" navigates to //evil.example.
const UNSAFE_CHAR = /[\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200f\u2028\u2029\u202f\u205f\u3000\ufeff\\]/;

/** Percent-decodes until stable (bounded), so "%252F" cannot hide a slash; null if malformed. */
function decodeFully(s: string): string | null {
  let cur = s;
  for (let i = 0; i < 4; i++) {
    let next: string;
    try {
      next = decodeURIComponent(cur);
    } catch {
      return null;
    }
    if (next === cur) return cur;
    cur = next;
  }
  return cur;
}

/**
 * Where to go after sign-in: only a same-origin absolute path, so `?next=` cannot send the user
 * off-site. Refused (→ '/'): anything not starting with exactly one '/', backslashes anywhere
 * (browsers read '\' as '/'), control and space characters anywhere (browsers drop tabs/CR/LF),
 * percent-encoded forms of those in the leading part, and whatever the URL parser does not
 * resolve to our own origin (schemes such as javascript:, data:, https:).
 */
export function safeNext(next: string | null | undefined): string {
  if (!next || next.length > 2048) return '/';
  if (!next.startsWith('/') || next.startsWith('//')) return '/';
  if (UNSAFE_CHAR.test(next)) return '/';
  // An encoded slash, backslash or control right after the first '/' ("/%2F/evil", "/%09/evil")
  // is refused too: some proxies and routers decode before resolving.
  const path = next.split(/[?#]/, 1)[0]!;
  const decoded = decodeFully(path);
  if (decoded === null || decoded.startsWith('//') || /^\/[\\\u0000-\u0020\u007f]/.test(decoded)) return '/';
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return '/';
  }
  if (url.origin !== BASE) return '/';
  return next;
}
