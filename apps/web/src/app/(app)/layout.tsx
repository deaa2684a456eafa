import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { TimeRangeProvider } from '@/components/TimeRangeContext';
import { TopBar } from '@/components/TopBar';
import { parseTheme, THEME_COOKIE } from '@/lib/theme';
import { ApiProvider } from '@/lib/trpc';
import { currentUser } from './session';

/** Every page in this group needs a signed-in user; others go to /login. */
export default async function AppLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  if (!user) redirect('/login');
  const theme = parseTheme((await cookies()).get(THEME_COOKIE)?.value);
  return (
    // No <Suspense> around the pages: every page here is dynamic (this layout reads cookies), so
    // useSearchParams needs none, and a boundary above a page would stream a 200 before the page
    // can call notFound() (an unknown /traces/<id> must answer a real 404).
    <ApiProvider>
      <TimeRangeProvider>
        <div className="shell">
          <TopBar theme={theme} user={user.email} />
          <main className="main">{children}</main>
        </div>
      </TimeRangeProvider>
    </ApiProvider>
  );
}
