import type { Metadata } from 'next';
import { QualityView } from '@/components/quality/QualityView';

export const metadata: Metadata = { title: 'Quality' };

export default function QualityPage() {
  return <QualityView />;
}
