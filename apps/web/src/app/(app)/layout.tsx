import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { AppShell } from '@/components/AppShell';
import { currentUser } from './session';

/** Every page in this group needs a signed-in user; others go to /login. */
export default async function AppLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  if (!user) redirect('/login');
  return <AppShell user={user.email}>{children}</AppShell>;
}
