/**
 * Reading the live objects the analyses need (namespaces, pods, NetworkPolicies,
 * Services, nodes, controllers) and adapting them to the NetworkPolicy engine.
 * Plain node.
 */
import * as k8s from '@kubernetes/client-node';
import { NetworkModel, NsInfo, PodInfo, PolicySource } from '../../../shared/netpol';
import { CancelledError, ClusterSession, classifyApiError, describeApiError, failureWords, req } from './connection';

export interface ClusterSnapshot {
  namespaces: k8s.V1Namespace[];
  pods: k8s.V1Pod[];
  policies: k8s.V1NetworkPolicy[];
  services: k8s.V1Service[];
  nodes: k8s.V1Node[];
  /** Reads that were not allowed or failed; the analysis continues with less data. */
  warnings: string[];
  /** Namespaces the lists cover ('*' = all). */
  scope: '*' | string[];
  /** Resources (plural, e.g. 'networkpolicies') that could not be listed at all: analyses must not take their absence as "none". */
  failed?: string[];
}

/**
 * Lists what the analyses need, cluster-wide if permitted, else only `namespace`
 * (with a warning). Fails only if even the namespace-scoped pod list fails.
 */
export async function loadSnapshot(session: ClusterSession, namespace: string, opts: { signal?: AbortSignal } = {}): Promise<ClusterSnapshot> {
  const warnings: string[] = [];
  const s = opts.signal;
  const server = session.server;
  let scope: '*' | string[] = '*';
  const failed: string[] = [];
  const tryList = async <T>(what: string, all: () => Promise<{ items: T[] }>, ns: (() => Promise<{ items: T[] }>) | undefined, required = false): Promise<T[]> => {
    try {
      return (await all()).items;
    } catch (e) {
      const kind = classifyApiError(e);
      if (kind === 'cancelled') throw e instanceof CancelledError ? e : new CancelledError(`list ${what}`);
      if (kind === 'timeout' || kind === 'unreachable' || kind === 'certificate' || kind === 'unauthorized' || kind === 'connectionDropped') {
        throw new Error(describeApiError(e, { verb: 'list', resource: what, server }));
      }
      if (ns) {
        try {
          const items = (await ns()).items;
          warnings.push(`Cannot list ${what} in all namespaces (${failureWords(e)}); only namespace "${namespace}" is analysed — peers in other namespaces are unknown.`);
          scope = [namespace];
          return items;
        } catch (e2) {
          if (required) throw new Error(describeApiError(e2, { verb: 'list', resource: what, namespace, server }));
          warnings.push(describeApiError(e2, { verb: 'list', resource: what, namespace, server }));
          failed.push(what);
          return [];
        }
      }
      warnings.push(describeApiError(e, { verb: 'list', resource: what, server }) + ' Continuing without them.');
      failed.push(what);
      return [];
    }
  };
  const [pods, policies, services, namespaces, nodes] = await Promise.all([
    tryList('pods', () => req(session, s, (o) => session.core.listPodForAllNamespaces({}, o)), () => req(session, s, (o) => session.core.listNamespacedPod({ namespace }, o)), true),
    tryList('networkpolicies', () => req(session, s, (o) => session.net.listNetworkPolicyForAllNamespaces({}, o)), () => req(session, s, (o) => session.net.listNamespacedNetworkPolicy({ namespace }, o))),
    tryList('services', () => req(session, s, (o) => session.core.listServiceForAllNamespaces({}, o)), () => req(session, s, (o) => session.core.listNamespacedService({ namespace }, o))),
    tryList('namespaces', () => req(session, s, (o) => session.core.listNamespace({}, o)), undefined),
    tryList('nodes', () => req(session, s, (o) => session.core.listNode({}, o)), undefined),
  ]);
  return { namespaces, pods, policies, services, nodes, warnings, scope, failed };
}

export function podInfo(p: k8s.V1Pod): PodInfo {
  const ips = (p.status?.podIPs ?? []).map((x) => x.ip).filter((x): x is string => !!x);
  if (!ips.length && p.status?.podIP) ips.push(p.status.podIP);
  return {
    name: p.metadata?.name ?? '',
    namespace: p.metadata?.namespace ?? 'default',
    labels: { ...(p.metadata?.labels ?? {}) },
    ips,
    hostNetwork: p.spec?.hostNetwork === true,
    nodeIP: p.status?.hostIP,
    ports: (p.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).map((x) => ({ name: x.name, containerPort: x.containerPort, protocol: x.protocol ?? 'TCP' }))),
  };
}

export function policySource(np: k8s.V1NetworkPolicy): PolicySource {
  const name = np.metadata?.name ?? '';
  const namespace = np.metadata?.namespace ?? 'default';
  // The engine wants the object as it would be written in YAML: client-node's typed objects rename
  // ingress `from` to `_from`, which the engine would read as "from every peer".
  const spec = np.spec ? { ...np.spec, ...(Array.isArray(np.spec.ingress) ? { ingress: np.spec.ingress.map(wireIngressRule) } : {}) } : undefined;
  return { name, namespace, object: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace, labels: np.metadata?.labels }, spec }, ref: np };
}

function wireIngressRule(r: k8s.V1NetworkPolicyIngressRule): Record<string, unknown> {
  const { _from, ...rest } = (r ?? {}) as k8s.V1NetworkPolicyIngressRule & { from?: unknown };
  return _from !== undefined ? { ...rest, from: _from } : { ...rest };
}

export function nsInfo(ns: k8s.V1Namespace): NsInfo {
  return { name: ns.metadata?.name ?? '', labels: { ...(ns.metadata?.labels ?? {}) } };
}

/** Pods that are live (not finished) — only those have IPs worth matching. */
export function activePods(pods: k8s.V1Pod[]): k8s.V1Pod[] {
  return pods.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed' && !p.metadata?.deletionTimestamp);
}

export function buildModel(snap: ClusterSnapshot, extraPolicies: k8s.V1NetworkPolicy[] = []): NetworkModel {
  const nsNames = new Set(snap.namespaces.map((n) => n.metadata?.name));
  const namespaces = snap.namespaces.map(nsInfo);
  // Namespaces we could not list: the engine assumes only kubernetes.io/metadata.name.
  for (const p of snap.pods) { const n = p.metadata?.namespace; if (n && !nsNames.has(n)) { nsNames.add(n); namespaces.push({ name: n, labels: { 'kubernetes.io/metadata.name': n } }); } }
  return new NetworkModel({ namespaces, pods: activePods(snap.pods).map(podInfo), policies: [...snap.policies, ...extraPolicies].map(policySource) });
}

export function podKey(p: { metadata?: { namespace?: string; name?: string } }): string {
  return `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`;
}

/** Equality-based label selector (Service selectors, matchLabels) match. */
export function matchLabelsSelects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  const l = labels ?? {};
  return Object.entries(selector).every(([k, v]) => l[k] === v);
}

/** metav1.LabelSelector match (matchLabels + matchExpressions). Empty selector selects everything. */
export function labelSelectorMatches(sel: k8s.V1LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  if (!sel) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    const vals = e.values ?? [];
    switch (e.operator) {
      case 'In': if (!has || !vals.includes(l[e.key])) return false; break;
      case 'NotIn': if (has && vals.includes(l[e.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

/** Label keys that a LabelSelector refers to (matchLabels keys + expression keys). */
export function selectorKeys(sel: k8s.V1LabelSelector | undefined): string[] {
  if (!sel) return [];
  return [...Object.keys(sel.matchLabels ?? {}), ...(sel.matchExpressions ?? []).map((e) => e.key)];
}
