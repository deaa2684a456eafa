import type { Metadata } from 'next';
import { KeysSettings } from './KeysSettings';
import { RetentionSettings } from './RetentionSettings';
import styles from './settings.module.css';

export const metadata: Metadata = { title: 'Settings' };

export default function SettingsPage() {
  return (
    <>
      <KeysSettings />
      <div className={`${styles.page} ${styles.section}`}>
        <RetentionSettings />
      </div>
    </>
  );
}
