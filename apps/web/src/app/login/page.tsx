import type { Metadata } from 'next';
import { Suspense } from 'react';
import { firstRunSetupPending } from '../(app)/session';
import { LoginForm } from './LoginForm';

export const metadata: Metadata = { title: 'Sign in' };

export default async function LoginPage() {
  const setupPending = await firstRunSetupPending();
  return (
    <main className="login">
      <Suspense>
        <LoginForm setupPending={setupPending} />
      </Suspense>
    </main>
  );
}
