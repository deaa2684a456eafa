import { Skeleton } from '@/components/ui';

/**
 * Shown inside the app shell (top bar already painted) while a page's server part loads — on a
 * first visit and on navigation — so the screen is never blank: a page header, a strip of tiles
 * and two panels in the shape most pages have.
 */
export default function Loading() {
  return (
    <div aria-busy="true" aria-label="Loading" data-testid="page-loading">
      <div className="page-header">
        <Skeleton width={160} height={18} />
      </div>
      <div className="kpis">
        {Array.from({ length: 8 }, (_, i) => (
          <div className="kpi" key={i}>
            <Skeleton width="50%" height={10} />
            <Skeleton width="70%" height={22} style={{ marginTop: 6 }} />
          </div>
        ))}
      </div>
      <div className="grid-2">
        {[0, 1].map((i) => (
          <section className="panel" key={i}>
            <div className="panel-body">
              <Skeleton height={190} />
            </div>
          </section>
        ))}
      </div>
    </div>
  );
}
