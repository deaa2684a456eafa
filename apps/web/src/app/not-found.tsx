import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="login">
      <div className="panel" style={{ padding: 24, textAlign: 'center' }}>
        <h1>Page not found</h1>
        <p className="muted">Nothing lives at this address.</p>
        <Link href="/">Go to the overview</Link>
      </div>
    </main>
  );
}
