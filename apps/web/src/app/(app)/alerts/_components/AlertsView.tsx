'use client';
import './alerts.css';
import { useQuery } from '@tanstack/react-query';
import { ErrorBox } from '@/components/ui';
import { useUrlParams } from '@/lib/url-state';
import { useTRPC } from '@/lib/trpc';
import { ContactPointsTab } from './ContactPointsTab';
import { DeliveriesTab } from './DeliveriesTab';
import { HistoryTab } from './HistoryTab';
import { RuleForm } from './RuleForm';
import { RulesTab } from './RulesTab';
import { SilencesTab } from './SilencesTab';

const TABS = [
  { id: 'rules', label: 'Rules' },
  { id: 'history', label: 'History' },
  { id: 'silences', label: 'Silences' },
  { id: 'contacts', label: 'Contact points' },
  { id: 'deliveries', label: 'Delivery log' },
] as const;
type Tab = (typeof TABS)[number]['id'];

/**
 * The Alerts page: rules with the state of each instance, the rule editor with its live preview,
 * transition history, silences, contact points and the delivery log — one tab each (?tab=),
 * the rule being edited in ?edit=<id> (or ?edit=new).
 */
export function AlertsView() {
  const trpc = useTRPC();
  const rules = useQuery({ ...trpc.alerts.rules.queryOptions(), refetchInterval: 5_000 });
  const me = useQuery(trpc.auth.me.queryOptions());
  const { params, update } = useUrlParams();
  const tab = (TABS.find((t) => t.id === params.get('tab'))?.id ?? 'rules') as Tab;
  const editing = params.get('edit');
  const canEdit = me.data?.role === 'editor' || me.data?.role === 'admin';
  const all = rules.data ?? [];
  const count = (s: string) => all.reduce((n, r) => n + r.instances.filter((i) => i.state === s).length, 0);
  const go = (edit: (p: URLSearchParams) => void) => update(edit, { push: true });
  return (
    <>
      <div className="page-header">
        <h1>Alerts</h1>
        {rules.data && (
          <span className="muted" data-testid="alerts-summary">
            {all.length} rule{all.length === 1 ? '' : 's'} · {count('firing')} firing · {count('pending')} pending
          </span>
        )}
        <span className="spacer" />
        {canEdit && editing === null && (
          <button className="btn btn-primary" onClick={() => go((p) => p.set('edit', 'new'))} data-testid="alerts-new">
            New rule
          </button>
        )}
      </div>
      {editing !== null && (
        <RuleForm
          key={editing}
          id={editing === 'new' ? null : editing}
          onDone={(id) => go((p) => { p.delete('edit'); p.set('tab', 'rules'); if (id) p.set('rule', id); })}
        />
      )}
      <div className="segmented alerts-tabs" role="tablist" aria-label="Alerts sections">
        {TABS.map((t) => (
          <button key={t.id} role="tab" aria-selected={tab === t.id} aria-pressed={tab === t.id} onClick={() => go((p) => p.set('tab', t.id))} data-testid={`alerts-tab-${t.id}`}>
            {t.label}
          </button>
        ))}
      </div>
      {rules.isError && <ErrorBox error={rules.error} what="alert rules" />}
      {tab === 'rules' && <RulesTab rules={rules.data} canEdit={canEdit} onEdit={(id) => go((p) => p.set('edit', id))} />}
      {tab === 'history' && <HistoryTab rules={all.map((r) => r.rule)} />}
      {tab === 'silences' && <SilencesTab canEdit={canEdit} />}
      {tab === 'contacts' && <ContactPointsTab canEdit={canEdit} />}
      {tab === 'deliveries' && <DeliveriesTab />}
    </>
  );
}
