import Link from 'next/link';
import type { CSSProperties, ReactNode } from 'react';
import type { Category } from '@plumb/analytics';
import { costParts, formatCost } from '@/lib/format';
import type { Cost } from '@/lib/view';

/** Small presentational primitives shared by every page. */

export function Panel({
  title,
  unit,
  actions,
  children,
  flush,
  className,
  testId,
}: {
  title?: ReactNode;
  unit?: string;
  actions?: ReactNode;
  children: ReactNode;
  flush?: boolean;
  className?: string;
  testId?: string;
}) {
  return (
    <section className={`panel ${className ?? ''}`} data-testid={testId}>
      {(title || actions) && (
        <header className="panel-header">
          {title && <h2>{title}</h2>}
          {unit && <span className="unit">{unit}</span>}
          <span className="spacer" />
          {actions}
        </header>
      )}
      <div className={flush ? 'panel-body flush' : 'panel-body'}>{children}</div>
    </section>
  );
}

export function Skeleton({ width = '100%', height = 14, style }: { width?: number | string; height?: number | string; style?: CSSProperties }) {
  return <span className="skeleton" style={{ width, height, ...style }} aria-hidden="true" />;
}

/** n skeleton rows for a table body while it loads. */
export function SkeletonRows({ rows, cols }: { rows: number; cols: number }) {
  return (
    <>
      {Array.from({ length: rows }, (_, r) => (
        <tr key={r} aria-hidden="true">
          {Array.from({ length: cols }, (_, c) => (
            <td key={c}>
              <Skeleton width={c === 0 ? '80%' : '60%'} height={10} />
            </td>
          ))}
        </tr>
      ))}
    </>
  );
}

/** `action` is the verb that failed: "load" for reads, "save"/"create"/"run" for changes. */
export function ErrorBox({ error, what, action = 'load' }: { error: unknown; what: string; action?: string }) {
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="error-box" role="alert">
      Could not {action} {what}: {message}
    </div>
  );
}

export function KpiTile({
  label,
  value,
  sub,
  href,
  tone,
  loading,
  title,
  testId,
}: {
  label: string;
  value: ReactNode;
  sub?: ReactNode;
  href?: string;
  tone?: 'bad' | 'warn';
  loading?: boolean;
  title?: string;
  testId?: string;
}) {
  const body = (
    <>
      <div className="kpi-label">{label}</div>
      <div className="kpi-value">{loading ? <Skeleton width="70%" height={22} /> : value}</div>
      {sub !== undefined && <div className="kpi-sub">{loading ? <Skeleton width="50%" height={10} /> : sub}</div>}
    </>
  );
  const cls = `kpi ${tone ? `is-${tone}` : ''}`;
  return href ? (
    <Link prefetch={false} href={href} className={cls} title={title} data-testid={testId}>
      {body}
    </Link>
  ) : (
    <div className={cls} title={title} data-testid={testId}>
      {body}
    </div>
  );
}

export const CATEGORY_LABEL: Record<Category | 'root', string> = {
  llm: 'LLM',
  agent: 'Agent',
  tool: 'Tool',
  retrieval: 'Retrieval',
  chain: 'Chain',
  other: 'Other',
  root: 'Root',
};

export function categoryColor(c: Category | 'root'): string {
  return `var(--cat-${c})`;
}

export function CategoryDot({ category }: { category: Category | 'root' }) {
  return <span className="dot" style={{ background: categoryColor(category) }} aria-hidden="true" />;
}

export function StatusBadge({ errors }: { errors: number }) {
  return errors > 0 ? <span className="badge is-error">{errors} err</span> : <span className="badge is-ok">ok</span>;
}

/** A cost as text: "$1.23", or with its unpriced part marked ("$1.23 + 2 unpriced", "unpriced"). */
export function CostText({ cost }: { cost: Cost }) {
  if (cost.unpriced === 0) return <>{formatCost(cost)}</>;
  const { priced, unpriced } = costParts(cost);
  return (
    <span title={`${cost.unpriced} span${cost.unpriced === 1 ? '' : 's'} matched no price: that cost is unknown, not $0`} data-unpriced={cost.unpriced}>
      {priced}
      {priced ? ' ' : ''}
      <span className="warn-text unpriced-note">{priced ? `+ ${unpriced}` : unpriced}</span>
    </span>
  );
}

/** A table cell with a cost and a bar scaled to the column's largest (priced) cost. */
export function CostBarCell({ cost, maxCostUsd }: { cost: Cost; maxCostUsd: number }) {
  return (
    <td className="num bar-cell">
      <span className="bar" style={{ width: `${maxCostUsd > 0 ? (cost.usd / maxCostUsd) * 100 : 0}%` }} />
      <span style={{ position: 'relative' }}>
        <CostText cost={cost} />
      </span>
    </td>
  );
}
