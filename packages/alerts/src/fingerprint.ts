/**
 * Alert identity. An instance is (rule, group values); its labels are `alertname`, `rule_id`,
 * the rule's static labels and one label per group-by dimension. The fingerprint is
 * Alertmanager's label-set fingerprint (prometheus/common model.LabelSet.Fingerprint: FNV-1a 64
 * over the labels sorted by name, each name and value followed by the 0xff separator, printed as
 * 16 hex digits) over those identity labels — so a receiver can drop repeats, and the same
 * instance has the same fingerprint across evaluations, restarts and workers. `severity` is sent
 * as a label but is not part of the identity: an escalation from warning to critical is the same
 * alert instance.
 */

const OFFSET = 0xcbf29ce484222325n;
const PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;
const encoder = new TextEncoder();

function fnv(h: bigint, bytes: Uint8Array): bigint {
  for (const b of bytes) h = ((h ^ BigInt(b)) * PRIME) & MASK;
  return h;
}

const SEP = new Uint8Array([0xff]);

export function fingerprint(labels: Readonly<Record<string, string>>): string {
  let h = OFFSET;
  for (const name of Object.keys(labels).sort()) {
    h = fnv(h, encoder.encode(name));
    h = fnv(h, SEP);
    h = fnv(h, encoder.encode(labels[name]!));
    h = fnv(h, SEP);
  }
  return h.toString(16).padStart(16, '0');
}

/** Identity labels of an instance: rule labels, then group values, then alertname and rule_id. */
export function instanceLabels(rule: { id: string; name: string; labels: Readonly<Record<string, string>> }, group: Readonly<Record<string, string>>): Record<string, string> {
  return { ...rule.labels, ...group, alertname: rule.name, rule_id: rule.id };
}
