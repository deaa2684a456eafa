import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HTTP delivery of one notification with retries and exponential backoff. Retried: network
 * errors, timeouts, 5xx and 429 (honouring Retry-After up to 30 s); not retried: other 4xx (the
 * receiver refused the body; a retry would fail the same way). Every attempt is reported so the
 * delivery log shows each one.
 *
 * Webhook signature (when the contact point has a secret): `X-Plumb-Timestamp: <unix seconds>`
 * and `X-Plumb-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>` — the
 * timestamp inside the MAC lets a receiver refuse replays of old bodies.
 */

export interface Attempt {
  attempt: number;
  at: number;
  ok: boolean;
  httpStatus: number;
  error: string;
  durationMs: number;
  willRetry: boolean;
}

export interface SendOptions {
  attempts?: number;
  backoffMs?: number;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  signal?: AbortSignal;
}

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Receiver side: checks a signature (constant time). */
export function verifyWebhook(secret: string, timestamp: string, body: string, signature: string): boolean {
  const want = Buffer.from(signWebhook(secret, timestamp, body));
  const got = Buffer.from(signature);
  return want.length === got.length && timingSafeEqual(want, got);
}

const sleepMs = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function post(url: string, body: string, secret: string, o: SendOptions = {}): Promise<Attempt[]> {
  const attempts = o.attempts ?? 3;
  const base = o.backoffMs ?? 1000;
  const sleep = o.sleep ?? sleepMs;
  const out: Attempt[] = [];
  for (let n = 1; n <= attempts; n++) {
    const started = Date.now();
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'plumb-alerts' };
    if (secret) {
      const ts = String(Math.floor(started / 1000));
      headers['x-plumb-timestamp'] = ts;
      headers['x-plumb-signature'] = signWebhook(secret, ts, body);
    }
    let status = 0;
    let error = '';
    let retryAfter = 0;
    try {
      const signal = AbortSignal.any([AbortSignal.timeout(o.timeoutMs ?? 10_000), ...(o.signal ? [o.signal] : [])]);
      const res = await fetch(url, { method: 'POST', headers, body, signal, redirect: 'manual' });
      status = res.status;
      if (!res.ok) error = (await res.text().catch(() => '')).slice(0, 500) || `HTTP ${status}`;
      else await res.arrayBuffer().catch(() => undefined);
      const ra = Number(res.headers.get('retry-after'));
      if (Number.isFinite(ra) && ra > 0) retryAfter = Math.min(30_000, ra * 1000);
    } catch (e) {
      error = e instanceof Error ? `${e.name}: ${e.message}${e.cause instanceof Error ? ` (${e.cause.message})` : ''}` : String(e);
    }
    const ok = status >= 200 && status < 300;
    const retryable = !ok && (status === 0 || status === 429 || status >= 500);
    const willRetry = retryable && n < attempts && !o.signal?.aborted;
    out.push({ attempt: n, at: started, ok, httpStatus: status, error, durationMs: Date.now() - started, willRetry });
    if (!willRetry) break;
    await sleep(Math.max(retryAfter, base * 2 ** (n - 1)));
  }
  return out;
}
