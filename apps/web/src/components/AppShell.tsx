import { cookies } from 'next/headers';
import type { ReactNode } from 'react';
import { parseTheme, THEME_COOKIE } from '@/lib/theme';
import { ApiProvider } from '@/lib/trpc';
import { parseZoneCookie, ZONE_COOKIE } from '@/lib/zone';
import { requestNow } from '@/server/prefetch';
import { TimeRangeProvider } from './TimeRangeContext';
import { TimeZoneProvider } from './TimeZoneContext';
import { TopBar } from './TopBar';

/**
 * The app's frame: providers, the top bar (navigation, zone and theme switches) and the main
 * area. Used by every signed-in page and by the not-found page, so an unknown address keeps the
 * navigation. Server component: theme and zone come from cookies, so the first paint is right.
 */
export async function AppShell({ user, children }: { user: string | null; children: ReactNode }) {
  const jar = await cookies();
  const theme = parseTheme(jar.get(THEME_COOKIE)?.value);
  const zone = parseZoneCookie(safeDecode(jar.get(ZONE_COOKIE)?.value));
  return (
    <ApiProvider>
      <TimeZoneProvider initialChoice={zone.choice} initialLocalZone={zone.localZone}>
        {/* No <Suspense> here (nor an (app)/loading.tsx): every page is dynamic (cookies), so
            useSearchParams needs no boundary, and a boundary above a page would stream a 200
            before the page can call notFound() (an unknown /traces/<id> must answer a real 404). */}
        <TimeRangeProvider initialNow={requestNow()}>
          <div className="shell">
            <TopBar theme={theme} user={user} />
            <main className="main">{children}</main>
          </div>
        </TimeRangeProvider>
      </TimeZoneProvider>
    </ApiProvider>
  );
}

function safeDecode(v: string | undefined): string | undefined {
  try {
    return v === undefined ? undefined : decodeURIComponent(v);
  } catch {
    return undefined;
  }
}
