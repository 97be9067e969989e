/**
 * "Isolated" is computed, never assumed. Plain node.
 *
 * A pod is isolated iff
 *  - it is not hostNetwork (NetworkPolicy does not govern the node's network namespace),
 *  - the engine's NetworkPolicy evaluation (shared/netpol: `policiesSelecting`, the same
 *    selection `allowed()` uses) isolates it for Ingress AND for Egress, and
 *  - no rule of a policy that selects it, in either direction, allows any peer. Rules are counted
 *    whatever their peers match today: a rule for `app=x` admits any pod someone labels `app=x`
 *    tomorrow, an ipBlock admits addresses outside the cluster.
 *  - the network plugin is not known NOT to enforce NetworkPolicy (enforcement 'checked' when a
 *    known enforcing plugin was found, 'assumed' when it could not be told).
 * Traffic between the pod and its own node (kubelet probes) is always allowed by Kubernetes and
 * established connections may survive (conntrack): the verdict says so in `assumptions`.
 */
import * as k8s from '@kubernetes/client-node';
import { NetworkModel, parsePolicy, policyLabel } from '../../../shared/netpol';
import { podInfo, policySource } from './live';

export interface CniInfo {
  /** Detected plugins (from kube-system DaemonSets/pods). */
  detected: string[];
  /** true: a plugin known to enforce NetworkPolicy; false: only non-enforcing ones (flannel); undefined: unknown. */
  enforcing: boolean | undefined;
  note: string;
}

export interface AllowingRule {
  /** "namespace/name" of the policy. */
  policy: string;
  direction: 'ingress' | 'egress';
  /** Index of the rule in spec.ingress / spec.egress. */
  rule: number;
  /** e.g. "NetworkPolicy payments/allow-checkout-ingress ingress[0] (from: pods app=frontend; ports: TCP 8080)". */
  description: string;
}

export interface IsolationVerdict {
  /** The pod is isolated for ingress and egress, no rule allows any peer, not hostNetwork, plugin not known to ignore policies. */
  isolated: boolean;
  namespace: string;
  pod: string;
  hostNetwork: boolean;
  /** Policies isolating the pod per direction ("ns/name"); empty: that direction is open. */
  ingressIsolatedBy: string[];
  egressIsolatedBy: string[];
  /** Rules of selecting policies that still allow traffic. */
  allowedBy: AllowingRule[];
  /** checked: a known enforcing plugin was found; assumed: could not be told; not-enforced: only plugins that ignore NetworkPolicy. */
  enforcement: 'checked' | 'assumed' | 'not-enforced';
  enforcementNote: string;
  /** Why it is NOT isolated (empty when isolated). */
  reasons: string[];
  /** What to do when it is not isolated (or what remains). */
  nextSteps: string[];
  /** What "isolated" does not cover, always listed. */
  assumptions: string[];
  /** One sentence: "Isolated: …" or "NOT isolated: …". */
  summary: string;
}

function describeRule(np: any, direction: 'ingress' | 'egress', index: number): string {
  const raw = np?.spec?.[direction]?.[index] ?? {};
  const peers = raw[direction === 'ingress' ? 'from' : 'to'];
  const sel = (s: any) => {
    const parts = [...Object.entries(s?.matchLabels ?? {}).map(([k, v]) => `${k}=${String(v)}`), ...(s?.matchExpressions ?? []).map((e: any) => `${e?.key} ${e?.operator}${Array.isArray(e?.values) ? ` (${e.values.join(',')})` : ''}`)];
    return parts.join(',') || '(all)';
  };
  const peerText = Array.isArray(peers) && peers.length
    ? peers.map((p: any) => p?.ipBlock ? `ipBlock ${p.ipBlock.cidr}${p.ipBlock.except?.length ? ` except ${p.ipBlock.except.join(',')}` : ''}` : `${p?.namespaceSelector ? `namespaces ${sel(p.namespaceSelector)} ` : ''}${p?.podSelector ? `pods ${sel(p.podSelector)}` : p?.namespaceSelector ? 'all pods' : ''}`.trim()).join('; ')
    : 'every peer';
  const ports = Array.isArray(raw.ports) && raw.ports.length ? raw.ports.map((p: any) => `${p?.protocol ?? 'TCP'} ${p?.port ?? 'all'}${p?.endPort ? `-${p.endPort}` : ''}`).join(', ') : 'all ports';
  return `${direction === 'ingress' ? 'from' : 'to'}: ${peerText}; ports: ${ports}`;
}

const ASSUMPTIONS = [
  'traffic between the pod and its own node (kubelet probes) is always allowed by Kubernetes',
  'connections established before the isolation may survive until they close (conntrack), depending on the network plugin',
];

/**
 * The isolation verdict for `pod` under `policies` (the live NetworkPolicies; only those of the pod's
 * namespace can select it) and the network plugin `cni` (undefined: not checked). `owner`: the workload
 * to scale to 0 in the next steps (default: the pod's controller).
 */
export function isolationVerdict(pod: k8s.V1Pod, policies: k8s.V1NetworkPolicy[], cni?: CniInfo, opts: { owner?: { kind: string; name: string } } = {}): IsolationVerdict {
  const info = podInfo(pod);
  const ns = info.namespace;
  const model = new NetworkModel({ pods: [info], policies: policies.filter((p) => (p.metadata?.namespace ?? 'default') === ns).map(policySource) });
  const sel = model.policiesSelecting(info);
  const ingressIsolatedBy = sel.ingress.map(policyLabel);
  const egressIsolatedBy = sel.egress.map(policyLabel);
  const allowedBy: AllowingRule[] = [];
  for (const [direction, list] of [['ingress', sel.ingress], ['egress', sel.egress]] as const) {
    for (const src of list) {
      for (const rule of parsePolicy(src.object)[direction]) {
        allowedBy.push({ policy: policyLabel(src), direction, rule: rule.index, description: `NetworkPolicy ${policyLabel(src)} ${direction}[${rule.index}] (${describeRule(src.object, direction, rule.index)})` });
      }
    }
  }
  const hostNetwork = info.hostNetwork === true;
  const enforcement: IsolationVerdict['enforcement'] = cni?.enforcing === true ? 'checked' : cni?.enforcing === false ? 'not-enforced' : 'assumed';
  const enforcementNote = cni ? cni.note : 'Whether the network plugin enforces NetworkPolicy was not checked: assumed.';
  const reasons: string[] = [];
  if (hostNetwork) reasons.push('the pod uses hostNetwork: its traffic is the node\'s and no NetworkPolicy governs it');
  else {
    if (!ingressIsolatedBy.length) reasons.push('no NetworkPolicy selects it for Ingress: all ingress is allowed');
    if (!egressIsolatedBy.length) reasons.push('no NetworkPolicy selects it for Egress: all egress is allowed');
    for (const a of allowedBy) reasons.push(`${a.description} allows ${a.direction} traffic`);
  }
  if (enforcement === 'not-enforced') reasons.push(`the network plugin does not enforce NetworkPolicy (${cni!.note})`);
  const isolated = reasons.length === 0;
  // A quarantined pod was released by its controller: the caller passes the owner it had.
  const owner = opts.owner ?? pod.metadata?.ownerReferences?.find((o) => o.controller);
  const nextSteps: string[] = [];
  if (!isolated) {
    if (!hostNetwork && enforcement !== 'not-enforced') nextSteps.push('isolate again (it removes the labels other policies select and recreates a missing quarantine policy); a policy with an empty podSelector and allow rules must be edited by hand');
    nextSteps.push(`cordon the node${pod.spec?.nodeName ? ` ${pod.spec.nodeName}` : ''} and delete the pod after saving evidence`);
    if (owner) nextSteps.push(`scale the owner (${owner.kind} ${owner.name}) to 0 so that no replacement runs the same code`);
  }
  const assumptions = [...ASSUMPTIONS, ...(enforcement === 'assumed' ? [`the network plugin enforces NetworkPolicy — ${enforcementNote}`] : [])];
  const target = `pod ${ns}/${info.name}`;
  const summary = isolated
    ? `Isolated: the NetworkPolicies ${[...new Set([...ingressIsolatedBy, ...egressIsolatedBy])].join(', ')} deny every ingress and egress peer of ${target}${enforcement === 'checked' ? ` (${enforcementNote.replace(/\.$/, '')})` : ` — ASSUMING the network plugin enforces NetworkPolicy (${enforcementNote.replace(/\.$/, '')})`}.`
    : `NOT isolated: ${target} — ${reasons.join('; ')}. Next steps: ${nextSteps.join('; ')}.`;
  return { isolated, namespace: ns, pod: info.name, hostNetwork, ingressIsolatedBy, egressIsolatedBy, allowedBy, enforcement, enforcementNote, reasons, nextSteps, assumptions, summary };
}
