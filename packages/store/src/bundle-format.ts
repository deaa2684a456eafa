import { createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';

/**
 * Verifiable trace bundles (pure: no I/O). A bundle is one JSON document:
 *
 *   { format, projectId, createdAt, traceIds, keyId, publicKey, counts, entries, head, signature }
 *
 * `entries` is a hash chain: entry i = { seq: i, kind: 'span' | 'price' | 'correction', data,
 * hash }, hash_i = SHA-256(hash_{i-1} ‖ canonical JSON of { seq, kind, data }), hash_{-1} =
 * SHA-256 of the header (format, projectId, createdAt, traceIds, keyId). `head` is the last hash
 * and `counts` the number of entries of each kind; the Ed25519 signature covers the canonical
 * JSON of the header with `counts` and `head`. Altering any entry changes its hash and every hash
 * after it; removing, adding or reordering an entry breaks the chain or the counts; changing the
 * header breaks the signature. `verifyBundle` says which entry is wrong.
 *
 * The embedded public key only proves the bundle is intact; that it comes from THIS Plumb is
 * shown by checking the key against the project's published one (`plumb verify --public-key`).
 */
export const BUNDLE_FORMAT = 'plumb-trace-bundle/1';

export type EntryKind = 'span' | 'price' | 'correction';
export interface BundleEntry {
  seq: number;
  kind: EntryKind;
  data: unknown;
  hash: string;
}
export interface TraceBundle {
  format: string;
  projectId: string;
  createdAt: string;
  traceIds: string[];
  keyId: string;
  publicKey: string;
  counts: Record<EntryKind, number>;
  entries: BundleEntry[];
  head: string;
  signature: string;
}

/** JSON with object keys sorted at every level (bigint as decimal strings): one text per value. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return typeof v === 'bigint' ? JSON.stringify(v.toString()) : (JSON.stringify(v) ?? 'null');
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
type Header = Pick<TraceBundle, 'format' | 'projectId' | 'createdAt' | 'traceIds' | 'keyId'>;
const genesis = (h: Header) => sha256(canonicalJson({ format: h.format, projectId: h.projectId, createdAt: h.createdAt, traceIds: h.traceIds, keyId: h.keyId }));
const link = (prev: string, seq: number, kind: EntryKind, data: unknown) => sha256(prev + canonicalJson({ seq, kind, data }));
const signed = (h: Header, counts: TraceBundle['counts'], head: string) =>
  Buffer.from(canonicalJson({ format: h.format, projectId: h.projectId, createdAt: h.createdAt, traceIds: h.traceIds, keyId: h.keyId, counts, head }));

/** Chains and signs the entries (in the order given) with the project's Ed25519 private key (PKCS#8 PEM). */
export function sealBundle(
  header: Omit<Header, 'format'>,
  items: { kind: EntryKind; data: unknown }[],
  key: { privateKey: string; publicKey: string },
): TraceBundle {
  const h: Header = { format: BUNDLE_FORMAT, ...header };
  let prev = genesis(h);
  const counts: TraceBundle['counts'] = { span: 0, price: 0, correction: 0 };
  const entries = items.map((it, seq) => {
    prev = link(prev, seq, it.kind, it.data);
    counts[it.kind]++;
    return { seq, kind: it.kind, data: it.data, hash: prev };
  });
  const signature = sign(null, signed(h, counts, prev), createPrivateKey(key.privateKey)).toString('base64');
  return { ...h, publicKey: key.publicKey, counts, entries, head: prev, signature };
}

export interface BundleVerdict {
  ok: boolean;
  problems: string[];
  counts: Record<EntryKind, number>;
  /** SHA-256 of the public key's DER (SPKI): compare with the project's published key. */
  keyFingerprint: string;
}

export function publicKeyFingerprint(pem: string): string {
  return sha256(createPublicKey(pem).export({ type: 'spki', format: 'der' }).toString('hex'));
}

/**
 * Checks a parsed bundle: every entry's hash and place in the chain, the counts, the head, and
 * the signature (with `expectedPublicKey`, also that the bundle was signed with that key).
 */
export function verifyBundle(b: TraceBundle, expectedPublicKey?: string): BundleVerdict {
  const problems: string[] = [];
  const counts: TraceBundle['counts'] = { span: 0, price: 0, correction: 0 };
  let fingerprint = '';
  if (b?.format !== BUNDLE_FORMAT) return { ok: false, problems: [`not a ${BUNDLE_FORMAT} bundle (format ${JSON.stringify(b?.format)})`], counts, keyFingerprint: '' };
  try {
    fingerprint = publicKeyFingerprint(b.publicKey);
  } catch {
    problems.push('the public key in the bundle is not a valid key');
  }
  if (expectedPublicKey && fingerprint && fingerprint !== publicKeyFingerprint(expectedPublicKey)) {
    problems.push(`signed with key ${fingerprint.slice(0, 16)}…, not with the expected key ${publicKeyFingerprint(expectedPublicKey).slice(0, 16)}…`);
  }
  let prev = genesis(b);
  const entries = Array.isArray(b.entries) ? b.entries : [];
  entries.forEach((e, i) => {
    const where = `entry ${i} (${e?.kind ?? '?'}${spanLabel(e?.data)})`;
    if (e?.seq !== i) problems.push(`${where}: sequence number ${String(e?.seq)} where ${i} belongs (an entry was removed, added or moved)`);
    if (e?.kind === 'span' || e?.kind === 'price' || e?.kind === 'correction') counts[e.kind]++;
    const expected = link(prev, i, e?.kind, e?.data);
    if (expected !== e?.hash) {
      // Recompute from its own position: does the entry match its stated hash at all?
      const own = link(prev, e?.seq, e?.kind, e?.data);
      problems.push(own === e?.hash ? `${where}: out of place in the chain (an entry before it was removed or added)` : `${where}: content altered (hash mismatch)`);
    }
    prev = typeof e?.hash === 'string' ? e.hash : expected;
  });
  for (const k of ['span', 'price', 'correction'] as const) {
    if (counts[k] !== b.counts?.[k]) problems.push(`${b.counts?.[k] ?? 0} ${k} entries signed, ${counts[k]} present (${counts[k] < (b.counts?.[k] ?? 0) ? 'missing' : 'added'} entries)`);
  }
  if (prev !== b.head) problems.push('the chain does not end at the signed head (entries missing, added or altered at the end)');
  if (fingerprint) {
    let good = false;
    try {
      good = verify(null, signed(b, b.counts, b.head), createPublicKey(b.publicKey), Buffer.from(b.signature ?? '', 'base64'));
    } catch {
      good = false;
    }
    if (!good) problems.push('signature invalid: the header, counts or head were changed after signing');
  }
  return { ok: problems.length === 0, problems, counts, keyFingerprint: fingerprint };
}

function spanLabel(data: unknown): string {
  const d = data as { span_id?: unknown; trace_id?: unknown } | null;
  return d && typeof d.span_id === 'string' ? ` ${String(d.trace_id).slice(0, 8)}…/${d.span_id}` : '';
}
