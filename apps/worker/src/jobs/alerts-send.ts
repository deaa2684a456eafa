import { createHmac, timingSafeEqual } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { egressPolicyFromEnv, egressRefusal, urlRefusal, type EgressPolicy } from '@plumb/alerts/egress';

/**
 * HTTP delivery of one notification with retries and exponential backoff. Retried: network
 * errors, timeouts, 5xx and 429 (honouring Retry-After up to 30 s); not retried: other 4xx (the
 * receiver refused the body; a retry would fail the same way). Every attempt is reported so the
 * delivery log shows each one.
 *
 * Webhook signature (when the contact point has a secret): `X-Plumb-Timestamp: <unix seconds>`
 * and `X-Plumb-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>` — the
 * timestamp inside the MAC lets a receiver refuse replays of old bodies.
 *
 * Egress: the URL is the user's, so the request goes through node:http with a lookup that
 * checks every resolved address against the egress policy (@plumb/alerts egress.ts) before the
 * socket connects — the address checked is the address used, so DNS rebinding gains nothing.
 * A refusal is permanent (not retried). Redirects are not followed.
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
  /** Default: PLUMB_ALERT_EGRESS / PLUMB_ALERT_EGRESS_ALLOW from the environment. */
  egress?: EgressPolicy;
}

/** A refused destination: not retried, and reported as such in the delivery log. */
class EgressRefused extends Error {
  constructor(reason: string) {
    super(`egress refused: ${reason} (see PLUMB_ALERT_EGRESS)`);
    this.name = 'EgressRefused';
  }
}

/** dns.lookup, then the policy over every address it returned (all or nothing). */
function guardedLookup(policy: EgressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      for (const a of addresses) {
        const why = egressRefusal(a.address, policy);
        if (why) return callback(new EgressRefused(`${hostname} resolves to ${why}`), '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      if (!first) return callback(new Error(`${hostname} has no address`), '', 0);
      callback(null, first.address, first.family);
    });
  };
}

interface Answer {
  status: number;
  /** First 500 characters of a non-2xx body. */
  text: string;
  retryAfter: string | null;
}

function postOnce(url: URL, headers: Record<string, string>, body: string, policy: EgressPolicy, signal: AbortSignal): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    const literal = urlRefusal(url.toString(), policy);
    if (literal) return reject(new EgressRefused(literal));
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, lookup: guardedLookup(policy), signal }, (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      const ok = status >= 200 && status < 300;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (!ok && text.length < 500) text += chunk;
      });
      res.on('error', reject);
      res.on('end', () => resolve({ status, text: text.slice(0, 500), retryAfter: res.headers['retry-after'] ?? null }));
    });
    req.on('error', reject);
    req.end(body);
  });
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
  const policy = o.egress ?? egressPolicyFromEnv();
  const target = new URL(url);
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
    let refused = false;
    try {
      const signal = AbortSignal.any([AbortSignal.timeout(o.timeoutMs ?? 10_000), ...(o.signal ? [o.signal] : [])]);
      const res = await postOnce(target, headers, body, policy, signal);
      status = res.status;
      if (status < 200 || status >= 300) error = res.text || `HTTP ${status}`;
      const ra = Number(res.retryAfter);
      if (Number.isFinite(ra) && ra > 0) retryAfter = Math.min(30_000, ra * 1000);
    } catch (e) {
      refused = e instanceof EgressRefused;
      error = e instanceof Error ? (refused ? e.message : `${e.name}: ${e.message}${e.cause instanceof Error ? ` (${e.cause.message})` : ''}`) : String(e);
    }
    const ok = status >= 200 && status < 300;
    const retryable = !ok && !refused && (status === 0 || status === 429 || status >= 500);
    const willRetry = retryable && n < attempts && !o.signal?.aborted;
    out.push({ attempt: n, at: started, ok, httpStatus: status, error, durationMs: Date.now() - started, willRetry });
    if (!willRetry) break;
    await sleep(Math.max(retryAfter, base * 2 ** (n - 1)));
  }
  return out;
}
