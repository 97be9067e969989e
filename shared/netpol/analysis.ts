/** Higher-level analyses on NetworkPolicy objects and models. */
import { formatIp, normalize, publicSpace } from './cidr';
import type { Family, Interval } from './cidr';
import { NetworkModel } from './model';
import { ParsedPolicy, ParsedPort, parsePolicy } from './parse';
import { selectsEverything } from './selector';
import type { Path, PodInfo } from './types';

export interface InternetEgress {
  /** Path of the offending field: the ipBlock's `cidr`, or the rule itself when it has no `to`. */
  path: Path;
  /** The ipBlock cidr as written, or "0.0.0.0/0, ::/0" for a rule without destinations. */
  cidr: string;
  /** Human text for the ports, e.g. "TCP 443", "TCP 8000-9000, UDP 53", "all ports". */
  ports: string;
  /** The rule has no `to` (or `to: []`): all destinations. */
  allDestinations: boolean;
  /** Index of the egress rule. */
  ruleIndex: number;
  /** A public address admitted by the rule (e.g. "1.0.0.0"). */
  example: string;
  /** Every port of the rule is invalid: the API server rejects the policy, and the rule opens this once its ports are fixed. */
  invalidPorts?: boolean;
}

function describePort(p: ParsedPort): string {
  if (p.kind === 'invalid') {
    const raw = p.raw as any;
    const proto = typeof raw?.protocol === 'string' ? raw.protocol : 'TCP';
    // Whatever was written (a mapping, a list, an object without prototype): shown as text, never thrown on.
    const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : v === null ? 'null' : Array.isArray(v) ? '[…]' : '{…}');
    const port = raw?.port !== undefined ? text(raw.port) : '';
    return `${proto} ${port}${raw?.endPort !== undefined ? `-${text(raw.endPort)}` : ''} (invalid)`.replace('  ', ' ');
  }
  if (p.kind === 'all') return `${p.protocol} (all ports)`;
  if (p.kind === 'named') return `${p.protocol} ${p.name}`;
  return p.from === p.to ? `${p.protocol} ${p.from}` : `${p.protocol} ${p.from}-${p.to}`;
}

export function describePorts(ports: ParsedPort[] | 'all'): string {
  return ports === 'all' ? 'all ports' : ports.map(describePort).join(', ');
}

/**
 * Egress rules that admit public internet addresses: a rule without `to`, or an
 * ipBlock whose cidr minus except still contains a publicly routable address
 * (so 0.0.0.0/0 except the RFC 1918 ranges is still internet egress; 10.0.0.0/8 is not).
 * Only considered when the policy's effective policyTypes include Egress. Rules
 * whose ports all fail validation are reported too, with `invalidPorts` (the
 * author meant to open them: fixing the port must not reveal this finding).
 */
/** The public space per family, normalized once (sorted, disjoint, adjacent ranges merged). */
const publicNormalized = new Map<Family, Interval[]>();

/**
 * The lowest public address of `allowed` (undefined: none): `intersect(allowed, publicSpace(family))[0][0]`
 * without building the intersection (both sides sorted and disjoint, the first overlap found is the lowest).
 */
function firstPublic(allowed: Interval[], family: Family): bigint | undefined {
  let pub = publicNormalized.get(family);
  if (!pub) publicNormalized.set(family, (pub = normalize(publicSpace(family))));
  for (const [a, b] of normalize(allowed))
    for (const [c, d] of pub) {
      if (c > b) break;
      const lo = a > c ? a : c;
      const hi = b < d ? b : d;
      if (lo <= hi) return lo;
    }
  return undefined;
}

export function egressToInternet(policy: unknown, parsed: ParsedPolicy = parsePolicy(policy)): InternetEgress[] {
  const out: InternetEgress[] = [];
  if (!parsed.types.egress) return out;
  for (const rule of parsed.egress) {
    const invalidPorts = rule.ports !== 'all' && rule.ports.length > 0 && rule.ports.every((p) => p.kind === 'invalid');
    const ports = describePorts(rule.ports);
    const flag = invalidPorts ? { invalidPorts: true } : {};
    if (rule.peers === 'all') {
      const raw = (policy as any)?.spec?.egress?.[rule.index];
      const hasTo = raw && typeof raw === 'object' && Array.isArray(raw.to);
      out.push({ path: hasTo ? [...rule.path, 'to'] : rule.path, cidr: '0.0.0.0/0, ::/0', ports, allDestinations: true, ruleIndex: rule.index, example: '1.1.1.1', ...flag });
      continue;
    }
    for (const peer of rule.peers) {
      const b = peer.ipBlock;
      if (peer.kind !== 'ipBlock' || !b) continue;
      const first = firstPublic(b.allowed, b.cidr.family);
      if (first === undefined) continue;
      out.push({
        path: [...peer.path, 'ipBlock', 'cidr'],
        cidr: b.text,
        ports,
        allDestinations: false,
        ruleIndex: rule.index,
        example: formatIp(b.cidr.family, first),
        ...flag,
      });
    }
  }
  return out;
}

/** Whether the policy selects every pod of its namespace and allows nothing in a direction it governs. */
export function isDefaultDeny(policy: unknown): { ingress: boolean; egress: boolean } {
  const p = parsePolicy(policy);
  const all = selectsEverything(p.podSelector);
  return {
    ingress: all && p.types.ingress && p.ingress.length === 0,
    egress: all && p.types.egress && p.egress.length === 0,
  };
}

export const KUBE_DNS_LABELS = { 'k8s-app': 'kube-dns' };

/** The kube-dns pod assumed when the model knows none. */
export const ASSUMED_KUBE_DNS_POD: PodInfo = {
  name: 'kube-dns',
  namespace: 'kube-system',
  labels: { ...KUBE_DNS_LABELS },
  ports: [
    { name: 'dns', containerPort: 53, protocol: 'UDP' },
    { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
    { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
  ],
};

export function kubeDnsPods(model: NetworkModel): PodInfo[] {
  const known = model.pods.filter((p) => p.namespace === 'kube-system' && p.labels?.['k8s-app'] === 'kube-dns' && p.hostNetwork !== true);
  return known.length ? known : [ASSUMED_KUBE_DNS_POD];
}

/**
 * DNS reachability of a pod: whether its egress allows UDP 53 and TCP 53 to
 * kube-dns (pods labelled k8s-app=kube-dns in kube-system; an assumed such pod
 * when the model knows none). Only the pod's egress is considered unless
 * `includeIngress` is set (then kube-dns' ingress policies count too).
 */
export function dnsAccess(model: NetworkModel, pod: PodInfo, opts?: { includeIngress?: boolean }): { udp: boolean; tcp: boolean } {
  const dns = kubeDnsPods(model);
  const ok = (protocol: 'UDP' | 'TCP') =>
    dns.some((d) => {
      const v = model.allowed({ kind: 'pod', pod }, { kind: 'pod', pod: d }, 53, protocol);
      if (opts?.includeIngress) return v.allowed;
      return !v.egress.isolated || v.egress.allowedBy.length > 0;
    });
  return { udp: ok('UDP'), tcp: ok('TCP') };
}

export function allowsDns(model: NetworkModel, pod: PodInfo, opts?: { includeIngress?: boolean }): boolean {
  const a = dnsAccess(model, pod, opts);
  return a.udp && a.tcp;
}
