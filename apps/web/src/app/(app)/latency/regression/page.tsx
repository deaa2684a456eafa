import type { Metadata } from 'next';
import { RegressionView } from '@/components/latency/regression/RegressionView';

export const metadata: Metadata = { title: 'Latency regression' };

export default function LatencyRegressionPage() {
  return <RegressionView />;
}
