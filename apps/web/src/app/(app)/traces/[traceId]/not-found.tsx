'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useExplorerReturnUrl } from '@/lib/explorer-return';
import { TRACE_ID_TEXT, traceIdProblem } from '@/components/trace/trace-id';

/**
 * The trace page's 404, inside the app shell (header and navigation stay): says whether the id
 * is not a trace id at all (and why) or names a trace this project does not have, with a way back.
 */
export default function TraceNotFound() {
  const raw = usePathname().split('/').pop() ?? '';
  let id = raw;
  try {
    id = decodeURIComponent(raw);
  } catch {
    // keep the raw segment
  }
  const problem = traceIdProblem(id);
  const back = useExplorerReturnUrl();
  return (
    <div className="panel" style={{ padding: 24, maxWidth: 720 }} data-testid="trace-not-found">
      <h1 style={{ marginTop: 0 }}>{problem ? 'Not a trace id' : 'Trace not found'}</h1>
      {problem ? (
        <p data-testid="trace-id-problem">
          <code>{id.length > 80 ? `${id.slice(0, 80)}…` : id}</code> {problem}. {TRACE_ID_TEXT}
        </p>
      ) : (
        <p>
          No trace <code>{id}</code> in this project. It may be outside the retention window, belong to another project, or its spans may
          not have arrived yet.
        </p>
      )}
      <p style={{ marginBottom: 0 }}>
        <Link href={back}>← Back to the trace explorer</Link>
        <span className="faint"> · </span>
        <Link href="/">Overview</Link>
      </p>
    </div>
  );
}
