import type { Metadata } from 'next';
import { TraceView } from '@/components/trace/TraceView';

export async function generateMetadata({ params }: { params: Promise<{ traceId: string }> }): Promise<Metadata> {
  const { traceId } = await params;
  return { title: `Trace ${decodeURIComponent(traceId).slice(0, 12)}` };
}

export default async function TracePage({ params }: { params: Promise<{ traceId: string }> }) {
  const { traceId } = await params;
  return <TraceView traceId={traceId} />;
}
