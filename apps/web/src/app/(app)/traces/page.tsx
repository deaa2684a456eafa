import type { Metadata } from 'next';
import { ExplorerView } from '@/components/traces/ExplorerView';

export const metadata: Metadata = { title: 'Traces' };

export default function TracesPage() {
  return <ExplorerView />;
}
