/**
 * Login lockout with exponential back-off, per account (normalized email). The
 * FREE_FAILURES-th wrong password in a row locks the account's sign-in for 1 s, each further
 * one for twice as long (2 s, 4 s, …) up to 15 min. While locked, sign-in is answered 429 with
 * Retry-After BEFORE any password is hashed — the same answer for existing and unknown emails,
 * so the lock tells nothing about which accounts exist. A success clears the record; a record
 * with no failure for 15 min is forgotten.
 *
 * The lock slows guessing to a few dozen tries per account per hour; it also means an attacker
 * can delay a real user's sign-in by at most the current back-off (never a permanent lockout).
 * State is per process (kept on globalThis: Next bundles a copy of this module per route); with
 * several web processes an attacker gets each process's allowance.
 */
export const FREE_FAILURES = 5;
const MAX_LOCK_MS = 15 * 60_000;
const FORGET_MS = 15 * 60_000;
const MAX_ENTRIES = 100_000;

interface Entry {
  failures: number;
  lockedUntil: number;
  lastFailure: number;
}

export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();

  private key(email: string): string {
    return email.trim().toLowerCase();
  }

  /** Seconds to wait before this account may try again, or 0. */
  retryAfter(email: string, now = Date.now()): number {
    const e = this.entries.get(this.key(email));
    if (!e) return 0;
    if (now - e.lastFailure > FORGET_MS && e.lockedUntil <= now) {
      this.entries.delete(this.key(email));
      return 0;
    }
    return e.lockedUntil > now ? Math.ceil((e.lockedUntil - now) / 1000) : 0;
  }

  /** Records a wrong password; returns the lock (seconds) it starts, 0 while still free. */
  failed(email: string, now = Date.now()): number {
    const k = this.key(email);
    let e = this.entries.get(k);
    if (e && now - e.lastFailure > FORGET_MS) e = undefined;
    if (!e) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
      e = { failures: 0, lockedUntil: 0, lastFailure: now };
    }
    e.failures++;
    e.lastFailure = now;
    const over = e.failures - FREE_FAILURES + 1;
    e.lockedUntil = over > 0 ? now + Math.min(MAX_LOCK_MS, 1000 * 2 ** Math.min(over - 1, 30)) : 0;
    this.entries.delete(k);
    this.entries.set(k, e);
    return e.lockedUntil > now ? Math.ceil((e.lockedUntil - now) / 1000) : 0;
  }

  succeeded(email: string): void {
    this.entries.delete(this.key(email));
  }
}

const KEY = Symbol.for('plumb.web.loginThrottle');
type G = typeof globalThis & { [KEY]?: LoginThrottle };
export function loginThrottle(): LoginThrottle {
  return ((globalThis as G)[KEY] ??= new LoginThrottle());
}
