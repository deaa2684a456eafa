import type { Metadata } from 'next';
import { KeysSettings } from './KeysSettings';
import { MembersSettings } from './MembersSettings';
import { RetentionSettings } from './RetentionSettings';
import styles from './settings.module.css';

export const metadata: Metadata = { title: 'Settings' };

export default function SettingsPage() {
  return (
    <div className={styles.page}>
      <div className="page-header">
        <h1>Settings</h1>
        <span className="muted">projects, members, API keys and retention</span>
      </div>
      <MembersSettings />
      <KeysSettings />
      <div className={styles.section}>
        <RetentionSettings />
      </div>
    </div>
  );
}
