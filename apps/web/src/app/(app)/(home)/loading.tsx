import { Skeleton } from '@/components/ui';

/**
 * Shown inside the app shell (top bar already painted) while the overview's server part (its
 * prefetched data) loads, so the screen is never blank. It lives in the (home) group so that it
 * wraps the overview page alone: a loading boundary above the trace page would stream a 200
 * before that page can answer a real 404 for an unknown trace.
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
