import { randomInt } from 'node:crypto';
import { sql } from './sql.ts';
import type { Store } from './store.ts';

/**
 * Job leases on ClickHouse, which has no transactions and no compare-and-set: a lease per job
 * name so rollups, corrections and repricing never run twice at once across workers.
 *
 * Protocol (table job_leases, append-only):
 * - The lease is held in TERMS. The holder of a term is its LOWEST claim (server time of the
 *   insert, then a random nonce). It holds until its latest `expires_at` (claim or renewal), or
 *   until it writes a release.
 * - To acquire: read the highest term; if its holder is live, give up. Otherwise insert a claim
 *   for term + 1, wait `settleMs` (longer than an insert takes to become visible), read the
 *   claims of that term back: the lowest one wins, everyone else gives up. Two workers racing for
 *   the same term both read both claims after the settle interval and agree on the winner; a
 *   worker that read an older state and claims late has a later `claimed_at` and loses.
 * - The holder renews every ttl/3 (a renewal first checks it still holds the highest term and
 *   is not expired) and releases when done. A failed renewal aborts the job's signal.
 * - All times are the engine's clock (now64), so workers' clocks do not matter.
 *
 * Guarantee, stated honestly: at most one holder at a time, PROVIDED a claim insert is visible
 * to other readers within `settleMs`, and a holder is not paused (GC, a stalled disk, SIGSTOP)
 * for longer than the remaining ttl without noticing. If it is, a second worker may start after
 * expiry while the first still finishes its current step; the first notices at its next renewal
 * and aborts. Jobs are therefore still written to be idempotent (rollup builds are versioned,
 * corrections bump `_version`), and the lease turns "often twice" into "practically never".
 */
export interface LeaseOptions {
  /** Lease lifetime without renewal (default 60 s). */
  ttlMs: number;
  /** Wait between claiming and reading the claims back (default 250 ms). */
  settleMs: number;
}

export const DEFAULT_LEASE_OPTIONS: LeaseOptions = { ttlMs: 60_000, settleMs: 250 };

export interface Lease {
  job: string;
  term: number;
  holder: string;
  nonce: number;
}

interface Row {
  term: number;
  holder: string;
  nonce: number;
  kind: 'claim' | 'renew' | 'release';
  claimedUs: number;
  expiresUs: number;
}

interface TermState {
  term: number;
  winner?: { holder: string; nonce: number };
  /** The winner holds the lease now (not released, not expired). */
  live: boolean;
  nowUs: number;
}

async function highestTerm(store: Store, job: string, term?: number): Promise<TermState> {
  const rows = await store.query<Row>(sql`SELECT term, holder, nonce, toString(kind) AS kind,
      toUnixTimestamp64Micro(claimed_at) AS claimedUs, toUnixTimestamp64Micro(expires_at) AS expiresUs
    FROM job_leases
    WHERE job = ${job} AND term = ${term === undefined ? sql`(SELECT max(term) FROM job_leases WHERE job = ${job})` : sql`${term}`}`);
  const [nowRow] = await store.query<{ nowUs: number }>(sql`SELECT toUnixTimestamp64Micro(now64(6)) AS nowUs`);
  const nowUs = Number(nowRow!.nowUs);
  if (rows.length === 0) return { term: term ?? 0, live: false, nowUs };
  const claims = rows.filter((r) => r.kind === 'claim').sort((a, b) => Number(a.claimedUs) - Number(b.claimedUs) || Number(a.nonce) - Number(b.nonce));
  const first = claims[0];
  if (!first) return { term: Number(rows[0]!.term), live: false, nowUs };
  const mine = rows.filter((r) => r.holder === first.holder && Number(r.nonce) === Number(first.nonce));
  const released = mine.some((r) => r.kind === 'release');
  const expires = Math.max(...mine.filter((r) => r.kind !== 'release').map((r) => Number(r.expiresUs)));
  return { term: Number(first.term), winner: { holder: first.holder, nonce: Number(first.nonce) }, live: !released && expires > nowUs, nowUs };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function write(store: Store, l: Lease, kind: Row['kind'], ttlMs: number): Promise<void> {
  await store.command(sql`INSERT INTO job_leases (job, term, holder, nonce, kind, claimed_at, expires_at)
    SELECT ${l.job}, ${l.term}, ${l.holder}, ${l.nonce}, ${kind}, now64(6), now64(6) + toIntervalMillisecond(${ttlMs})`);
}

/** Tries to take the lease of `job` for `holder`; null when another holder has it (or won the race). */
export async function tryAcquireLease(store: Store, job: string, holder: string, o: LeaseOptions = DEFAULT_LEASE_OPTIONS): Promise<Lease | null> {
  const current = await highestTerm(store, job);
  if (current.live) return null;
  const lease: Lease = { job, term: current.term + 1, holder, nonce: randomInt(0, 2 ** 47) };
  await write(store, lease, 'claim', o.ttlMs);
  await sleep(o.settleMs);
  const after = await highestTerm(store, job, lease.term);
  if (after.winner?.holder !== holder || after.winner.nonce !== lease.nonce || !after.live) return null;
  // A higher term can only exist if our term was seen expired: then we do not hold it.
  const top = await highestTerm(store, job);
  return top.term === lease.term ? lease : null;
}

/** Extends a held lease; false when it was lost (expired and taken, or a newer term exists). */
export async function renewLease(store: Store, lease: Lease, o: LeaseOptions = DEFAULT_LEASE_OPTIONS): Promise<boolean> {
  const top = await highestTerm(store, lease.job);
  if (top.term !== lease.term || top.winner?.holder !== lease.holder || top.winner.nonce !== lease.nonce || !top.live) return false;
  await write(store, lease, 'renew', o.ttlMs);
  return true;
}

export async function releaseLease(store: Store, lease: Lease): Promise<void> {
  await write(store, lease, 'release', 0);
}

/** Who holds `job` now (for /metrics and tests); null when free. */
export async function leaseHolder(store: Store, job: string): Promise<{ term: number; holder: string } | null> {
  const s = await highestTerm(store, job);
  return s.live && s.winner ? { term: s.term, holder: s.winner.holder } : null;
}

/**
 * Runs `fn` under the lease of `job`: acquires it (returns `{ ran: false }` when someone else
 * holds it), renews it every ttl/3 while `fn` runs, aborts `fn`'s signal if a renewal fails or
 * `outer` aborts, and releases it afterwards.
 */
export async function withLease<T>(
  store: Store, job: string, holder: string, fn: (signal: AbortSignal) => Promise<T>,
  o: LeaseOptions = DEFAULT_LEASE_OPTIONS, outer?: AbortSignal,
): Promise<{ ran: true; value: T } | { ran: false }> {
  const lease = await tryAcquireLease(store, job, holder, o);
  if (!lease) return { ran: false };
  const abort = new AbortController();
  const onOuter = () => abort.abort(outer?.reason);
  outer?.addEventListener('abort', onOuter, { once: true });
  let renewing: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    renewing = renewing
      .then(async () => {
        if (abort.signal.aborted) return;
        if (!(await renewLease(store, lease, o))) abort.abort(new Error(`lease ${job} lost`));
      })
      .catch((err: unknown) => abort.abort(err));
  }, Math.max(1, Math.floor(o.ttlMs / 3)));
  timer.unref();
  try {
    return { ran: true, value: await fn(abort.signal) };
  } finally {
    clearInterval(timer);
    outer?.removeEventListener('abort', onOuter);
    await renewing;
    await releaseLease(store, lease);
  }
}
