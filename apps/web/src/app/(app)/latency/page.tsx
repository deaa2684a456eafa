import type { Metadata } from 'next';
import { LatencyExplorer } from '@/components/latency/explore/LatencyExplorer';

export const metadata: Metadata = { title: 'Latency' };

export default function LatencyPage() {
  return <LatencyExplorer />;
}
