/**
 * Connectivity model: which connections a set of NetworkPolicies allows.
 *
 * Semantics (https://kubernetes.io/docs/concepts/services-networking/network-policies/):
 *  - A pod is isolated for ingress (egress) iff at least one policy in its namespace
 *    selects it and has Ingress (Egress) in its effective policyTypes.
 *  - Policies are additive: a connection is allowed on one side iff the pod on that
 *    side is not isolated for that direction, or at least one rule of one of the
 *    isolating policies allows it.
 *  - A connection is allowed iff the source's egress AND the destination's ingress
 *    allow it.
 *  - Traffic from a pod to itself, and between a pod and its own node, is always allowed.
 *
 * Decisions where Kubernetes leaves behaviour to the network plugin:
 *  - hostNetwork pods are not governed by NetworkPolicy: never isolated, never
 *    selected by podSelector/namespaceSelector peers; their traffic is treated as
 *    traffic from/to the node's IP (`ips`, or else `nodeIP`), which ipBlocks match
 *    (regardless of ipBlockMatchesPodIPs) and which is always allowed to/from pods
 *    on the same node.
 *  - ipBlock vs pod IPs: option ipBlockMatchesPodIPs (default false).
 *  - Named ports are resolved against the destination pod's container ports (name and
 *    protocol must match). A named port can never match an IP / hostNetwork destination.
 *  - An `ip` peer is always a non-pod endpoint (even if a known pod has that IP): to
 *    query pod-to-pod traffic pass the pod. Dual-stack pods match an ipBlock if any of
 *    their IPs of the ipBlock's family is inside it.
 *  - A pod whose namespace is not in `namespaces` is assumed to be in a namespace
 *    carrying only the automatic `kubernetes.io/metadata.name` label.
 */
import { ParsedIp, contains, parseIp } from './cidr';
import { ParsedPeer, ParsedPolicy, ParsedPort, ParsedRule, parsePolicy } from './parse';
import { isObject, selectorMatches } from './selector';
import {
  ConnectionVerdict,
  DEFAULT_OPTIONS,
  Direction,
  DirectionVerdict,
  NetpolOptions,
  NsInfo,
  Peer,
  PodInfo,
  PolicyProblem,
  PolicySource,
  Protocol,
  RuleRef,
} from './types';
import { validatePolicy } from './validate';

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

interface PolicyEntry {
  source: PolicySource;
  namespace: string;
  parsed: ParsedPolicy;
}

type Endpoint =
  /** A pod on the pod network (governed by NetworkPolicy). */
  | { kind: 'pod'; pod: PodInfo; ips: ParsedIp[]; label: string }
  /** An IP address outside the pod network, or a hostNetwork pod (node IPs). */
  | { kind: 'host'; pod?: PodInfo; ips: ParsedIp[]; nodeIps: ParsedIp[]; label: string };

interface PortQuery {
  port?: number;
  name?: string;
  protocol: string;
}

const PROTOCOLS: Protocol[] = ['TCP', 'UDP', 'SCTP'];

const str = (v: unknown, dflt = ''): string => (typeof v === 'string' ? v : dflt);
const labelsOf = (v: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  if (isObject(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
};
const ipsOf = (list: unknown): ParsedIp[] =>
  Array.isArray(list) ? list.map((x) => parseIp(x)).filter((x): x is ParsedIp => !!x) : [];
const sameIp = (a: ParsedIp, b: ParsedIp): boolean => a.family === b.family && a.value === b.value;

export function policyNamespace(p: PolicySource): string {
  if (typeof p?.namespace === 'string' && p.namespace) return p.namespace;
  const ns = p?.object?.metadata?.namespace;
  return typeof ns === 'string' && ns ? ns : 'default';
}

export function policyLabel(p: PolicySource): string {
  return `${policyNamespace(p)}/${str(p?.name, str(p?.object?.metadata?.name, '<unnamed>'))}`;
}

export class NetworkModel {
  readonly options: NetpolOptions;
  readonly namespaces: ReadonlyMap<string, NsInfo>;
  /** Pods known to the model (optional; used by allowsDns and helpers). */
  readonly pods: PodInfo[];
  readonly policies: PolicySource[];
  private readonly entries: PolicyEntry[];

  constructor(input: { namespaces?: NsInfo[]; policies?: PolicySource[]; pods?: PodInfo[]; options?: Partial<NetpolOptions> }) {
    const inp = isObject(input) ? input : {};
    const o = isObject(inp.options) ? inp.options : {};
    this.options = {
      ipBlockMatchesPodIPs: typeof o.ipBlockMatchesPodIPs === 'boolean' ? o.ipBlockMatchesPodIPs : DEFAULT_OPTIONS.ipBlockMatchesPodIPs,
    };
    const nss = new Map<string, NsInfo>();
    for (const n of Array.isArray(inp.namespaces) ? inp.namespaces : []) {
      if (isObject(n) && typeof n.name === 'string') nss.set(n.name, { name: n.name, labels: labelsOf(n.labels) });
    }
    this.namespaces = nss;
    this.pods = (Array.isArray(inp.pods) ? inp.pods : []).filter((p) => isObject(p) && typeof p.name === 'string');
    this.policies = (Array.isArray(inp.policies) ? inp.policies : []).filter((p) => isObject(p));
    this.entries = this.policies.map((source) => ({ source, namespace: policyNamespace(source), parsed: parsePolicy(source.object) }));
  }

  /** Labels of a namespace, including the automatic kubernetes.io/metadata.name label. */
  namespaceLabels(ns: string): Record<string, string> {
    const info = this.namespaces.get(ns);
    return { ...(info ? info.labels : {}), [NAMESPACE_NAME_LABEL]: ns };
  }

  /** Policies that select the pod, per direction. The pod is isolated in a direction iff the list is non-empty. */
  policiesSelecting(pod: PodInfo): { ingress: PolicySource[]; egress: PolicySource[] } {
    const res = { ingress: [] as PolicySource[], egress: [] as PolicySource[] };
    if (!isObject(pod) || pod.hostNetwork === true) return res;
    for (const e of this.selectingEntries(pod)) {
      if (e.parsed.types.ingress) res.ingress.push(e.source);
      if (e.parsed.types.egress) res.egress.push(e.source);
    }
    return res;
  }

  private selectingEntries(pod: PodInfo): PolicyEntry[] {
    const ns = str(pod.namespace, 'default');
    const labels = labelsOf(pod.labels);
    return this.entries.filter((e) => e.namespace === ns && selectorMatches(e.parsed.podSelector, labels));
  }

  /**
   * Whether a connection from `src` to `dst` on `port` (number, or a named port of
   * the destination pod) and `protocol` (default: TCP, or the named port's protocol) is allowed.
   */
  allowed(src: Peer, dst: Peer, port: number | string, protocol?: Protocol): ConnectionVerdict {
    const s = this.endpoint(src);
    const d = this.endpoint(dst);
    const q = this.resolvePort(d, port, protocol);

    const egress = this.side('egress', s, d, q);
    const ingress = this.side('ingress', d, s, q);
    const egressOk = !egress.isolated || egress.allowedBy.length > 0;
    const ingressOk = !ingress.isolated || ingress.allowedBy.length > 0;

    if (s.kind === 'pod' && d.kind === 'pod' && str(s.pod.namespace) === str(d.pod.namespace) && str(s.pod.name) === str(d.pod.name))
      return { allowed: true, egress, ingress, reason: `allowed: traffic from a pod to itself (${s.label}) is always allowed` };
    if (this.sameNode(s, d) || this.sameNode(d, s))
      return { allowed: true, egress, ingress, reason: `allowed: traffic between a pod and its own node is always allowed (${s.label} → ${d.label})` };

    const allowed = egressOk && ingressOk;
    const reason = `${allowed ? 'allowed' : 'denied'}: ${this.explain('egress', s, egress)}; ${this.explain('ingress', d, ingress)}`;
    return { allowed, egress, ingress, reason };
  }

  /** What the API server rejects in every policy (`validatePolicy`). */
  problems(): { policy: PolicySource; problems: PolicyProblem[] }[] {
    return this.policies.map((policy) => ({ policy, problems: validatePolicy(policy.object) }));
  }

  // -------------------------------------------------------------------------

  private endpoint(p: Peer): Endpoint {
    if (isObject(p) && p.kind === 'pod' && isObject(p.pod)) {
      const pod = p.pod;
      const label = `${str(pod.namespace, 'default')}/${str(pod.name, '<unnamed>')}`;
      if (pod.hostNetwork === true) {
        const node = parseIp(pod.nodeIP);
        const own = ipsOf(pod.ips);
        const ips = own.length ? own : node ? [node] : [];
        return { kind: 'host', pod, ips, nodeIps: node ? [...ips, node] : ips, label: `${label} (hostNetwork)` };
      }
      return { kind: 'pod', pod, ips: ipsOf(pod.ips), label };
    }
    const rawIp: unknown = isObject(p) ? (p as Record<string, unknown>).ip : undefined;
    const ipText = typeof rawIp === 'string' ? rawIp : '';
    const ip = parseIp(ipText);
    return { kind: 'host', ips: ip ? [ip] : [], nodeIps: ip ? [ip] : [], label: ipText || '<invalid ip>' };
  }

  /** `a` is a pod-network pod and `b` is its node (node IP or a hostNetwork pod on that node). */
  private sameNode(a: Endpoint, b: Endpoint): boolean {
    if (a.kind !== 'pod' || b.kind !== 'host') return false;
    const node = parseIp(a.pod.nodeIP);
    return !!node && b.nodeIps.some((x) => sameIp(x, node));
  }

  private resolvePort(d: Endpoint, port: number | string, protocol: unknown): PortQuery {
    const proto = typeof protocol === 'string' && protocol ? protocol.toUpperCase() : undefined;
    if (typeof port === 'string' && /^\d+$/.test(port)) port = Number(port);
    if (typeof port === 'number') return { port: Number.isInteger(port) ? port : undefined, protocol: proto ?? 'TCP' };
    if (typeof port === 'string' && port) {
      const ports = d.kind === 'pod' && Array.isArray(d.pod.ports) ? d.pod.ports : [];
      for (const cp of ports) {
        if (!isObject(cp) || cp.name !== port) continue;
        const cpProto = str(cp.protocol, 'TCP');
        if (proto && cpProto !== proto) continue;
        return { port: typeof cp.containerPort === 'number' ? cp.containerPort : undefined, name: port, protocol: cpProto };
      }
      return { name: port, protocol: proto ?? 'TCP' };
    }
    return { protocol: proto ?? 'TCP' };
  }

  /** Evaluate one side: `self` is the endpoint whose policies apply, `other` the remote peer. */
  private side(direction: Direction, self: Endpoint, other: Endpoint, q: PortQuery): DirectionVerdict {
    const verdict: DirectionVerdict = { isolated: false, allowedBy: [], policies: [] };
    if (self.kind !== 'pod') return verdict;
    const dstPod = direction === 'egress' ? (other.kind === 'pod' ? other.pod : undefined) : self.pod;
    for (const e of this.selectingEntries(self.pod)) {
      if (!e.parsed.types[direction]) continue;
      verdict.isolated = true;
      verdict.policies.push(e.source);
      for (const rule of e.parsed[direction]) {
        if (this.ruleMatches(rule, e.namespace, other, q, dstPod)) {
          const ref: RuleRef = { policy: e.source, direction, ruleIndex: rule.index, path: rule.path };
          verdict.allowedBy.push(ref);
        }
      }
    }
    return verdict;
  }

  private ruleMatches(rule: ParsedRule, policyNs: string, peer: Endpoint, q: PortQuery, dstPod: PodInfo | undefined): boolean {
    const peerOk = rule.peers === 'all' || rule.peers.some((p) => this.peerMatches(p, policyNs, peer));
    return peerOk && portsMatch(rule.ports, q, dstPod);
  }

  private peerMatches(peer: ParsedPeer, policyNs: string, ep: Endpoint): boolean {
    if (peer.kind === 'selector') {
      if (ep.kind !== 'pod') return false;
      const ns = str(ep.pod.namespace, 'default');
      const nsOk = peer.namespaceSelector ? selectorMatches(peer.namespaceSelector, this.namespaceLabels(ns)) : ns === policyNs;
      const podOk = peer.podSelector ? selectorMatches(peer.podSelector, labelsOf(ep.pod.labels)) : true;
      return nsOk && podOk;
    }
    if (peer.kind === 'ipBlock' && peer.ipBlock) {
      const b = peer.ipBlock;
      const ips = ep.kind === 'host' ? ep.ips : this.options.ipBlockMatchesPodIPs ? ep.ips : [];
      return ips.some((ip) => ip.family === b.cidr.family && contains(b.allowed, ip.value));
    }
    return false;
  }

  private explain(direction: Direction, ep: Endpoint, v: DirectionVerdict): string {
    const role = direction === 'egress' ? 'source' : 'destination';
    if (ep.kind !== 'pod') {
      return ep.pod
        ? `${role} ${ep.label} uses the host network and is not governed by NetworkPolicy`
        : `${role} ${ep.label} is not a pod, so no ${direction} policy applies`;
    }
    if (!v.isolated) return `${role} ${ep.label} is not isolated for ${direction}`;
    if (v.allowedBy.length)
      return `${direction} allowed by ${v.allowedBy.map((r) => `${policyLabel(r.policy)} ${r.direction}[${r.ruleIndex}]`).join(', ')}`;
    return `${role} ${ep.label} is isolated for ${direction} by ${v.policies.map(policyLabel).join(', ')} and no ${direction} rule allows this connection`;
  }
}

export function portsMatch(ports: ParsedPort[] | 'all', q: PortQuery, dstPod: PodInfo | undefined): boolean {
  if (ports === 'all') return true;
  return ports.some((e) => {
    if (e.kind === 'invalid' || e.protocol !== q.protocol) return false;
    if (e.kind === 'all') return true;
    if (e.kind === 'range') return q.port !== undefined && e.from <= q.port && q.port <= e.to;
    // named port: resolved on the destination pod
    if (!dstPod || !Array.isArray(dstPod.ports) || q.port === undefined) return false;
    return dstPod.ports.some(
      (cp) => isObject(cp) && cp.name === e.name && str(cp.protocol, 'TCP') === e.protocol && cp.containerPort === q.port,
    );
  });
}

export { PROTOCOLS };
