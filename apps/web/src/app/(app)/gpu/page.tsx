import type { Metadata } from 'next';
import { GpuView } from '@/components/gpu/GpuView';

export const metadata: Metadata = { title: 'GPUs' };

export default function GpuPage() {
  return <GpuView />;
}
