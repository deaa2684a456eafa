'use client';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useState } from 'react';
import type { ThemeChoice } from '@/lib/theme';
import { ShortcutHelp } from './ShortcutHelp';
import { ThemeToggle } from './ThemeToggle';
import { ZoneToggle } from './TimeZoneContext';

const NAV = [
  { href: '/', label: 'Overview', match: (p: string) => p === '/' },
  { href: '/traces', label: 'Traces', match: (p: string) => p.startsWith('/traces') },
  { href: '/sessions', label: 'Sessions', match: (p: string) => p.startsWith('/sessions') },
  { href: '/latency', label: 'Latency', match: (p: string) => p.startsWith('/latency') },
  { href: '/cost', label: 'Cost', match: (p: string) => p.startsWith('/cost') },
  { href: '/quality', label: 'Quality', match: (p: string) => p.startsWith('/quality') },
  { href: '/drift', label: 'Drift', match: (p: string) => p.startsWith('/drift') },
  { href: '/gpu', label: 'GPUs', match: (p: string) => p.startsWith('/gpu') },
  { href: '/alerts', label: 'Alerts', match: (p: string) => p.startsWith('/alerts') },
  { href: '/settings', label: 'Settings', match: (p: string) => p.startsWith('/settings') },
];

/** Keys that carry the time window between pages. */
const CARRY = ['range', 'from', 'to', 'refresh'];

export function TopBar({ theme, user }: { theme: ThemeChoice; user: string | null }) {
  const pathname = usePathname();
  const search = useSearchParams();
  const router = useRouter();
  const [leaving, setLeaving] = useState(false);

  const carried = new URLSearchParams();
  for (const k of CARRY) {
    const v = search.get(k);
    if (v) carried.set(k, v);
  }
  const qs = carried.toString();

  async function logout() {
    setLeaving(true);
    try {
      await fetch('/api/auth/logout', { method: 'POST', headers: { 'x-plumb-csrf': '1' } });
    } finally {
      router.replace('/login');
      router.refresh();
    }
  }

  return (
    <header className="topbar">
      <Link prefetch={false} href={qs ? `/?${qs}` : '/'} className="brand" aria-label="Plumb overview">
        <span className="brand-mark" aria-hidden="true" /> Plumb
      </Link>
      <nav className="nav" aria-label="Main">
        {NAV.map((item) => (
          <Link prefetch={false} key={item.href} href={qs ? `${item.href}?${qs}` : item.href} aria-current={item.match(pathname) ? 'page' : undefined}>
            {item.label}
          </Link>
        ))}
      </nav>
      <div className="topbar-spacer" />
      <ZoneToggle />
      <ShortcutHelp />
      <ThemeToggle initial={theme} />
      {user && <span className="muted" title="Signed in">{user}</span>}
      {user ? (
        <button type="button" className="btn btn-ghost" onClick={() => void logout().catch(() => undefined)} disabled={leaving}>
          Sign out
        </button>
      ) : (
        <Link href="/login" className="btn btn-ghost">
          Sign in
        </Link>
      )}
    </header>
  );
}
