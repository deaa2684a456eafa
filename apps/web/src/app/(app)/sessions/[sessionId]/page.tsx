import type { Metadata } from 'next';
import { SessionView } from '@/components/sessions/SessionView';

export const metadata: Metadata = { title: 'Conversation' };

export default async function SessionPage({ params }: { params: Promise<{ sessionId: string }> }) {
  const { sessionId } = await params;
  return <SessionView sessionId={safeDecode(sessionId)} />;
}

/** Route params arrive percent-encoded; a malformed escape is kept as written. */
function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
