'use client';

/** Render errors inside the shell: show what broke and let the user retry. */
export default function AppError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="panel" role="alert" style={{ padding: 16 }}>
      <h1 className="error-text">Something went wrong on this page</h1>
      <pre className="text-block">{error.message}</pre>
      {error.digest && <p className="faint">Error id: {error.digest}</p>}
      <button type="button" className="btn" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
