import type { Metadata } from 'next';
import Link from 'next/link';
import { AppShell } from '@/components/AppShell';
import { currentUser } from './(app)/session';

export const metadata: Metadata = { title: 'Page not found' };

/** Any unknown address: the app's header and navigation stay, with a way back (HTTP 404). */
export default async function NotFound() {
  const user = await currentUser().catch(() => null);
  return (
    <AppShell user={user?.email ?? null}>
      <div className="panel" style={{ padding: 24, textAlign: 'center', maxWidth: 520, margin: '48px auto' }} data-testid="not-found">
        <h1>Page not found</h1>
        <p className="muted">Nothing lives at this address.</p>
        <p>
          <Link href="/">Go to the overview</Link> · <Link href="/traces">Trace explorer</Link> · <Link href="/sessions">Sessions</Link>
        </p>
      </div>
    </AppShell>
  );
}
