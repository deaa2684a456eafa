'use client';
import { useRouter, useSearchParams } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { safeNext } from '@/lib/safe-next';

/** `setupPending`: no administrator exists yet, so the form says how the first one is made. */
export function LoginForm({ setupPending }: { setupPending: boolean }) {
  const router = useRouter();
  const params = useSearchParams();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setPending(true);
    setError(null);
    try {
      const res = await fetch('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: form.get('email'), password: form.get('password') }),
      });
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
        setError(body?.error?.message ?? (res.status === 401 ? 'Wrong email or password.' : `Sign-in failed (HTTP ${res.status}).`));
        return;
      }
      router.replace(safeNext(params.get('next')));
      router.refresh();
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Network error');
    } finally {
      setPending(false);
    }
  }

  return (
    <form className="panel" onSubmit={(e) => void onSubmit(e)} aria-label="Sign in">
      <div className="brand" style={{ fontSize: 16 }}>
        <span className="brand-mark" aria-hidden="true" /> Plumb
      </div>
      <p className="muted" style={{ margin: 0 }}>
        Sign in to see traces, latency and cost.
      </p>
      <div className="field">
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" className="input" autoComplete="username" required autoFocus />
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" className="input" autoComplete="current-password" required />
      </div>
      {error && (
        <div className="banner is-error" role="alert">
          {error}
        </div>
      )}
      <button type="submit" className="btn btn-primary" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
      {setupPending && (
        <div className="banner" role="note" data-testid="setup-hint" style={{ fontSize: 12 }}>
          No administrator yet. At its first start Plumb creates one from <code>PLUMB_ADMIN_EMAIL</code> / <code>PLUMB_ADMIN_PASSWORD</code> (without
          a password it prints a generated one, once, in its log).
        </div>
      )}
    </form>
  );
}
