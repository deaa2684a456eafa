/** Where to go after sign-in: only same-origin paths, so ?next= cannot redirect off-site. */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  return next;
}
