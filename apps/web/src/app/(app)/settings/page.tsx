import type { Metadata } from 'next';
import { KeysSettings } from './KeysSettings';

export const metadata: Metadata = { title: 'Settings' };

export default function SettingsPage() {
  return <KeysSettings />;
}
