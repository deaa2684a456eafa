import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { TraceView } from '@/components/trace/TraceView';
import { traceIdProblem } from '@/components/trace/trace-id';
import { traceVisible } from './lookup';

export async function generateMetadata({ params }: { params: Promise<{ traceId: string }> }): Promise<Metadata> {
  const { traceId } = await params;
  return { title: `Trace ${decodeURIComponent(traceId).slice(0, 12)}` };
}

/**
 * An invalid or unknown trace id is a 404 (./not-found.tsx says which, inside the app shell);
 * checked here, on the server, so the HTTP status is real and not a 200 with an error drawn later.
 */
export default async function TracePage({ params }: { params: Promise<{ traceId: string }> }) {
  const { traceId } = await params;
  let id: string;
  try {
    id = decodeURIComponent(traceId);
  } catch {
    notFound();
  }
  if (traceIdProblem(id)) notFound();
  if ((await traceVisible(id)) === false) notFound();
  return <TraceView traceId={traceId} />;
}
