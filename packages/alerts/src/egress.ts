import { BlockList, isIP } from 'node:net';

/**
 * Where notifications may go. A contact point URL is typed by any project editor, and the
 * worker posts to it from inside the operator's network and logs the answer's first 500
 * characters in the delivery log: without a policy that is a server-side request forgery
 * primitive (cloud metadata credentials at 169.254.169.254, internal admin APIs).
 *
 * Modes (`PLUMB_ALERT_EGRESS`):
 *  - `private` (default): public and private addresses (RFC 1918, loopback, ULA, CGNAT) are
 *    allowed, because a self-hosted Alertmanager or chat proxy usually lives on the internal
 *    network; link-local (cloud metadata), unspecified, multicast and reserved addresses are
 *    refused.
 *  - `public`: only public addresses (a shared, multi-tenant instance).
 *  - `any`: no check (a lab).
 * `PLUMB_ALERT_EGRESS_ALLOW` lists CIDRs or addresses always allowed (e.g. `10.2.0.0/16`), which
 * lets `public` reach one internal Alertmanager.
 *
 * The address checked is the one connected to (see the worker's guarded lookup), so a name
 * that resolves to a public address when saved and to a metadata address when used is refused.
 */
export type EgressMode = 'private' | 'public' | 'any';

export interface EgressPolicy {
  mode: EgressMode;
  /** The allow list as given, for messages. */
  allowed: readonly string[];
  readonly allow: BlockList;
}

const MODES: readonly EgressMode[] = ['private', 'public', 'any'];

type Range = readonly [string, number, 'ipv4' | 'ipv6'];

/** Never a notification target: metadata services, "this network", multicast, reserved. */
const ALWAYS_DENIED: readonly Range[] = [
  ['0.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'], // link-local: AWS/GCP/Azure/OpenStack metadata
  ['100.100.100.200', 32, 'ipv4'], // Alibaba Cloud metadata (inside CGNAT space)
  ['192.0.0.0', 24, 'ipv4'], // IETF protocol assignments (incl. Oracle Cloud's 192.0.0.192)
  ['224.0.0.0', 4, 'ipv4'], // multicast
  ['240.0.0.0', 4, 'ipv4'], // reserved, broadcast
  ['::', 128, 'ipv6'],
  ['fe80::', 10, 'ipv6'], // link-local
  ['fd00:ec2::254', 128, 'ipv6'], // AWS IPv6 metadata (inside ULA space)
  ['ff00::', 8, 'ipv6'], // multicast
];

/** Internal networks: allowed by `private`, refused by `public`. */
const PRIVATE: readonly Range[] = [
  ['10.0.0.0', 8, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'], // CGNAT
  ['198.18.0.0', 15, 'ipv4'], // benchmarking
  ['::1', 128, 'ipv6'],
  ['fc00::', 7, 'ipv6'], // unique local
];

function blockList(ranges: readonly Range[]): BlockList {
  const b = new BlockList();
  for (const [net, prefix, type] of ranges) b.addSubnet(net, prefix, type);
  return b;
}

const alwaysDenied = blockList(ALWAYS_DENIED);
const privateNets = blockList(PRIVATE);

/** `::ffff:10.0.0.1` and `::ffff:a00:1` are IPv4 addresses in IPv6 clothing: check them as IPv4. */
function unmapped(ip: string): { ip: string; type: 'ipv4' | 'ipv6' } | null {
  const v = isIP(ip);
  if (v === 4) return { ip, type: 'ipv4' };
  if (v !== 6) return null;
  const lower = ip.toLowerCase();
  const dotted = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower) ?? /^::(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted && isIP(dotted[1]!) === 4) return { ip: dotted[1]!, type: 'ipv4' };
  const hex = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const hi = parseInt(hex[1]!, 16);
    const lo = parseInt(hex[2]!, 16);
    return { ip: `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, type: 'ipv4' };
  }
  return { ip: lower, type: 'ipv6' };
}

/** Parses the two variables; throws an Error naming the bad one. */
export function egressPolicyFromEnv(env: Record<string, string | undefined> = process.env): EgressPolicy {
  const rawMode = (env.PLUMB_ALERT_EGRESS ?? '').trim() || 'private';
  if (!MODES.includes(rawMode as EgressMode)) throw new Error(`invalid PLUMB_ALERT_EGRESS: must be one of ${MODES.join(', ')} (got ${JSON.stringify(rawMode)})`);
  const allowed = (env.PLUMB_ALERT_EGRESS_ALLOW ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const allow = new BlockList();
  for (const entry of allowed) {
    const [net, prefixText] = entry.split('/');
    const addr = unmapped(net ?? '');
    const max = addr?.type === 'ipv4' ? 32 : 128;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (!addr || !Number.isInteger(prefix) || prefix < 0 || prefix > max) {
      throw new Error(`invalid PLUMB_ALERT_EGRESS_ALLOW: ${JSON.stringify(entry)} is not an address or CIDR (e.g. 10.2.0.0/16)`);
    }
    allow.addSubnet(addr.ip, prefix, addr.type);
  }
  return { mode: rawMode as EgressMode, allowed, allow };
}

/** Why `ip` may not be posted to under `policy`, or null when it may. */
export function egressRefusal(ip: string, policy: EgressPolicy): string | null {
  if (policy.mode === 'any') return null;
  const addr = unmapped(ip);
  if (!addr) return `${ip} is not an IP address`;
  if (policy.allow.check(addr.ip, addr.type)) return null;
  if (alwaysDenied.check(addr.ip, addr.type)) return `${ip} is a link-local, metadata, multicast or reserved address`;
  if (policy.mode === 'public' && privateNets.check(addr.ip, addr.type)) return `${ip} is a private or loopback address and PLUMB_ALERT_EGRESS is public`;
  return null;
}

/**
 * The check that can be made without DNS when a contact point is saved: a URL whose host is an
 * IP literal (or `localhost`) that the policy refuses. Names are checked again at send time,
 * against the address actually connected to.
 */
export function urlRefusal(url: string, policy: EgressPolicy): string | null {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return 'not a URL';
  }
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare)) return egressRefusal(bare, policy);
  if (bare === 'localhost' || bare.endsWith('.localhost')) return egressRefusal('127.0.0.1', policy);
  return null;
}
