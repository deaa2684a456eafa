import type { Metadata } from 'next';
import { PricesView } from '@/components/cost/PricesView';

export const metadata: Metadata = { title: 'Prices' };

export default function PricesPage() {
  return <PricesView />;
}
