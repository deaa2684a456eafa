import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { egressPolicyFromEnv } from '@plumb/alerts/egress';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post } from './alerts-send.ts';

/** A real receiver on loopback that records what it got. */
let server: Server;
let port = 0;
const received: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push(body);
      if (req.url === '/secret') {
        res.writeHead(500).end('internal admin page: token=abc');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const fast = { attempts: 3, backoffMs: 1, timeoutMs: 3000 };

describe('notification delivery honours the egress policy', () => {
  it('never connects to a cloud metadata address, and does not retry the refusal', async () => {
    const attempts = await post('http://169.254.169.254/latest/meta-data/iam/', '{}', '', { ...fast, egress: egressPolicyFromEnv({}) });
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ ok: false, httpStatus: 0, willRetry: false });
    expect(attempts[0]!.error).toMatch(/egress refused: 169\.254\.169\.254 is a link-local, metadata/);
    expect(attempts[0]!.durationMs).toBeLessThan(1000);
  });

  it('checks the address a name resolves to when it connects (public mode refuses localhost)', async () => {
    const before = received.length;
    const attempts = await post(`http://localhost:${port}/hook`, '{"a":1}', '', { ...fast, egress: egressPolicyFromEnv({ PLUMB_ALERT_EGRESS: 'public' }) });
    expect(attempts).toHaveLength(1);
    expect(attempts[0]!.error).toMatch(/egress refused: .*(127\.0\.0\.1|::1) is a private or loopback address/);
    expect(received.length).toBe(before);
  });

  it('delivers to an internal receiver by default, and to an allow-listed one in public mode', async () => {
    const before = received.length;
    const byDefault = await post(`http://localhost:${port}/hook`, '{"a":2}', '', { ...fast, egress: egressPolicyFromEnv({}) });
    expect(byDefault.at(-1)).toMatchObject({ ok: true, httpStatus: 200 });
    const allowed = egressPolicyFromEnv({ PLUMB_ALERT_EGRESS: 'public', PLUMB_ALERT_EGRESS_ALLOW: '127.0.0.1,::1' });
    const viaAllow = await post(`http://127.0.0.1:${port}/hook`, '{"a":3}', '', { ...fast, egress: allowed });
    expect(viaAllow.at(-1)).toMatchObject({ ok: true, httpStatus: 200 });
    expect(received.slice(before)).toEqual(['{"a":2}', '{"a":3}']);
  });

  it('keeps the HTTP contract: status, a short error body, retries on 5xx', async () => {
    const attempts = await post(`http://127.0.0.1:${port}/secret`, '{}', 's3cret', { ...fast, egress: egressPolicyFromEnv({}) });
    expect(attempts.map((a) => [a.httpStatus, a.willRetry])).toEqual([[500, true], [500, true], [500, false]]);
    expect(attempts[0]!.error).toBe('internal admin page: token=abc');
  });
});
