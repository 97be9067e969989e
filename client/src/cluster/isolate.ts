/**
 * Isolating (quarantining) a live pod and releasing it. Plain node.
 *
 * NetworkPolicies cannot deny, only allow: a deny-all policy does not cut traffic that another
 * policy allows. So isolation = (1) take away every label that another NetworkPolicy (podSelector
 * or a peer), a Service or a controller selects, (2) add the quarantine label, (3) a deny-all
 * (Ingress+Egress, no rules) policy selecting the quarantine label. Controllers release the pod
 * (it keeps running for forensics) and create a replacement; Services stop routing to it.
 */
import { randomBytes } from 'node:crypto';
import * as k8s from '@kubernetes/client-node';
import { NetworkModel, parsePolicy, selectorMatches, policyNamespace } from '../../../shared/netpol';
import { CancelledError, ClusterSession, MERGE_PATCH, classifyApiError, describeApiError, httpStatusOf, req, sleep, throwIfAborted } from './connection';
import { saveEvidence, EvidenceBundle } from './evidence';
import { ClusterSnapshot, activePods, buildModel, labelSelectorMatches, loadSnapshot, matchLabelsSelects, podInfo, selectorKeys } from './live';
import { ORIGINAL_LABELS_ANNOTATION, QUARANTINE_LABEL, traceEgress } from './trace';
import { CniInfo, IsolationVerdict, isolationVerdict } from './verdict';

export type { CniInfo, IsolationVerdict };
export { isolationVerdict };

export { QUARANTINE_LABEL, ORIGINAL_LABELS_ANNOTATION };
export const AUDIT_ANNOTATION = 'k8s-guardrails.io/quarantine-audit';
export const POLICY_ANNOTATION = 'k8s-guardrails.io/quarantine-policy';
export const ROLLBACK_ANNOTATION = 'k8s-guardrails.io/isolation-rolled-back';
/** Written by a release whose label patch timed out, so that the late patch (resourceVersion precondition) cannot apply. */
export const RELEASE_FENCE_ANNOTATION = 'k8s-guardrails.io/release-fenced';
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'k8s-guardrails' };
export const QUARANTINE_POLICY_BASE = 'k8s-guardrails-quarantine';
const CREATED_FOR_ANNOTATION = 'k8s-guardrails.io/created-for';
/**
 * Prefix of the quarantine record on the quarantine NetworkPolicy: `k8s-guardrails.io/record.<id>` =
 * JSON {@link QuarantineRecord}. Someone who can only edit the pod cannot forge it (the pod's own
 * ORIGINAL_LABELS annotation is only a copy, compared on release).
 */
export const RECORD_ANNOTATION_PREFIX = 'k8s-guardrails.io/record.';

export interface QuarantineRecord {
  pod: string;
  namespace: string;
  uid?: string;
  id: string;
  /** The pod's labels before the quarantine. */
  labels: Record<string, string>;
  time: string;
  /** false: rebuilt from the pod's annotation (the policy had been deleted) — it vouches for nothing. */
  trusted: boolean;
}

export function recordKey(id: string): string {
  return RECORD_ANNOTATION_PREFIX + id;
}

// ---------------------------------------------------------------------------------------------
// audit

export interface AuditEntry {
  time: string;
  /** evidence | plan | policy | patch | verify | rollback | release | cordon | scale | delete | … */
  step: string;
  status: 'ok' | 'failed' | 'skipped' | 'dry-run' | 'info' | 'warning';
  message: string;
  dryRun?: boolean;
  target?: string;
}

class Audit {
  readonly entries: AuditEntry[] = [];
  constructor(private readonly sink?: (e: AuditEntry) => void, private readonly dryRun = false) {}
  add(step: string, status: AuditEntry['status'], message: string, target?: string): void {
    const e: AuditEntry = { time: new Date().toISOString(), step, status, message, ...(this.dryRun ? { dryRun: true } : {}), ...(target ? { target } : {}) };
    this.entries.push(e);
    try { this.sink?.(e); } catch { /* the sink must not break the operation */ }
  }
}

// ---------------------------------------------------------------------------------------------
// plan

export interface LabelRemoval {
  key: string;
  value: string;
  /** Why: "NetworkPolicy payments/x podSelector", "Service payments/checkout selector", "ReplicaSet … selector", … */
  reasons: string[];
}

export interface OwnerRef { kind: string; name: string; apiVersion?: string; uid?: string }

export interface IsolationPlan {
  id: string;
  namespace: string;
  pod: string;
  podUid?: string;
  resourceVersion?: string;
  node?: string;
  hostNetwork: boolean;
  currentLabels: Record<string, string>;
  labelsToRemove: LabelRemoval[];
  /** Labels after the change (kept + quarantine label). */
  newLabels: Record<string, string>;
  quarantineLabel: { key: string; value: string };
  /** Name we intend to use (an existing policy of ours is reused; a foreign one is never overwritten). */
  policyName: string;
  /** The quarantine policy exists already (ours, reused). */
  policyExists: boolean;
  policy: k8s.V1NetworkPolicy;
  /** Controller chain, nearest first (ReplicaSet, Deployment). */
  owners: OwnerRef[];
  /** Other pods the nearest controller owned at planning time (not counted as replacements). */
  siblingPods: string[];
  selectedBy: { policies: string[]; peerOf: string[]; services: string[]; controllers: string[] };
  /** Policies that would still select the pod after the change (should be only the quarantine one). */
  predictedSelecting: string[];
  cni: CniInfo;
  warnings: string[];
  /** Already quarantined and nothing to repair: isolatePod verifies (the verdict) and changes nothing. */
  alreadyIsolated?: { id: string; policy?: string };
  /** Already quarantined but something is missing: isolatePod repairs it (no new evidence, the original labels are kept). */
  repair?: { id: string; missingPolicy: boolean; labels: string[] };
  /** The pod's ORIGINAL_LABELS annotation as read (a repair rebuilds a missing record from it). */
  originalLabelsAnnotation?: string;
  /** The pod's isolation verdict as planned (current state); undefined when the NetworkPolicies could not be listed. */
  verdict?: IsolationVerdict;
  /** Human-readable description of every change, one per line. */
  summary: string[];
}

function newId(): string {
  return randomBytes(4).toString('hex');
}

export function quarantinePolicy(name: string, namespace: string, createdFor?: string, record?: QuarantineRecord): k8s.V1NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name, namespace, labels: { ...MANAGED_BY },
      annotations: { 'k8s-guardrails.io/purpose': 'Quarantine: denies all ingress and egress of pods labelled k8s-guardrails.io/quarantine', ...(createdFor ? { [CREATED_FOR_ANNOTATION]: createdFor } : {}), ...(record ? { [recordKey(record.id)]: JSON.stringify(record) } : {}) },
    },
    spec: { podSelector: { matchExpressions: [{ key: QUARANTINE_LABEL, operator: 'Exists' }] }, policyTypes: ['Ingress', 'Egress'], ingress: [], egress: [] },
  };
}

/** Ours and still a pure deny-all on the quarantine label (so it is safe to reuse). */
function isOurQuarantinePolicy(np: k8s.V1NetworkPolicy): boolean {
  if (np.metadata?.labels?.['app.kubernetes.io/managed-by'] !== 'k8s-guardrails') return false;
  const s = np.spec;
  const exprs = s?.podSelector?.matchExpressions ?? [];
  const ml = s?.podSelector?.matchLabels ?? {};
  const types = [...(s?.policyTypes ?? [])].sort().join(',');
  return Object.keys(ml).length === 0 && exprs.length === 1 && exprs[0].key === QUARANTINE_LABEL && exprs[0].operator === 'Exists' && types === 'Egress,Ingress' && !(s?.ingress ?? []).length && !(s?.egress ?? []).length;
}

const KNOWN_CNI: { re: RegExp; name: string; enforces: boolean }[] = [
  { re: /calico/i, name: 'calico', enforces: true },
  { re: /cilium/i, name: 'cilium', enforces: true },
  { re: /weave/i, name: 'weave', enforces: true },
  { re: /antrea/i, name: 'antrea', enforces: true },
  { re: /kube-router/i, name: 'kube-router', enforces: true },
  { re: /canal/i, name: 'canal', enforces: true },
  { re: /flannel/i, name: 'flannel', enforces: false },
];

export async function detectCni(session: ClusterSession, signal?: AbortSignal): Promise<CniInfo> {
  const names: string[] = [];
  try {
    const ds = await req(session, signal, (o) => session.apps.listNamespacedDaemonSet({ namespace: 'kube-system' }, o));
    for (const d of ds.items) names.push(d.metadata?.name ?? '', ...(d.spec?.template?.spec?.containers ?? []).map((c) => c.image ?? ''));
  } catch (e) {
    if (e instanceof CancelledError) throw e;
    try {
      const pods = await req(session, signal, (o) => session.core.listNamespacedPod({ namespace: 'kube-system' }, o));
      for (const p of pods.items) names.push(p.metadata?.name ?? '', ...(p.spec?.containers ?? []).map((c) => c.image ?? ''));
    } catch (e2) {
      if (e2 instanceof CancelledError) throw e2;
      return { detected: [], enforcing: undefined, note: `Cannot tell whether the network plugin enforces NetworkPolicy (${describeApiError(e2, { verb: 'list', resource: 'daemonsets', namespace: 'kube-system', server: session.server })}). Check it before relying on the quarantine policy.` };
    }
  }
  const detected = KNOWN_CNI.filter((k) => names.some((n) => k.re.test(n))).map((k) => k.name);
  const enforcing = detected.some((d) => KNOWN_CNI.find((k) => k.name === d)!.enforces);
  if (enforcing) return { detected, enforcing: true, note: `Network plugin ${detected.join(' + ')} enforces NetworkPolicy.` };
  if (detected.length) return { detected, enforcing: false, note: `Network plugin ${detected.join(', ')} does NOT enforce NetworkPolicy: the quarantine policy will have no effect. Use the other options (cordon, scale to 0, delete) or install a policy engine.` };
  return { detected, enforcing: undefined, note: 'No known NetworkPolicy-enforcing plugin (calico, cilium, weave, antrea, kube-router, canal) found in kube-system: the quarantine policy may have no effect (managed clusters may run it elsewhere — check).' };
}

interface Workload { kind: string; name: string; selector?: k8s.V1LabelSelector; uid?: string }

async function listWorkloads(session: ClusterSession, ns: string, signal: AbortSignal | undefined, warnings: string[]): Promise<Workload[]> {
  const out: Workload[] = [];
  const each = async (kind: string, f: () => Promise<{ items: { metadata?: k8s.V1ObjectMeta; spec?: { selector?: k8s.V1LabelSelector } }[] }>) => {
    try {
      for (const w of (await f()).items) out.push({ kind, name: w.metadata?.name ?? '', selector: w.spec?.selector, uid: w.metadata?.uid });
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      warnings.push(`Cannot list ${kind}s: ${describeApiError(e, { verb: 'list', resource: kind.toLowerCase() + 's', namespace: ns, server: session.server })}`);
    }
  };
  await Promise.all([
    each('ReplicaSet', () => req(session, signal, (o) => session.apps.listNamespacedReplicaSet({ namespace: ns }, o))),
    each('Deployment', () => req(session, signal, (o) => session.apps.listNamespacedDeployment({ namespace: ns }, o))),
    each('StatefulSet', () => req(session, signal, (o) => session.apps.listNamespacedStatefulSet({ namespace: ns }, o))),
    each('DaemonSet', () => req(session, signal, (o) => session.apps.listNamespacedDaemonSet({ namespace: ns }, o))),
    each('Job', () => req(session, signal, (o) => session.batch.listNamespacedJob({ namespace: ns }, o))),
  ]);
  return out;
}

function ownerChainOf(pod: k8s.V1Pod, workloads: Workload[], replicaSets: Map<string, k8s.V1OwnerReference[]>): OwnerRef[] {
  const out: OwnerRef[] = [];
  let refs = pod.metadata?.ownerReferences ?? [];
  for (let i = 0; i < 3 && refs.length; i++) {
    const r = refs.find((x) => x.controller) ?? refs[0];
    out.push({ kind: r.kind, name: r.name, apiVersion: r.apiVersion, uid: r.uid });
    refs = replicaSets.get(`${r.kind}/${r.name}`) ?? [];
  }
  void workloads;
  return out;
}

/** Which policies (by "ns/name") select the pod, and which have a peer selecting it. */
function selection(model: NetworkModel, pod: k8s.V1Pod, labels: Record<string, string>): { selecting: Map<string, k8s.V1NetworkPolicy>; peers: Map<string, { np: k8s.V1NetworkPolicy; keys: string[]; nsOnly: boolean }> } {
  const info = { ...podInfo(pod), labels };
  const sel = model.policiesSelecting(info);
  const selecting = new Map<string, k8s.V1NetworkPolicy>();
  for (const p of [...sel.ingress, ...sel.egress]) selecting.set(`${p.namespace}/${p.name}`, p.ref as k8s.V1NetworkPolicy);
  const peers = new Map<string, { np: k8s.V1NetworkPolicy; keys: string[]; nsOnly: boolean }>();
  const ns = info.namespace;
  if (!info.hostNetwork) {
    for (const src of model.policies) {
      const parsed = parsePolicy(src.object);
      const pns = policyNamespace(src);
      const raw = src.object?.spec ?? {};
      for (const [dir, rules] of [['ingress', parsed.ingress], ['egress', parsed.egress]] as const) {
        for (const rule of rules) {
          if (rule.peers === 'all') continue;
          for (const peer of rule.peers) {
            if (peer.kind !== 'selector') continue;
            const nsOk = peer.namespaceSelector ? selectorMatches(peer.namespaceSelector, model.namespaceLabels(ns)) : ns === pns;
            if (!nsOk) continue;
            if (peer.podSelector && !selectorMatches(peer.podSelector, labels)) continue;
            const rawPeer = raw?.[dir]?.[rule.index]?.[dir === 'ingress' ? 'from' : 'to']?.[peer.index];
            const keys = peer.podSelector ? selectorKeys(rawPeer?.podSelector) : [];
            const k = `${src.namespace}/${src.name}`;
            const cur = peers.get(k) ?? { np: src.ref as k8s.V1NetworkPolicy, keys: [], nsOnly: false };
            cur.keys.push(...keys);
            if (!peer.podSelector || keys.length === 0) cur.nsOnly = true;
            peers.set(k, cur);
          }
        }
      }
    }
  }
  return { selecting, peers };
}

export interface PlanOptions { signal?: AbortSignal; snapshot?: ClusterSnapshot }

/**
 * Computes what isolating `ns/podName` would change, without changing anything.
 */
export async function planIsolation(session: ClusterSession, ns: string, podName: string, opts: PlanOptions = {}): Promise<IsolationPlan> {
  const signal = opts.signal;
  let pod: k8s.V1Pod;
  try {
    pod = await req(session, signal, (o) => session.core.readNamespacedPod({ name: podName, namespace: ns }, o));
  } catch (e) {
    if (e instanceof CancelledError) throw e;
    throw new Error(`Cannot plan the isolation of pod ${ns}/${podName} (step "read the pod"): ${describeApiError(e, { verb: 'get', resource: 'pods', namespace: ns, name: podName, server: session.server })} Nothing was changed.`);
  }
  const warnings: string[] = [];
  let snap: ClusterSnapshot;
  try {
    snap = opts.snapshot ?? (await loadSnapshot(session, ns, { signal }));
  } catch (e) {
    if (e instanceof CancelledError) throw e;
    throw new Error(`Cannot plan the isolation of pod ${ns}/${podName} (step "read the cluster"): ${e instanceof Error ? e.message : String(e)} Nothing was changed.`);
  }
  warnings.push(...snap.warnings);
  const current = { ...(pod.metadata?.labels ?? {}) };
  const hostNetwork = pod.spec?.hostNetwork === true;
  const existingId = current[QUARANTINE_LABEL];

  const workloads = await listWorkloads(session, ns, signal, warnings);
  const rsOwners = new Map<string, k8s.V1OwnerReference[]>();
  try {
    const rss = await req(session, signal, (o) => session.apps.listNamespacedReplicaSet({ namespace: ns }, o));
    for (const r of rss.items) rsOwners.set(`ReplicaSet/${r.metadata?.name}`, r.metadata?.ownerReferences ?? []);
  } catch (e) { if (e instanceof CancelledError) throw e; }
  const owners = ownerChainOf(pod, workloads, rsOwners);
  const siblingPods = owners.length ? snap.pods.filter((p) => p.metadata?.namespace === ns && p.metadata?.name !== podName && (p.metadata?.ownerReferences ?? []).some((o) => o.controller && o.kind === owners[0].kind && o.name === owners[0].name)).map((p) => p.metadata?.name ?? '') : [];

  const removals = new Map<string, Set<string>>();
  const addKey = (k: string, why: string) => {
    if (!(k in current) || k === QUARANTINE_LABEL) return;
    const s = removals.get(k) ?? new Set<string>();
    s.add(why);
    removals.set(k, s);
  };
  const model = buildModel({ ...snap, pods: [...snap.pods.filter((p) => !(p.metadata?.namespace === ns && p.metadata?.name === podName)), pod] });
  const before = selection(model, pod, current);
  const selectedBy = { policies: [...before.selecting.keys()], peerOf: [...before.peers.keys()], services: [] as string[], controllers: [] as string[] };
  for (const [k, np] of before.selecting) {
    const keys = selectorKeys(np.spec?.podSelector);
    if (!keys.length) warnings.push(`NetworkPolicy ${k} selects every pod in namespace ${ns} (empty podSelector): it will still select the quarantined pod and its allow rules still apply — NetworkPolicies cannot deny, only allow. Review it.`);
    for (const key of keys) addKey(key, `NetworkPolicy ${k} podSelector`);
  }
  for (const [k, v] of before.peers) {
    for (const key of v.keys) addKey(key, `NetworkPolicy ${k} peer`);
    if (v.nsOnly) warnings.push(`NetworkPolicy ${k} allows traffic with every pod of namespace ${ns} (a namespace-only peer): label changes cannot take the pod out of it; the pod's own deny-all isolation still blocks that traffic on the pod's side only if no policy selecting the pod allows it.`);
  }
  for (const svc of snap.services.filter((s) => s.metadata?.namespace === ns)) {
    if (matchLabelsSelects(svc.spec?.selector, current)) {
      selectedBy.services.push(`${ns}/${svc.metadata?.name}`);
      for (const key of Object.keys(svc.spec?.selector ?? {})) addKey(key, `Service ${ns}/${svc.metadata?.name} selector`);
    }
  }
  const ownerKeys = new Set(owners.map((o) => `${o.kind}/${o.name}`));
  for (const w of workloads) {
    if (ownerKeys.has(`${w.kind}/${w.name}`) || (w.selector && labelSelectorMatches(w.selector, current))) {
      if (!w.selector) continue;
      if (!labelSelectorMatches(w.selector, current) && !ownerKeys.has(`${w.kind}/${w.name}`)) continue;
      selectedBy.controllers.push(`${w.kind} ${ns}/${w.name}`);
      for (const key of selectorKeys(w.selector)) addKey(key, `${w.kind} ${ns}/${w.name} selector`);
    }
  }
  const labelsToRemove: LabelRemoval[] = [...removals.entries()].map(([key, why]) => ({ key, value: current[key], reasons: [...why] })).sort((a, b) => a.key.localeCompare(b.key));
  const id = existingId ?? newId();
  const newLabels: Record<string, string> = {};
  for (const [k, v] of Object.entries(current)) if (!removals.has(k)) newLabels[k] = v;
  newLabels[QUARANTINE_LABEL] = id;

  // Policy name: reuse ours, never overwrite a foreign one.
  let policyName = QUARANTINE_POLICY_BASE;
  let policyExists = false;
  const nsPolicies = snap.policies.filter((p) => p.metadata?.namespace === ns);
  // Any of our quarantine policies selects every quarantined pod of the namespace: reuse one (the pod's own first).
  const ours = nsPolicies.filter(isOurQuarantinePolicy);
  const reuse = ours.find((p) => p.metadata?.name === pod.metadata?.annotations?.[POLICY_ANNOTATION]) ?? ours.find((p) => p.metadata?.name === QUARANTINE_POLICY_BASE) ?? ours[0];
  if (reuse) { policyName = reuse.metadata?.name ?? QUARANTINE_POLICY_BASE; policyExists = true; }
  for (let i = 1; i < 50 && !reuse; i++) {
    const name = i === 1 ? QUARANTINE_POLICY_BASE : `${QUARANTINE_POLICY_BASE}-${i}`;
    const ex = nsPolicies.find((p) => p.metadata?.name === name);
    if (!ex) { policyName = name; break; }
    if (isOurQuarantinePolicy(ex)) { policyName = name; policyExists = true; break; }
    warnings.push(`A NetworkPolicy named ${ns}/${name} exists and was not created by k8s-guardrails (or was modified): it is left alone and another name is used.`);
  }
  const policy = quarantinePolicy(policyName, ns, `${ns}/${podName} ${id}`);
  // Prediction: with the new labels and the quarantine policy, only it selects the pod.
  const predictedModel = buildModel({ ...snap, pods: [...snap.pods.filter((p) => !(p.metadata?.namespace === ns && p.metadata?.name === podName)), { ...pod, metadata: { ...pod.metadata, labels: newLabels } }] }, policyExists ? [] : [policy]);
  const after = selection(predictedModel, pod, newLabels);
  const predictedSelecting = [...after.selecting.keys()];
  const others = predictedSelecting.filter((k) => k !== `${ns}/${policyName}`);
  if (others.length) warnings.push(`After the change these policies would still select the pod: ${others.join(', ')}.`);
  const stillPeer = [...after.peers.keys()];
  if (stillPeer.length) warnings.push(`After the change the pod would still be a peer in: ${stillPeer.join(', ')} (namespace-wide peers).`);

  const cni = await detectCni(session, signal);
  if (cni.enforcing !== true) warnings.push(cni.note);
  if (hostNetwork) warnings.push('The pod uses hostNetwork: NetworkPolicy cannot isolate it (its traffic is the node\'s). Use the other options: cordon the node, scale the owner to 0, or delete the pod (after saving evidence).');
  warnings.push(`NetworkPolicies cannot deny, only allow — so the labels other policies, Services and controllers select must go${owners.length ? `: ${replacementText(owners[0])}` : '.'}`);
  if (!owners.length) warnings.push('The pod has no controller: no replacement will be started.');

  const policiesKnown = !(snap.failed ?? []).includes('networkpolicies');
  const verdict = policiesKnown ? isolationVerdict(pod, snap.policies, cni, { owner: scalableOwner(owners) }) : undefined;
  if (!policiesKnown) warnings.push('The NetworkPolicies could not be listed: the current isolation state of the pod is unknown.');
  const repair = existingId && (labelsToRemove.length || !policyExists) ? { id: existingId, missingPolicy: !policyExists, labels: labelsToRemove.map((r) => r.key) } : undefined;
  const summary: string[] = [];
  if (existingId && !repair) {
    summary.push(`Pod ${ns}/${podName} is already quarantined (${QUARANTINE_LABEL}=${existingId}): isolating again changes nothing. ${verdict ? verdict.summary : 'Its isolation could not be checked (NetworkPolicies not listed).'}`);
  } else if (repair) {
    summary.push(`Pod ${ns}/${podName} is already quarantined (${QUARANTINE_LABEL}=${existingId}) but the quarantine is incomplete: isolating again repairs it. ${verdict ? verdict.summary : ''}`.trim());
    if (repair.missingPolicy) summary.push(`Recreate the quarantine NetworkPolicy ${ns}/${policyName}: deny all ingress and egress of pods with label ${QUARANTINE_LABEL}.`);
    for (const r of labelsToRemove) summary.push(`Remove label ${r.key}=${r.value} (selected by ${r.reasons.join('; ')}).`);
    summary.push(`The original labels recorded at the first isolation are kept; no new evidence bundle is saved.`);
  } else {
    summary.push(`Save an evidence bundle (manifests, logs, events, egress trace) before any change.`);
    summary.push(`Record the current labels in annotation ${ORIGINAL_LABELS_ANNOTATION} and an audit annotation ${AUDIT_ANNOTATION}.`);
    if (labelsToRemove.length) for (const r of labelsToRemove) summary.push(`Remove label ${r.key}=${r.value} (selected by ${r.reasons.join('; ')}).`);
    else summary.push('No label needs removing (nothing else selects the pod).');
    summary.push(`Add label ${QUARANTINE_LABEL}=${id}.`);
    summary.push(policyExists ? `Reuse the existing quarantine NetworkPolicy ${ns}/${policyName} (deny all ingress and egress of quarantined pods).` : `Create NetworkPolicy ${ns}/${policyName}: deny all ingress and egress of pods with label ${QUARANTINE_LABEL}.`);
    if (owners.length) summary.push(replacementText(owners[0]));
    if (selectedBy.services.length) summary.push(`Services ${selectedBy.services.join(', ')} will stop sending traffic to it.`);
    summary.push('Existing connections may survive until they close (conntrack): check with a new egress trace.');
  }
  return {
    id, namespace: ns, pod: podName, podUid: pod.metadata?.uid, resourceVersion: pod.metadata?.resourceVersion, node: pod.spec?.nodeName, hostNetwork,
    currentLabels: current, labelsToRemove, newLabels, quarantineLabel: { key: QUARANTINE_LABEL, value: id }, policyName, policyExists, policy,
    owners, siblingPods, selectedBy, predictedSelecting, cni, warnings, ...(existingId && !repair ? { alreadyIsolated: { id: existingId, policy: pod.metadata?.annotations?.[POLICY_ANNOTATION] } } : {}), ...(repair ? { repair } : {}), ...(verdict ? { verdict } : {}), originalLabelsAnnotation: pod.metadata?.annotations?.[ORIGINAL_LABELS_ANNOTATION], summary,
  };
}

/** What the pod's controller does once the pod no longer matches its selector: true per controller kind. */
export function replacementText(owner: { kind: string; name: string }): string {
  const who = `${owner.kind} ${owner.name}`;
  switch (owner.kind) {
    case 'ReplicaSet':
    case 'ReplicationController':
    case 'Job':
      return `${who} will release the pod (it keeps running, isolated) and start a replacement.`;
    case 'DaemonSet':
      return `${who} will release the pod (it keeps running, isolated) and start a replacement on the same node.`;
    case 'StatefulSet':
      // a StatefulSet pod's name is its identity: the controller cannot create <name> while the released pod holds it
      return `${who} will release the pod (it keeps running, isolated) but cannot start a replacement while it exists: a StatefulSet pod's name and volume claims are fixed, so this replica stays missing until the isolated pod is deleted.`;
    default:
      return `${who} controls the pod: whether it releases the pod and starts a replacement depends on that controller.`;
  }
}

// ---------------------------------------------------------------------------------------------
// isolate

export interface IsolateOptions {
  /** Server-side dryRun=All on every write: nothing is stored. */
  dryRun: boolean;
  /** Where to save the evidence bundle (required unless dryRun). */
  evidenceDir?: string;
  reason: string;
  signal?: AbortSignal;
  audit?: (entry: AuditEntry) => void;
  /** Who (shown in the audit annotation), e.g. the OS user. */
  actor?: string;
  /** After an ambiguous failure (timeout / dropped connection), how long to watch for a late write before declaring the rollback complete (default 3000 ms). */
  settleMs?: number;
  /** How long to wait for the controller's replacement pod (default 15000 ms). */
  verifyWaitMs?: number;
  /** Verification reads (pod + NetworkPolicies): attempts (default 4) and first backoff, doubled each retry (default 500 ms). */
  verifyAttempts?: number;
  verifyBackoffMs?: number;
  /** Image of the ephemeral debug container the evidence trace reads /proc/net with (setting k8sGuardrails.cluster.debugImage; default busybox:1.36). */
  debugImage?: string;
}

export interface VerifyCheck { check: string; ok: boolean; detail: string }

export interface IsolationResult {
  /**
   * isolated: applied and the verdict (computed from the state read back) says isolated;
   * already-isolated: nothing to do, verdict isolated; not-isolated: applied (or already quarantined) but the verdict
   * says traffic is still allowed — an error, the message names what allows it and the next steps;
   * applied-not-verified: applied, the verification reads failed — nothing rolled back, `verifyCommands` check it;
   * failed / rolled-back: a write failed (nothing changed, or everything rolled back — or the rollback INCOMPLETE).
   */
  status: 'isolated' | 'already-isolated' | 'not-isolated' | 'applied-not-verified' | 'dry-run' | 'failed' | 'rolled-back';
  message: string;
  plan: IsolationPlan;
  evidence?: EvidenceBundle;
  audit: AuditEntry[];
  verification: VerifyCheck[];
  /** The pod as (would be) patched. */
  pod?: k8s.V1Pod;
  policyCreated: boolean;
  /** Rollback outcome if a step failed. */
  rollback?: { complete: boolean; message: string; manualSteps: string[] };
  /** The verdict computed from the pod and NetworkPolicies read back after the change (undefined when not verified). */
  verdict?: IsolationVerdict;
  /** Whether the outcome was read back from the cluster; undefined when nothing was applied (failed, rolled back, dry run). */
  verified?: 'verified' | 'not-verified';
  /** kubectl commands that check the quarantine by hand (set whenever the quarantine is in place). */
  verifyCommands?: string[];
}

function isAmbiguous(e: unknown): boolean {
  const k = classifyApiError(e);
  return k === 'timeout' || k === 'connectionDropped' || k === 'serverError';
}

export function verifyCommandsFor(ns: string, podName: string, policyName: string): string[] {
  return [
    `kubectl -n ${ns} get pod ${podName} --show-labels -o wide`,
    `kubectl -n ${ns} get networkpolicy ${policyName} -o yaml`,
    `kubectl -n ${ns} get networkpolicy -o yaml   # every policy whose podSelector matches the pod's labels must have no ingress/egress rules`,
  ];
}

/**
 * Reads the pod and its namespace's NetworkPolicies and computes the verdict, retrying failed reads with
 * backoff. Throws (a sentence) when every attempt failed.
 */
export async function readVerdict(session: ClusterSession, ns: string, podName: string, cni: CniInfo | undefined, opts: { signal?: AbortSignal; attempts?: number; backoffMs?: number; onRetry?: (message: string) => void; owner?: { kind: string; name: string } } = {}): Promise<{ pod: k8s.V1Pod; policies: k8s.V1NetworkPolicy[]; verdict: IsolationVerdict }> {
  const attempts = Math.max(1, opts.attempts ?? 4);
  let delay = opts.backoffMs ?? 500;
  let last = '';
  for (let i = 0; i < attempts; i++) {
    if (i) {
      opts.onRetry?.(`Verification read failed (${last}); retrying in ${delay} ms (attempt ${i + 1} of ${attempts}).`);
      await sleep(delay, opts.signal);
      delay *= 2;
    }
    let op = { verb: 'get', resource: 'pods', name: podName as string | undefined };
    try {
      const pod = await req(session, opts.signal, (o) => session.core.readNamespacedPod({ name: podName, namespace: ns }, o));
      op = { verb: 'list', resource: 'networkpolicies', name: undefined };
      const policies = (await req(session, opts.signal, (o) => session.net.listNamespacedNetworkPolicy({ namespace: ns }, o))).items;
      return { pod, policies, verdict: isolationVerdict(pod, policies, cni, { owner: opts.owner }) };
    } catch (e) {
      if (e instanceof CancelledError || classifyApiError(e) === 'cancelled') throw e instanceof CancelledError ? e : new CancelledError('verify');
      last = describeApiError(e, { ...op, namespace: ns, server: session.server });
    }
  }
  throw new Error(`${last} (${attempts} attempt${attempts > 1 ? 's' : ''})`);
}

/** The owner "scale to 0" acts on: the top-most scalable one (Deployment over ReplicaSet). */
function scalableOwner(owners: OwnerRef[]): OwnerRef | undefined {
  return [...owners].reverse().find((o) => ['Deployment', 'StatefulSet', 'ReplicaSet', 'Job'].includes(o.kind)) ?? owners[0];
}

export async function isolatePod(session: ClusterSession, plan: IsolationPlan, opts: IsolateOptions): Promise<IsolationResult> {
  const audit = new Audit(opts.audit, opts.dryRun);
  const { namespace: ns, pod: podName } = plan;
  const target = `pod ${ns}/${podName}`;
  const signal = opts.signal;
  const dry = opts.dryRun ? { dryRun: 'All' } : {};
  const verification: VerifyCheck[] = [];
  const result = (r: Omit<IsolationResult, 'plan' | 'audit' | 'verification'>): IsolationResult => ({ plan, audit: audit.entries, verification, ...r });
  const repair = plan.repair;
  audit.add('start', 'info', `${opts.dryRun ? 'Dry run: ' : ''}${repair ? 'repairing the quarantine of' : plan.alreadyIsolated ? 'checking the quarantine of' : 'isolating'} ${target} (quarantine id ${plan.id}); reason: ${opts.reason || '(none given)'}`, target);
  const verifyOpts = { signal, attempts: opts.verifyAttempts, backoffMs: opts.verifyBackoffMs, onRetry: (m: string) => audit.add('verify', 'warning', m, target), owner: scalableOwner(plan.owners) };

  if (plan.alreadyIsolated) {
    const policyName = plan.alreadyIsolated.policy ?? plan.policyName;
    const verifyCommands = verifyCommandsFor(ns, podName, policyName);
    let v: Awaited<ReturnType<typeof readVerdict>>;
    try {
      v = await readVerdict(session, ns, podName, plan.cni, verifyOpts);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      audit.add('verify', 'failed', `Could not read back the state: ${why}`, target);
      const message = `Pod ${ns}/${podName} is already quarantined (${QUARANTINE_LABEL}=${plan.alreadyIsolated.id}) but its isolation could NOT be verified: ${why} Nothing changed. Verify by hand: ${verifyCommands.join(' ; ')}`;
      audit.add('done', 'warning', message, target);
      return result({ status: 'applied-not-verified', message, policyCreated: false, verified: 'not-verified', verifyCommands });
    }
    audit.add('verify', v.verdict.isolated ? 'ok' : 'failed', v.verdict.summary, target);
    if (!v.verdict.isolated) {
      const message = `Pod ${ns}/${podName} is quarantined (${QUARANTINE_LABEL}=${plan.alreadyIsolated.id}) but ${v.verdict.summary} Nothing changed.`;
      audit.add('done', 'failed', message, target);
      return result({ status: 'not-isolated', message, policyCreated: false, pod: v.pod, verdict: v.verdict, verified: 'verified', verifyCommands });
    }
    const message = `Pod ${ns}/${podName} is already isolated (quarantine id ${plan.alreadyIsolated.id}${plan.alreadyIsolated.policy ? `, policy ${plan.alreadyIsolated.policy}` : ''}). ${v.verdict.summary} Nothing changed.`;
    audit.add('done', 'skipped', message, target);
    return result({ status: 'already-isolated', message, policyCreated: false, pod: v.pod, verdict: v.verdict, verified: 'verified', verifyCommands });
  }

  // 1. Evidence, before any change (a repair keeps the bundle of the first isolation).
  let evidence: EvidenceBundle | undefined;
  if (repair) {
    audit.add('evidence', 'skipped', `${target} is already quarantined (${QUARANTINE_LABEL}=${repair.id}): the evidence was saved when it was isolated; the repair only tightens the quarantine.`, target);
  } else if (opts.evidenceDir) {
    try {
      evidence = await saveEvidence(session, ns, podName, opts.evidenceDir, { signal, reason: opts.reason, debugImage: opts.debugImage, debugContainer: !opts.dryRun, extra: { plan, reason: opts.reason, dryRun: opts.dryRun } });
      audit.add('evidence', 'ok', `Evidence bundle saved to ${evidence.dir} (${evidence.files.length} files${evidence.errors.length ? `; not collected: ${evidence.errors.length} item(s), listed in its README.md` : ''}${evidence.trace?.warnings.length ? `; egress trace warnings: ${evidence.trace.warnings.length}, listed in its README.md` : ''}).`, target);
    } catch (e) {
      if (e instanceof CancelledError) {
        audit.add('evidence', 'failed', 'Cancelled while saving the evidence bundle. Nothing was changed.', target);
        const message = 'Isolation cancelled at step "evidence" (before any change). Nothing was changed.';
        audit.add('done', 'failed', message, target);
        return result({ status: 'failed', message, evidence, policyCreated: false });
      }
      const msg = (e instanceof Error ? e.message : String(e)).replace(/^Evidence not saved: /, '');
      audit.add('evidence', 'failed', `Evidence bundle could not be saved: ${msg} Nothing was changed.`, target);
      const message = `Isolation failed at step "evidence" (before any change): the evidence bundle could not be saved — ${msg} Nothing was changed.`;
      audit.add('done', 'failed', message, target);
      return result({ status: 'failed', message, evidence, policyCreated: false });
    }
  } else if (!opts.dryRun) {
    audit.add('evidence', 'failed', 'No evidence folder given: isolation refused (evidence must be saved before any change).', target);
    const message = 'Isolation not started: choose a folder for the evidence bundle first. Nothing was changed.';
    audit.add('done', 'failed', message, target);
    return result({ status: 'failed', message, policyCreated: false });
  } else {
    audit.add('evidence', 'skipped', 'Dry run without an evidence folder: no evidence saved.', target);
  }

  // The record that release trusts: on the quarantine policy (a repair rebuilds it from the pod's annotation: untrusted).
  const record: QuarantineRecord = repair
    ? { pod: podName, namespace: ns, uid: plan.podUid, id: plan.id, labels: parseLabelsAnnotation(plan.originalLabelsAnnotation) ?? {}, time: new Date().toISOString(), trusted: false }
    : { pod: podName, namespace: ns, uid: plan.podUid, id: plan.id, labels: plan.currentLabels, time: new Date().toISOString(), trusted: true };

  // Undo log.
  let policyCreated = false;
  let policyMaybeCreated = false;
  let podPatched = false;
  let podMaybePatched = false;
  let recordAdded = false;
  let recordMaybeAdded = false;
  const repairDone: string[] = [];

  const rollback = async (): Promise<IsolationResult['rollback']> => {
    const manual: string[] = [];
    const notes: string[] = [];
    const failures: string[] = [];
    let complete = true;
    if (opts.dryRun) return { complete: true, message: 'dry run: nothing to roll back', manualSteps: [] };
    const settle = opts.settleMs ?? 3000;
    // Pod labels.
    if (podPatched || podMaybePatched) {
      try {
        const r = await restoreLabelsIfOurs(session, ns, podName, plan.id, podMaybePatched && !podPatched, signal);
        notes.push(r);
        audit.add('rollback', 'ok', r, target);
      } catch (e) {
        complete = false;
        const msg = e instanceof Error ? e.message : String(e);
        failures.push(`the labels of ${target} were not restored (${msg})`);
        audit.add('rollback', 'failed', `Could not restore the labels of ${target}: ${msg}`, target);
        manual.push(`kubectl -n ${ns} label pod ${podName} ${QUARANTINE_LABEL}- ${Object.entries(plan.currentLabels).map(([k, v]) => `${k}=${v}`).join(' ')} --overwrite`);
        manual.push(`kubectl -n ${ns} annotate pod ${podName} ${ORIGINAL_LABELS_ANNOTATION}- ${AUDIT_ANNOTATION}- ${POLICY_ANNOTATION}-`);
      }
    }
    // Policy (only the one this run created).
    if (policyCreated || policyMaybeCreated) {
      try {
        const r = await deletePolicyIfOurs(session, ns, plan.policyName, plan.id, policyMaybeCreated && !policyCreated ? settle : 0, signal);
        notes.push(r);
        audit.add('rollback', 'ok', r, target);
      } catch (e) {
        complete = false;
        const msg = e instanceof Error ? e.message : String(e);
        failures.push(`NetworkPolicy ${ns}/${plan.policyName} was not deleted (${msg})`);
        audit.add('rollback', 'failed', `Could not delete NetworkPolicy ${ns}/${plan.policyName}: ${msg}`, target);
        manual.push(`kubectl -n ${ns} delete networkpolicy ${plan.policyName}`);
      }
    } else if (recordAdded || recordMaybeAdded) {
      // The record added to a reused policy (it selects nothing by itself: an annotation). A patch that
      // timed out may still land: wait for it first (as for the policy itself).
      if (recordMaybeAdded && !recordAdded) await sleep(settle);
      try {
        await req(session, undefined, (o) => session.net.patchNamespacedNetworkPolicy({ name: plan.policyName, namespace: ns, body: { metadata: { annotations: { [recordKey(plan.id)]: null } } } }, o), { contentType: MERGE_PATCH });
        notes.push(`The quarantine record was removed from NetworkPolicy ${ns}/${plan.policyName}.`);
      } catch (e) {
        if (classifyApiError(e) !== 'notFound') {
          complete = false;
          const msg = describeApiError(e, { verb: 'patch', resource: 'networkpolicies', namespace: ns, name: plan.policyName, server: session.server });
          failures.push(`the quarantine record annotation on NetworkPolicy ${ns}/${plan.policyName} was not removed (${msg})`);
          audit.add('rollback', 'failed', `Could not remove the quarantine record from NetworkPolicy ${ns}/${plan.policyName}: ${msg}`, target);
          manual.push(`kubectl -n ${ns} annotate networkpolicy ${plan.policyName} ${recordKey(plan.id)}-`);
        }
      }
    }
    const message = complete ? `Rolled back: ${notes.join(' ')}`.trim() : `Rollback INCOMPLETE: ${failures.join(' ')} ${notes.length ? `(${notes.join(' ')}) ` : ''}Run manually: ${manual.join(' ; ')}`;
    return { complete, message, manualSteps: manual };
  };

  const fail = async (step: string, why: string): Promise<IsolationResult> => {
    audit.add(step, 'failed', why, target);
    if (repair) {
      // A repair only tightens an existing quarantine: what it did stays.
      const message = `Repair of the quarantine of ${target} failed at step "${step}": ${why} ${repairDone.length ? `Done and kept (it only tightens the quarantine): ${repairDone.join('; ')}.` : 'Nothing was changed.'} The pod is still quarantined (${QUARANTINE_LABEL}=${repair.id}) but not verified isolated: isolate again.`;
      audit.add('done', 'failed', message, target);
      return result({ status: 'failed', message, policyCreated, verifyCommands: verifyCommandsFor(ns, podName, plan.policyName) });
    }
    const rb = await rollback();
    const nothingDone = !policyCreated && !policyMaybeCreated && !podPatched && !podMaybePatched && !recordAdded && !recordMaybeAdded;
    if (!nothingDone) audit.add('rollback', rb!.complete ? 'ok' : 'failed', rb!.message, target);
    const message = nothingDone ? `Isolation failed at step "${step}": ${why} Nothing was changed.` : rb!.complete ? `Isolation failed at step "${step}": ${why} Everything done so far was rolled back: the pod's labels and the NetworkPolicies are as before.` : `Isolation failed at step "${step}": ${why} ${rb!.message}`;
    audit.add('done', 'failed', message, target);
    return result({ status: nothingDone || rb!.complete ? (nothingDone ? 'failed' : 'rolled-back') : 'failed', message, evidence, policyCreated: false, rollback: rb });
  };

  let patched: k8s.V1Pod | undefined;
  try {
    throwIfAborted(signal, 'isolation');
    // 2. The quarantine policy first: it selects only pods with the quarantine label, so it changes
    //    nothing until the pod patch moves the pod into quarantine atomically. It carries the record.
    if (plan.policyExists) {
      try {
        const ex = await req(session, signal, (o) => session.net.readNamespacedNetworkPolicy({ name: plan.policyName, namespace: ns }, o));
        if (!isOurQuarantinePolicy(ex)) return await fail('policy', `NetworkPolicy ${ns}/${plan.policyName} changed since planning and is no longer our deny-all quarantine policy; re-plan.`);
        audit.add('policy', 'ok', `Reusing quarantine NetworkPolicy ${ns}/${plan.policyName}.`, target);
      } catch (e) {
        if (classifyApiError(e) !== 'notFound') return await fail('policy', describeApiError(e, { verb: 'get', resource: 'networkpolicies', namespace: ns, name: plan.policyName, server: session.server }));
        plan = { ...plan, policyExists: false };
      }
    }
    let reused = plan.policyExists;
    if (!plan.policyExists) {
      let name = plan.policyName;
      for (let attempt = 0; ; attempt++) {
        const body = quarantinePolicy(name, ns, `${ns}/${podName} ${plan.id}`, record);
        try {
          await req(session, signal, (o) => session.net.createNamespacedNetworkPolicy({ namespace: ns, body, ...dry }, o));
          policyCreated = !opts.dryRun && !repair;
          if (repair && !opts.dryRun) repairDone.push(`recreated NetworkPolicy ${ns}/${name}`);
          audit.add('policy', opts.dryRun ? 'dry-run' : 'ok', `${opts.dryRun ? 'Would create' : repair ? 'Recreated' : 'Created'} quarantine NetworkPolicy ${ns}/${name} (deny all ingress and egress of pods labelled ${QUARANTINE_LABEL}).`, target);
          break;
        } catch (e) {
          if (classifyApiError(e) === 'alreadyExists' && attempt < 5) {
            // Created meanwhile: reuse if ours, else pick another name (never overwrite).
            try {
              const ex = await req(session, signal, (o) => session.net.readNamespacedNetworkPolicy({ name, namespace: ns }, o));
              if (isOurQuarantinePolicy(ex)) { audit.add('policy', 'ok', `Quarantine NetworkPolicy ${ns}/${name} appeared meanwhile; reusing it.`, target); reused = true; break; }
            } catch { /* fall through to another name */ }
            audit.add('policy', 'warning', `NetworkPolicy ${ns}/${name} exists and is not ours: not overwritten; trying another name.`, target);
            name = `${QUARANTINE_POLICY_BASE}-${attempt + 2}-${plan.id}`;
            continue;
          }
          if (isAmbiguous(e)) policyMaybeCreated = !opts.dryRun && !repair;
          plan = { ...plan, policyName: name };
          return await fail('policy', describeApiError(e, { verb: 'create', resource: 'networkpolicies', namespace: ns, name, server: session.server }));
        }
      }
      plan = { ...plan, policyName: name, policy: quarantinePolicy(name, ns, `${ns}/${podName} ${plan.id}`, record) };
    }
    if (reused && !repair) {
      // The record goes onto the reused policy (an annotation: it changes no traffic).
      try {
        await req(session, signal, (o) => session.net.patchNamespacedNetworkPolicy({ name: plan.policyName, namespace: ns, body: { metadata: { annotations: { [recordKey(plan.id)]: JSON.stringify(record) } } }, ...dry }, o), { contentType: MERGE_PATCH });
        recordAdded = !opts.dryRun;
        audit.add('policy', opts.dryRun ? 'dry-run' : 'ok', `${opts.dryRun ? 'Would record' : 'Recorded'} the pod's labels on NetworkPolicy ${ns}/${plan.policyName} (annotation ${recordKey(plan.id)}).`, target);
      } catch (e) {
        recordMaybeAdded = !opts.dryRun && isAmbiguous(e);
        return await fail('policy', describeApiError(e, { verb: 'patch', resource: 'networkpolicies', namespace: ns, name: plan.policyName, server: session.server }));
      }
    }

    throwIfAborted(signal, 'isolation');
    // 3. One patch: annotations + label removals + quarantine label, with a resourceVersion precondition.
    //    A repair only removes labels (the original labels and the audit of the first isolation stay).
    let rv = plan.resourceVersion;
    if (evidence && !opts.dryRun) {
      // The evidence trace may have added a debug container (a new resourceVersion): take the fresh one if the labels are as planned.
      let fresh: k8s.V1Pod;
      try {
        fresh = await req(session, signal, (o) => session.core.readNamespacedPod({ name: podName, namespace: ns }, o));
      } catch (e) {
        return await fail('patch', describeApiError(e, { verb: 'get', resource: 'pods', namespace: ns, name: podName, server: session.server }));
      }
      if (JSON.stringify(Object.entries(fresh.metadata?.labels ?? {}).sort()) !== JSON.stringify(Object.entries(plan.currentLabels).sort())) {
        return await fail('patch', `The labels of ${target} changed since planning; the plan is out of date — plan again.`);
      }
      rv = fresh.metadata?.resourceVersion;
    }
    const needPatch = !repair || plan.labelsToRemove.length > 0;
    for (let attempt = 0; attempt < 2 && needPatch; attempt++) {
      const labels: Record<string, string | null> = {};
      for (const r of plan.labelsToRemove) labels[r.key] = null;
      labels[QUARANTINE_LABEL] = plan.id;
      const auditAnn = JSON.stringify({ id: plan.id, time: new Date().toISOString(), reason: opts.reason, actor: opts.actor, removed: plan.labelsToRemove.map((r) => r.key), policy: plan.policyName, evidence: evidence?.dir });
      const body = repair
        ? { metadata: { resourceVersion: rv, labels } }
        : { metadata: { resourceVersion: rv, labels, annotations: { [ORIGINAL_LABELS_ANNOTATION]: JSON.stringify(plan.currentLabels), [AUDIT_ANNOTATION]: auditAnn, [POLICY_ANNOTATION]: plan.policyName } } };
      try {
        patched = await req(session, signal, (o) => session.core.patchNamespacedPod({ name: podName, namespace: ns, body, ...dry }, o), { contentType: MERGE_PATCH });
        podPatched = !opts.dryRun && !repair;
        if (repair && !opts.dryRun) repairDone.push(`removed label(s) ${plan.labelsToRemove.map((r) => r.key).join(', ')}`);
        break;
      } catch (e) {
        const kind = classifyApiError(e);
        if (kind === 'conflict' && attempt === 0) {
          audit.add('patch', 'warning', `${target} changed since planning (409 Conflict); re-reading and retrying once.`, target);
          try {
            const fresh = await req(session, signal, (o) => session.core.readNamespacedPod({ name: podName, namespace: ns }, o));
            const freshLabels = fresh.metadata?.labels ?? {};
            if (!repair && freshLabels[QUARANTINE_LABEL]) return await fail('patch', `${target} was quarantined by someone else meanwhile (${QUARANTINE_LABEL}=${freshLabels[QUARANTINE_LABEL]}).`);
            if (JSON.stringify(Object.entries(freshLabels).sort()) !== JSON.stringify(Object.entries(plan.currentLabels).sort())) {
              return await fail('patch', `The labels of ${target} changed since planning; the plan is out of date — plan again.`);
            }
            rv = fresh.metadata?.resourceVersion;
            continue;
          } catch (e2) {
            return await fail('patch', describeApiError(e2, { verb: 'get', resource: 'pods', namespace: ns, name: podName, server: session.server }));
          }
        }
        if (isAmbiguous(e)) podMaybePatched = !opts.dryRun && !repair;
        return await fail('patch', describeApiError(e, { verb: 'patch', resource: 'pods', namespace: ns, name: podName, server: session.server }) + (kind === 'conflict' ? ' (the pod changed twice during isolation)' : ''));
      }
    }
    if (needPatch) audit.add('patch', opts.dryRun ? 'dry-run' : 'ok', repair ? `${opts.dryRun ? 'Would remove' : 'Removed'} label(s) ${plan.labelsToRemove.map((r) => r.key).join(', ')} of ${target} (selected by other policies, Services or controllers).` : `${opts.dryRun ? 'Would patch' : 'Patched'} ${target}: removed ${plan.labelsToRemove.map((r) => r.key).join(', ') || 'no labels'}, added ${QUARANTINE_LABEL}=${plan.id}, original labels recorded in ${ORIGINAL_LABELS_ANNOTATION} and on NetworkPolicy ${ns}/${plan.policyName}.`, target);
  } catch (e) {
    if (e instanceof CancelledError || classifyApiError(e) === 'cancelled') return await fail('cancelled', 'the operation was cancelled.');
    return await fail('unexpected', e instanceof Error ? e.message : String(e));
  }

  // 4. Verify: computed from the state read back. From here on nothing is rolled back (only a failed write is).
  if (opts.dryRun) {
    const ok = !!patched && patched.metadata?.labels?.[QUARANTINE_LABEL] === plan.id && plan.labelsToRemove.every((r) => !(r.key in (patched!.metadata?.labels ?? {})));
    verification.push({ check: 'server accepted the patch (dry run)', ok, detail: ok ? 'the API server validated the label change' : 'the dry-run result does not carry the expected labels' });
    verification.push({ check: 'predicted selecting policies', ok: plan.predictedSelecting.every((p) => p === `${ns}/${plan.policyName}`), detail: plan.predictedSelecting.join(', ') || '(none)' });
    audit.add('verify', 'dry-run', `Dry run complete: nothing was stored. ${verification.map((v) => `${v.check}: ${v.ok ? 'ok' : 'NOT ok'}`).join('; ')}`, target);
    const message = `Dry run of isolating ${target} succeeded: the API server accepted every change; nothing was stored.`;
    audit.add('done', 'dry-run', message, target);
    return result({ status: 'dry-run', message, evidence, pod: patched, policyCreated: false });
  }
  const verifyCommands = verifyCommandsFor(ns, podName, plan.policyName);
  const applied = repair ? `Repaired the quarantine of ${target} (${repairDone.join('; ') || 'nothing was missing'}).` : `Quarantine applied to ${target} (${QUARANTINE_LABEL}=${plan.id}, policy ${plan.policyName}).`;
  let v: Awaited<ReturnType<typeof readVerdict>>;
  try {
    v = await readVerdict(session, ns, podName, plan.cni, verifyOpts);
  } catch (e) {
    const why = e instanceof CancelledError ? 'the verification was cancelled.' : e instanceof Error ? e.message : String(e);
    audit.add('verify', 'failed', `Could not read back the state: ${why} The quarantine stays in place (a failed read is no reason to undo it).`, target);
    const message = `${applied} NOT verified: ${why} Nothing was rolled back. Verify by hand: ${verifyCommands.join(' ; ')}`;
    audit.add('done', 'warning', message, target);
    return result({ status: 'applied-not-verified', message, evidence, pod: patched, policyCreated, verified: 'not-verified', verifyCommands });
  }
  const verdict = v.verdict;
  audit.add('verify', verdict.isolated ? 'ok' : 'failed', verdict.summary, target);
  if (!verdict.isolated) {
    const message = `${applied} But the pod is ${verdict.summary} The quarantine changes were kept (they reduce what reaches the pod).`;
    audit.add('done', 'failed', message, target);
    return result({ status: 'not-isolated', message, evidence, pod: v.pod, policyCreated, verdict, verified: 'verified', verifyCommands });
  }
  // Secondary checks (Services, controller): warnings only; a failed read here changes nothing.
  try {
    verification.push(...(await verifyIsolation(session, plan, { signal, waitMs: opts.verifyWaitMs ?? 15000, pod: v.pod })));
  } catch (e) {
    verification.push({ check: 'Services and controller', ok: false, detail: `could not be checked: ${e instanceof Error ? e.message : String(e)}` });
  }
  for (const c of verification) audit.add('verify', c.ok ? 'ok' : 'warning', `${c.check}: ${c.detail}`, target);
  const bad = verification.filter((c) => !c.ok);
  const message = `${repair ? applied : `Pod ${ns}/${podName} is quarantined (${QUARANTINE_LABEL}=${plan.id}, policy ${plan.policyName}).`} ${verdict.summary}${bad.length ? ` Verification warnings: ${bad.map((b) => b.detail).join(' ')}` : ' Services no longer select it' + (!plan.owners.length ? '.' : plan.owners[0].kind === 'StatefulSet' ? `; ${replacementText(plan.owners[0])}` : ', the controller has a replacement.')} Established connections may persist until they close: trace again to check.`;
  audit.add('done', bad.length ? 'warning' : 'ok', message, target);
  return result({ status: 'isolated', message, evidence, pod: v.pod, policyCreated, verdict, verified: 'verified', verifyCommands });
}

function parseLabelsAnnotation(raw: string | undefined): Record<string, string> | undefined {
  if (!raw) return undefined;
  try {
    const p = JSON.parse(raw);
    if (!p || typeof p !== 'object' || Array.isArray(p)) return undefined;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(p)) if (typeof v === 'string') out[k] = v;
    return out;
  } catch {
    return undefined;
  }
}

/** Restores the pod's labels if it carries our quarantine id (or fences a possibly-late patch). */
async function restoreLabelsIfOurs(session: ClusterSession, ns: string, podName: string, id: string, ambiguous: boolean, signal?: AbortSignal): Promise<string> {
  // The rollback must not be cancelled by the caller's signal (it already fired, maybe).
  void signal;
  const described = async <T>(verb: string, f: () => Promise<T>): Promise<T> => {
    try { return await f(); } catch (e) {
      if (e instanceof Error && !(e as { code?: unknown }).code && !(e as { body?: unknown }).body && classifyApiError(e) === 'other') throw e; // already a sentence
      throw new Error(describeApiError(e, { verb, resource: 'pods', namespace: ns, name: podName, server: session.server }));
    }
  };
  const pod = await described('get', () => req(session, undefined, (o) => session.core.readNamespacedPod({ name: podName, namespace: ns }, o)));
  const labels = pod.metadata?.labels ?? {};
  const ann = pod.metadata?.annotations ?? {};
  if (labels[QUARANTINE_LABEL] === id) {
    await described('patch', () => restoreFromAnnotation(session, pod, undefined));
    return `Labels of pod ${ns}/${podName} restored.`;
  }
  if (ambiguous) {
    // Our patch may still be in flight: it carries a resourceVersion precondition, so any write
    // now makes it fail with 409. Write a small rollback marker to fence it.
    await described('patch', () => req(session, undefined, (o) => session.core.patchNamespacedPod({ name: podName, namespace: ns, body: { metadata: { resourceVersion: pod.metadata?.resourceVersion, annotations: { [ROLLBACK_ANNOTATION]: `${new Date().toISOString()} ${id}` } } } }, o), { contentType: MERGE_PATCH }));
    return `Pod ${ns}/${podName} was not changed (a late-arriving patch is fenced by annotation ${ROLLBACK_ANNOTATION}).`;
  }
  void ann;
  return `Pod ${ns}/${podName} was not changed.`;
}

async function restoreFromAnnotation(session: ClusterSession, pod: k8s.V1Pod, dryRun: string | undefined): Promise<k8s.V1Pod> {
  const ns = pod.metadata?.namespace ?? '';
  const name = pod.metadata?.name ?? '';
  const labels = pod.metadata?.labels ?? {};
  const raw = pod.metadata?.annotations?.[ORIGINAL_LABELS_ANNOTATION];
  let original: Record<string, string> = {};
  if (raw) {
    try {
      const p = JSON.parse(raw);
      if (p && typeof p === 'object') for (const [k, v] of Object.entries(p)) if (typeof v === 'string') original[k] = v;
    } catch {
      throw new Error(`Annotation ${ORIGINAL_LABELS_ANNOTATION} of pod ${ns}/${name} is not valid JSON; restore the labels by hand.`);
    }
  } else original = { ...labels };
  const patchLabels: Record<string, string | null> = {};
  for (const k of Object.keys(labels)) if (!(k in original)) patchLabels[k] = null;
  for (const [k, v] of Object.entries(original)) patchLabels[k] = v;
  patchLabels[QUARANTINE_LABEL] = null;
  const body = { metadata: { resourceVersion: pod.metadata?.resourceVersion, labels: patchLabels, annotations: { [ORIGINAL_LABELS_ANNOTATION]: null, [AUDIT_ANNOTATION]: null, [POLICY_ANNOTATION]: null, ...(pod.metadata?.annotations?.[RELEASE_FENCE_ANNOTATION] ? { [RELEASE_FENCE_ANNOTATION]: null } : {}) } } };
  return req(session, undefined, (o) => session.core.patchNamespacedPod({ name, namespace: ns, body, ...(dryRun ? { dryRun } : {}) }, o), { contentType: MERGE_PATCH });
}

/** Deletes the quarantine policy if this run created it (marker annotation); optionally waits for a late create. */
async function deletePolicyIfOurs(session: ClusterSession, ns: string, name: string, id: string, settleMs: number, signal?: AbortSignal): Promise<string> {
  void signal;
  const deadline = Date.now() + settleMs;
  for (;;) {
    let np: k8s.V1NetworkPolicy | undefined;
    try {
      np = await req(session, undefined, (o) => session.net.readNamespacedNetworkPolicy({ name, namespace: ns }, o));
    } catch (e) {
      if (classifyApiError(e) !== 'notFound') throw new Error(describeApiError(e, { verb: 'get', resource: 'networkpolicies', namespace: ns, name, server: session.server }));
    }
    if (np && (np.metadata?.annotations?.[CREATED_FOR_ANNOTATION] ?? '').endsWith(` ${id}`)) {
      try {
        await req(session, undefined, (o) => session.net.deleteNamespacedNetworkPolicy({ name, namespace: ns, body: { preconditions: { uid: np!.metadata?.uid } } }, o));
      } catch (e) {
        if (classifyApiError(e) !== 'notFound') throw new Error(describeApiError(e, { verb: 'delete', resource: 'networkpolicies', namespace: ns, name, server: session.server }));
      }
      return `NetworkPolicy ${ns}/${name} created by this isolation was deleted.`;
    }
    if (np) return `NetworkPolicy ${ns}/${name} was not created by this isolation: left alone.`;
    if (Date.now() >= deadline) return `NetworkPolicy ${ns}/${name} does not exist (nothing to delete).`;
    await sleep(250);
  }
}

/**
 * Secondary checks after isolating (the verdict is the primary one): the quarantine label, Services,
 * controller release and replacement. Each read failure throws a sentence.
 */
export async function verifyIsolation(session: ClusterSession, plan: IsolationPlan, opts: { signal?: AbortSignal; waitMs?: number; pod?: k8s.V1Pod } = {}): Promise<VerifyCheck[]> {
  const { namespace: ns, pod: podName } = plan;
  const checks: VerifyCheck[] = [];
  /** A read whose failure says what was read. */
  const read = async <T>(op: { verb: string; resource: string; name?: string }, call: (o: k8s.ConfigurationOptions) => Promise<T>): Promise<T> => {
    try {
      return await req(session, opts.signal, call);
    } catch (e) {
      if (e instanceof CancelledError || classifyApiError(e) === 'cancelled') throw e instanceof CancelledError ? e : new CancelledError('verify');
      throw new Error(describeApiError(e, { ...op, namespace: ns, server: session.server }));
    }
  };
  const pod = opts.pod ?? (await read({ verb: 'get', resource: 'pods', name: podName }, (o) => session.core.readNamespacedPod({ name: podName, namespace: ns }, o)));
  const labels = pod.metadata?.labels ?? {};
  checks.push({ check: 'quarantine label', ok: labels[QUARANTINE_LABEL] === plan.id, detail: labels[QUARANTINE_LABEL] === plan.id ? `${QUARANTINE_LABEL}=${plan.id} is set` : 'the quarantine label is missing' });
  const services = (await read({ verb: 'list', resource: 'services' }, (o) => session.core.listNamespacedService({ namespace: ns }, o))).items;
  const svcs = services.filter((s) => matchLabelsSelects(s.spec?.selector, labels)).map((s) => `${ns}/${s.metadata?.name}`);
  checks.push({ check: 'no Service selects it', ok: svcs.length === 0, detail: svcs.length ? `still selected by Service(s) ${svcs.join(', ')}` : `no Service selects it${plan.selectedBy.services.length ? ` (before: ${plan.selectedBy.services.join(', ')})` : ''}` });
  const ctrl = plan.owners[0];
  if (ctrl) {
    const released = !(pod.metadata?.ownerReferences ?? []).some((o) => o.controller && o.name === ctrl.name && o.kind === ctrl.kind);
    // A StatefulSet cannot start a replacement while the isolated pod holds its name (and claims): nothing to wait for.
    const canReplace = ctrl.kind !== 'StatefulSet';
    const deadline = Date.now() + (canReplace ? (opts.waitMs ?? 15000) : 0);
    let replacement: string[] = [];
    for (;;) {
      const pods = await read({ verb: 'list', resource: 'pods' }, (o) => session.core.listNamespacedPod({ namespace: ns }, o));
      replacement = activePods(pods.items)
        .filter((p) => p.metadata?.name !== podName && (p.metadata?.ownerReferences ?? []).some((o) => o.controller && o.kind === ctrl.kind && o.name === ctrl.name))
        .filter((p) => (!plan.podUid || p.metadata?.uid !== plan.podUid) && !plan.siblingPods.includes(p.metadata?.name ?? ''))
        .map((p) => p.metadata?.name ?? '');
      if (replacement.length > 0 || Date.now() > deadline) break;
      await sleep(500, opts.signal);
    }
    checks.push({ check: 'released by its controller', ok: released, detail: released ? `${ctrl.kind} ${ctrl.name} no longer owns it` : `${ctrl.kind} ${ctrl.name} still owns it` });
    if (canReplace) checks.push({ check: 'controller replacement exists', ok: replacement.length > 0 || !!plan.repair, detail: replacement.length ? `${ctrl.kind} ${ctrl.name} started ${replacement.join(', ')}` : `${ctrl.kind} ${ctrl.name} has not started a replacement yet` });
  }
  return checks;
}

// ---------------------------------------------------------------------------------------------
// release

/** A question the UI must confirm before the release applies anything (asked through `ReleaseOptions.confirm`). */
export interface ReleaseQuestion {
  /** record-mismatch: the pod's annotation differs from the record on the quarantine policy (someone edited the pod); no-record: no trustworthy record, only the pod's own annotation. */
  kind: 'record-mismatch' | 'no-record';
  message: string;
  /** The labels the release will restore if confirmed. */
  labels: Record<string, string>;
  /** What the pod's ORIGINAL_LABELS annotation says. */
  annotationLabels?: Record<string, string>;
}

/** What re-labelling makes a controller do (shown in the confirmation). */
export interface AdoptionEffect {
  /** e.g. "ReplicaSet payments/checkout-5f7b9c8d4b". */
  controller: string;
  replicas: number;
  /** Pods it owns now. */
  owned: string[];
  /** Pods it will most likely delete after adopting the released pod (the ReplicaSet's ranking: not ready first, then newest). */
  willDelete: string[];
  message: string;
}

export interface ReleasePlan {
  namespace: string;
  pod: string;
  quarantined: boolean;
  id?: string;
  policyName: string;
  /** The record on the quarantine policy, if found (and which policy holds it). */
  record?: QuarantineRecord;
  recordPolicy?: string;
  /** The pod's ORIGINAL_LABELS annotation (editable by anyone who can edit the pod). */
  annotationLabels?: Record<string, string>;
  /** The labels the pod will have after the release. */
  labels: Record<string, string>;
  /** Labels added during the quarantine that are kept (e.g. incident=ir-42). */
  kept: string[];
  /** Must be confirmed before anything is applied. */
  questions: ReleaseQuestion[];
  adoption?: AdoptionEffect;
  warnings: string[];
  /** Human-readable description, one line each (for the confirmation). */
  summary: string[];
  /** resourceVersion of the pod as read (precondition of the label patch). */
  resourceVersion?: string;
}

export interface ReleaseResult {
  /** needs-confirmation: a question was not confirmed because no `confirm` was given; cancelled: `confirm` answered no. Nothing changed in both. */
  status: 'released' | 'not-isolated' | 'dry-run' | 'failed' | 'needs-confirmation' | 'cancelled';
  message: string;
  audit: AuditEntry[];
  policyDeleted?: string;
  pod?: k8s.V1Pod;
  plan?: ReleasePlan;
  /** The questions that stopped the release (needs-confirmation / cancelled). */
  questions?: ReleaseQuestion[];
}

export interface ReleaseOptions {
  dryRun: boolean;
  signal?: AbortSignal;
  audit?: (e: AuditEntry) => void;
  /** After an ambiguous failure of the label patch (timeout / dropped connection), how long to wait for a late write before checking the pod (default 3000 ms). */
  settleMs?: number;
  /** Asked for each of `plan.questions`; without it such a release stops with status needs-confirmation. */
  confirm?: (q: ReleaseQuestion, plan: ReleasePlan) => boolean | Promise<boolean>;
  /** A plan from planRelease (e.g. the one shown in the confirmation); default: planned now. */
  plan?: ReleasePlan;
}

const sameLabels = (a: Record<string, string>, b: Record<string, string>) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
const fmtLabels = (l: Record<string, string>) => Object.entries(l).map(([k, v]) => `${k}=${v}`).join(', ') || '(none)';

function parseRecord(raw: string | undefined): QuarantineRecord | undefined {
  if (!raw) return undefined;
  try {
    const r = JSON.parse(raw);
    if (!r || typeof r !== 'object' || typeof r.pod !== 'string' || typeof r.id !== 'string') return undefined;
    const labels = parseLabelsAnnotation(JSON.stringify(r.labels ?? {})) ?? {};
    return { pod: r.pod, namespace: String(r.namespace ?? ''), uid: typeof r.uid === 'string' ? r.uid : undefined, id: r.id, labels, time: String(r.time ?? ''), trusted: r.trusted === true };
  } catch {
    return undefined;
  }
}

function quarantineIdOf(pod: k8s.V1Pod): string | undefined {
  const l = pod.metadata?.labels?.[QUARANTINE_LABEL];
  if (l) return l;
  try { const a = JSON.parse(pod.metadata?.annotations?.[AUDIT_ANNOTATION] ?? ''); return typeof a?.id === 'string' ? a.id : undefined; } catch { return undefined; }
}

/** Pods carrying the quarantine label (all namespaces; the namespace only when the cluster-wide list is refused). For the release picker. */
export async function listQuarantinedPods(session: ClusterSession, opts: { signal?: AbortSignal; namespace?: string } = {}): Promise<{ namespace: string; pod: string; id: string }[]> {
  let items: k8s.V1Pod[];
  try {
    items = opts.namespace
      ? (await req(session, opts.signal, (o) => session.core.listNamespacedPod({ namespace: opts.namespace!, labelSelector: QUARANTINE_LABEL }, o))).items
      : (await req(session, opts.signal, (o) => session.core.listPodForAllNamespaces({ labelSelector: QUARANTINE_LABEL }, o))).items;
  } catch (e) {
    if (e instanceof CancelledError) throw e;
    throw new Error(`Cannot list quarantined pods: ${describeApiError(e, { verb: 'list', resource: 'pods', namespace: opts.namespace, server: session.server })}`);
  }
  return items.map((p) => ({ namespace: p.metadata?.namespace ?? '', pod: p.metadata?.name ?? '', id: p.metadata?.labels?.[QUARANTINE_LABEL] ?? '' })).sort((a, b) => `${a.namespace}/${a.pod}`.localeCompare(`${b.namespace}/${b.pod}`));
}

/** Which controller adopts the pod once it has `labels` again, and which pod it will then delete. */
async function predictAdoption(session: ClusterSession, pod: k8s.V1Pod, labels: Record<string, string>, signal: AbortSignal | undefined): Promise<AdoptionEffect | undefined> {
  const ns = pod.metadata?.namespace ?? '';
  const name = pod.metadata?.name ?? '';
  if ((pod.metadata?.ownerReferences ?? []).some((o) => o.controller)) return undefined;
  const [rss, pods] = await Promise.all([
    req(session, signal, (o) => session.apps.listNamespacedReplicaSet({ namespace: ns }, o)),
    req(session, signal, (o) => session.core.listNamespacedPod({ namespace: ns }, o)),
  ]);
  const rs = rss.items.find((r) => labelSelectorMatches(r.spec?.selector, labels));
  if (!rs) return undefined;
  const owned = activePods(pods.items).filter((p) => p.metadata?.name !== name && (p.metadata?.ownerReferences ?? []).some((o) => o.controller && o.uid === rs.metadata?.uid));
  const replicas = rs.spec?.replicas ?? 1;
  const controller = `ReplicaSet ${ns}/${rs.metadata?.name}`;
  const excess = owned.length + 1 - replicas;
  if (excess <= 0) return { controller, replicas, owned: owned.map((p) => p.metadata?.name ?? ''), willDelete: [], message: `${controller} will adopt the pod (it then has ${owned.length + 1} of ${replicas} replicas): no pod is deleted.` };
  const ready = (p: k8s.V1Pod) => (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
  const created = (p: k8s.V1Pod) => Date.parse(String(p.metadata?.creationTimestamp ?? '')) || 0;
  // The ReplicaSet deletes first: unscheduled, not running, not ready, then the newest (simplified ActivePodsWithRanks).
  const ranked = [...owned, pod].sort((a, b) =>
    Number(!!a.spec?.nodeName) - Number(!!b.spec?.nodeName) ||
    Number(a.status?.phase === 'Running') - Number(b.status?.phase === 'Running') ||
    Number(ready(a)) - Number(ready(b)) ||
    created(b) - created(a) ||
    (b.metadata?.name ?? '').localeCompare(a.metadata?.name ?? ''));
  const willDelete = ranked.slice(0, excess).map((p) => p.metadata?.name ?? '');
  const self = willDelete.includes(name);
  return {
    controller, replicas, owned: owned.map((p) => p.metadata?.name ?? ''), willDelete,
    message: `${controller} will adopt the pod (then ${owned.length + 1} pods for ${replicas} replica${replicas === 1 ? '' : 's'}) and delete ${willDelete.length > 1 ? 'pods' : 'pod'} ${willDelete.join(', ')}${self ? ' — the released pod itself: its processes and in-memory state are lost' : ''} (most likely: the ReplicaSet deletes not-ready, then the newest pods first).`,
  };
}

/**
 * What releasing `ns/podName` would restore, from the record on the quarantine NetworkPolicy (which
 * someone who can only edit the pod cannot forge). Reads only; throws a sentence when the pod or the
 * NetworkPolicies cannot be read.
 */
export async function planRelease(session: ClusterSession, ns: string, podName: string, opts: { signal?: AbortSignal } = {}): Promise<ReleasePlan> {
  const op = (verb: string, resource: string, name?: string) => ({ verb, resource, namespace: ns, name, server: session.server });
  let pod: k8s.V1Pod;
  try {
    pod = await req(session, opts.signal, (o) => session.core.readNamespacedPod({ name: podName, namespace: ns }, o));
  } catch (e) {
    if (e instanceof CancelledError) throw e;
    throw new Error(describeApiError(e, op('get', 'pods', podName)));
  }
  const labels = pod.metadata?.labels ?? {};
  const ann = pod.metadata?.annotations ?? {};
  const id = quarantineIdOf(pod);
  const policyName = ann[POLICY_ANNOTATION] ?? QUARANTINE_POLICY_BASE;
  const base: ReleasePlan = { namespace: ns, pod: podName, quarantined: false, policyName, labels: { ...labels }, kept: [], questions: [], warnings: [], summary: [], resourceVersion: pod.metadata?.resourceVersion };
  if (!labels[QUARANTINE_LABEL] && !ann[ORIGINAL_LABELS_ANNOTATION]) return { ...base, summary: [`Pod ${ns}/${podName} is not quarantined.`] };
  let policies: k8s.V1NetworkPolicy[];
  try {
    policies = (await req(session, opts.signal, (o) => session.net.listNamespacedNetworkPolicy({ namespace: ns }, o))).items;
  } catch (e) {
    if (e instanceof CancelledError) throw e;
    throw new Error(`${describeApiError(e, op('list', 'networkpolicies'))} (the quarantine record is kept on the quarantine NetworkPolicy)`);
  }
  let record: QuarantineRecord | undefined;
  let recordPolicy: string | undefined;
  const ordered = [...policies.filter((p) => p.metadata?.name === policyName), ...policies.filter((p) => p.metadata?.name !== policyName)];
  for (const np of ordered) {
    if (np.metadata?.labels?.['app.kubernetes.io/managed-by'] !== 'k8s-guardrails') continue;
    const recs = Object.entries(np.metadata?.annotations ?? {}).filter(([k]) => k.startsWith(RECORD_ANNOTATION_PREFIX)).map(([, v]) => parseRecord(v)).filter((r): r is QuarantineRecord => !!r);
    const r = recs.find((x) => x.pod === podName && x.namespace === ns && (!x.uid || !pod.metadata?.uid || x.uid === pod.metadata.uid) && (!id || x.id === id));
    if (r) { record = r; recordPolicy = `${ns}/${np.metadata?.name}`; break; }
  }
  const rawAnn = ann[ORIGINAL_LABELS_ANNOTATION];
  const annotationLabels = parseLabelsAnnotation(rawAnn);
  const warnings: string[] = [];
  const questions: ReleaseQuestion[] = [];
  let restore: Record<string, string>;
  if (record?.trusted) {
    restore = record.labels;
    if (rawAnn !== undefined && (!annotationLabels || !sameLabels(annotationLabels, record.labels))) {
      questions.push({
        kind: 'record-mismatch', labels: record.labels, annotationLabels,
        message: `The original labels in pod ${ns}/${podName}'s annotation ${ORIGINAL_LABELS_ANNOTATION} (${annotationLabels ? fmtLabels(annotationLabels) : 'not valid JSON'}) differ from the quarantine record on NetworkPolicy ${recordPolicy} (${fmtLabels(record.labels)}): someone edited the pod during the quarantine. Restore the labels of the record?`,
      });
    }
    if (rawAnn === undefined) warnings.push(`The pod's annotation ${ORIGINAL_LABELS_ANNOTATION} was removed; the record on NetworkPolicy ${recordPolicy} is used.`);
  } else {
    restore = annotationLabels ?? record?.labels ?? {};
    const why = record ? `the record on NetworkPolicy ${recordPolicy} was rebuilt from the pod's annotation when the quarantine was repaired` : `no quarantine record was found on the NetworkPolicies of namespace ${ns} (deleted, or quarantined by an older version)`;
    questions.push({
      kind: 'no-record', labels: restore, annotationLabels,
      message: `The original labels of pod ${ns}/${podName} cannot be checked: ${why}. Only the pod's own annotation ${ORIGINAL_LABELS_ANNOTATION} says they were ${annotationLabels ? fmtLabels(annotationLabels) : '(missing or not valid JSON)'} — anyone who can edit the pod can change it. Restore these labels?`,
    });
  }
  const after: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (k !== QUARANTINE_LABEL) after[k] = v;
  const kept = Object.keys(after).filter((k) => !(k in restore)).sort();
  Object.assign(after, restore);
  let adoption: AdoptionEffect | undefined;
  try {
    adoption = await predictAdoption(session, pod, after, opts.signal);
  } catch (e) {
    if (e instanceof CancelledError) throw e;
    warnings.push(`Cannot tell whether a controller will adopt the pod and delete a replica: ${describeApiError(e, op('list', 'replicasets'))}`);
  }
  const summary = [
    `Restore the labels of pod ${ns}/${podName}: ${fmtLabels(restore)} (from ${record?.trusted ? `the quarantine record on NetworkPolicy ${recordPolicy}` : `the pod's annotation ${ORIGINAL_LABELS_ANNOTATION}`}).`,
    ...(kept.length ? [`Keep the labels added during the quarantine: ${kept.map((k) => `${k}=${after[k]}`).join(', ')}.`] : []),
    `Remove the quarantine label and annotations; delete the quarantine NetworkPolicy ${ns}/${policyName} if no other pod uses it.`,
    ...(adoption ? [adoption.message] : ['No controller will adopt it: no pod is deleted.']),
  ];
  return { ...base, quarantined: true, id, record, recordPolicy, annotationLabels, labels: after, kept, questions, adoption, warnings, summary };
}

export async function releasePod(session: ClusterSession, ns: string, podName: string, opts: ReleaseOptions): Promise<ReleaseResult> {
  const audit = new Audit(opts.audit, opts.dryRun);
  const target = `pod ${ns}/${podName}`;
  const dry = opts.dryRun ? 'All' : undefined;
  const op = (verb: string, resource: string, name?: string) => ({ verb, resource, namespace: ns, name, server: session.server });
  audit.add('start', 'info', `${opts.dryRun ? 'Dry run: ' : ''}releasing ${target} from quarantine`, target);
  const failed = (step: string, why: string, state: string, pod?: k8s.V1Pod, plan?: ReleasePlan): ReleaseResult => {
    audit.add(step, 'failed', `${why} ${state}`, target);
    const message = `Release of ${target} failed at step "${step}": ${why} ${state}`;
    audit.add('done', 'failed', message, target);
    return { status: 'failed', message, audit: audit.entries, ...(pod ? { pod } : {}), ...(plan ? { plan } : {}) };
  };
  const readPod = () => req(session, opts.signal, (o) => session.core.readNamespacedPod({ name: podName, namespace: ns }, o));
  let plan: ReleasePlan;
  try {
    plan = opts.plan ?? (await planRelease(session, ns, podName, { signal: opts.signal }));
  } catch (e) {
    if (e instanceof CancelledError) return failed('read', 'cancelled.', 'Nothing was changed.');
    return failed('read', e instanceof Error ? e.message : String(e), 'Nothing was changed.');
  }
  if (!plan.quarantined) {
    audit.add('release', 'skipped', `${target} is not quarantined; nothing changed.`, target);
    const message = `Pod ${ns}/${podName} is not quarantined. Nothing changed.`;
    audit.add('done', 'skipped', message, target);
    return { status: 'not-isolated', message, audit: audit.entries, plan };
  }
  for (const w of plan.warnings) audit.add('plan', 'warning', w, target);
  const stillQuarantined = 'Nothing was changed: the pod is still quarantined.';
  for (const q of plan.questions) {
    if (!opts.confirm) {
      audit.add('confirm', 'skipped', q.message, target);
      const message = `Release of ${target} needs a confirmation: ${q.message} ${stillQuarantined}`;
      audit.add('done', 'skipped', message, target);
      return { status: 'needs-confirmation', message, audit: audit.entries, plan, questions: [q] };
    }
    let yes = false;
    try { yes = await opts.confirm(q, plan); } catch { yes = false; }
    audit.add('confirm', yes ? 'ok' : 'skipped', `${q.message} — ${yes ? 'confirmed' : 'declined'}.`, target);
    if (!yes) {
      const message = `Release of ${target} cancelled: ${q.kind === 'record-mismatch' ? 'the pod\'s recorded original labels were tampered with' : 'its original labels could not be checked'}. ${stillQuarantined}`;
      audit.add('done', 'skipped', message, target);
      return { status: 'cancelled', message, audit: audit.entries, plan, questions: [q] };
    }
  }
  const policyName = plan.policyName;
  let restored: k8s.V1Pod | undefined;
  let rv = plan.resourceVersion;
  let currentLabels = plan.labels;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      restored = await restoreLabels(session, ns, podName, currentLabels, rv, dry);
      break;
    } catch (e) {
      if (e instanceof CancelledError) return failed('restore labels', 'cancelled.', stillQuarantined, undefined, plan);
      const kind = classifyApiError(e);
      if (kind === 'conflict' && attempt === 0) {
        audit.add('release', 'warning', `${target} changed meanwhile (409 Conflict); re-reading and retrying once.`, target);
        try {
          const fresh = await readPod();
          if (!fresh.metadata?.labels?.[QUARANTINE_LABEL] && !fresh.metadata?.annotations?.[ORIGINAL_LABELS_ANNOTATION]) return failed('restore labels', `${target} was released by someone else meanwhile.`, 'Nothing was changed by this release.', fresh, plan);
          // Labels added meanwhile are kept too; the restored ones still come from the plan's (confirmed) source.
          const next: Record<string, string> = {};
          for (const [k, v] of Object.entries(fresh.metadata?.labels ?? {})) if (k !== QUARANTINE_LABEL) next[k] = v;
          for (const k of Object.keys(plan.labels)) if (!plan.kept.includes(k)) next[k] = plan.labels[k];
          currentLabels = next;
          rv = fresh.metadata?.resourceVersion;
          continue;
        } catch (e2) {
          return failed('restore labels', describeApiError(e2, op('get', 'pods', podName)), stillQuarantined, undefined, plan);
        }
      }
      const why = describeApiError(e, op('patch', 'pods', podName)) + (kind === 'conflict' ? ' (the pod changed twice during the release)' : '');
      if (!dry && isAmbiguous(e)) {
        // The patch may have been applied (or may still arrive): look, and fence a late one.
        audit.add('release', 'warning', `${why} Checking whether the label patch was applied.`, target);
        const settled = await settleRelease(session, ns, podName, opts.settleMs ?? 3000);
        if (settled.restored) {
          restored = settled.pod;
          audit.add('release', 'warning', settled.gone ? `${target} no longer exists: the label patch was applied and its controller re-adopted and removed it.` : `The label patch of ${target} was applied despite the error.`, target);
          break;
        }
        return failed('restore labels', why, settled.fenced ? stillQuarantined : `The label patch may still be applied late: check the pod's labels (kubectl -n ${ns} get pod ${podName} --show-labels).`, undefined, plan);
      }
      return failed('restore labels', why, stillQuarantined, undefined, plan);
    }
  }
  audit.add('release', dry ? 'dry-run' : 'ok', `${dry ? 'Would restore' : 'Restored'} the original labels of ${target} (${fmtLabels(plan.labels)}${plan.kept.length ? `; kept ${plan.kept.join(', ')}` : ''}) and remove the quarantine label and annotations.`, target);
  // Delete the quarantine policy if no other pod uses it.
  let policyDeleted: string | undefined;
  const manual = `kubectl -n ${ns} delete networkpolicy ${policyName}`;
  const policyFailed = (why: string): ReleaseResult => {
    const state = `The pod's labels were restored (it is released); the quarantine NetworkPolicy ${ns}/${policyName} was left in place (it only selects quarantined pods). Delete it by hand if no pod uses it: ${manual}`;
    audit.add('policy', 'failed', `${why} ${state}`, target);
    const message = `Labels of ${target} restored, but the quarantine policy could not be cleaned up: ${why} ${state}`;
    audit.add('done', 'failed', message, target);
    return { status: 'failed', message, audit: audit.entries, pod: restored, plan };
  };
  let others: k8s.V1Pod[];
  try {
    others = (await req(session, opts.signal, (o) => session.core.listNamespacedPod({ namespace: ns, labelSelector: QUARANTINE_LABEL }, o))).items.filter((p) => p.metadata?.name !== podName);
  } catch (e) {
    return policyFailed(`Could not check whether other pods still use it: ${describeApiError(e, op('list', 'pods'))}`);
  }
  // Reads are retried with backoff, and a 404 is believed only when a second read says so too.
  const readPolicy = async (): Promise<k8s.V1NetworkPolicy | undefined> => {
    let notFound = 0;
    for (let attempt = 0; ; attempt++) {
      try {
        return await req(session, opts.signal, (o) => session.net.readNamespacedNetworkPolicy({ name: policyName, namespace: ns }, o));
      } catch (e) {
        if (e instanceof CancelledError) throw e;
        if (classifyApiError(e) === 'notFound' && ++notFound >= 2) return undefined;
        if (attempt >= 2) throw new Error(describeApiError(e, op('get', 'networkpolicies', policyName)));
        audit.add('policy', 'warning', `${describeApiError(e, op('get', 'networkpolicies', policyName))} Reading it again.`, target);
        await sleep(200 * 2 ** attempt, opts.signal);
      }
    }
  };
  let np: k8s.V1NetworkPolicy | undefined;
  try { np = await readPolicy(); } catch (e) {
    return policyFailed(e instanceof Error ? e.message : String(e));
  }
  let recordNote = '';
  if (!np) audit.add('policy', 'skipped', `Quarantine NetworkPolicy ${ns}/${policyName} does not exist.`, target);
  else if (!isOurQuarantinePolicy(np)) audit.add('policy', 'skipped', `NetworkPolicy ${ns}/${policyName} is not ours (or was modified): left alone.`, target);
  else if (others.length) {
    audit.add('policy', 'skipped', `Quarantine NetworkPolicy ${ns}/${policyName} kept: still used by ${others.map((p) => p.metadata?.name).join(', ')}.`, target);
    if (plan.id && np.metadata?.annotations?.[recordKey(plan.id)] !== undefined) {
      // The record is no longer needed (an annotation: best effort, it changes no traffic).
      try {
        await req(session, opts.signal, (o) => session.net.patchNamespacedNetworkPolicy({ name: policyName, namespace: ns, body: { metadata: { annotations: { [recordKey(plan.id!)]: null } } }, ...(dry ? { dryRun: dry } : {}) }, o), { contentType: MERGE_PATCH });
        audit.add('policy', dry ? 'dry-run' : 'ok', `${dry ? 'Would remove' : 'Removed'} the quarantine record ${recordKey(plan.id)} from NetworkPolicy ${ns}/${policyName}.`, target);
      } catch (e) {
        recordNote = ` The quarantine record stays on NetworkPolicy ${ns}/${policyName} (${describeApiError(e, op('patch', 'networkpolicies', policyName))}); remove it with kubectl -n ${ns} annotate networkpolicy ${policyName} ${recordKey(plan.id)}-`;
        audit.add('policy', 'warning', recordNote.trim(), target);
      }
    }
  } else {
    const del = () => req(session, opts.signal, (o) => session.net.deleteNamespacedNetworkPolicy({ name: policyName, namespace: ns, ...(dry ? { dryRun: dry } : {}), body: { preconditions: { uid: np!.metadata?.uid } } }, o));
    try {
      await del();
      policyDeleted = `${ns}/${policyName}`;
      audit.add('policy', dry ? 'dry-run' : 'ok', `${dry ? 'Would delete' : 'Deleted'} quarantine NetworkPolicy ${ns}/${policyName} (no other pod uses it).`, target);
    } catch (e) {
      const kind = classifyApiError(e);
      if (kind === 'notFound') {
        // "Already deleted" — believed once a read agrees; else deleted again.
        let still: k8s.V1NetworkPolicy | undefined;
        try { still = dry ? undefined : await readPolicy(); } catch (e2) { return policyFailed(e2 instanceof Error ? e2.message : String(e2)); }
        if (!still) audit.add('policy', 'skipped', `Quarantine NetworkPolicy ${ns}/${policyName} was already deleted.`, target);
        else {
          audit.add('policy', 'warning', `${describeApiError(e, op('delete', 'networkpolicies', policyName))} But it still exists: deleting it again.`, target);
          try { await del(); policyDeleted = `${ns}/${policyName}`; audit.add('policy', 'ok', `Deleted quarantine NetworkPolicy ${ns}/${policyName} (no other pod uses it).`, target); } catch (e3) { return policyFailed(describeApiError(e3, op('delete', 'networkpolicies', policyName))); }
        }
      } else {
        const why = describeApiError(e, op('delete', 'networkpolicies', policyName));
        // A delete that timed out may have happened: look before reporting it left.
        let gone = false;
        if (!dry && isAmbiguous(e)) {
          await sleep(opts.settleMs ?? 3000);
          try { await req(session, undefined, (o) => session.net.readNamespacedNetworkPolicy({ name: policyName, namespace: ns }, o)); } catch (e2) { gone = classifyApiError(e2) === 'notFound'; }
        }
        if (!gone) return policyFailed(why);
        policyDeleted = `${ns}/${policyName}`;
        audit.add('policy', 'warning', `${why} It was deleted nevertheless (checked).`, target);
      }
    }
  }
  const kept = plan.kept.length ? `; labels added during the quarantine kept (${plan.kept.join(', ')})` : '';
  const message = dry
    ? `Dry run: releasing ${target} would restore its labels${policyDeleted ? ` and delete ${policyDeleted}` : ''}; nothing was stored.`
    : `Released ${target}: original labels restored${kept}${policyDeleted ? `, ${policyDeleted} deleted` : ''}. ${plan.adoption ? plan.adoption.message : 'No controller adopts it.'}${recordNote}`;
  audit.add('done', dry ? 'dry-run' : 'ok', message, target);
  return { status: dry ? 'dry-run' : 'released', message, audit: audit.entries, policyDeleted, pod: restored, plan };
}

/** Sets the pod's labels to exactly `labels` (the quarantine label removed), drops our annotations; resourceVersion precondition. */
async function restoreLabels(session: ClusterSession, ns: string, name: string, labels: Record<string, string>, resourceVersion: string | undefined, dryRun: string | undefined): Promise<k8s.V1Pod> {
  const patchLabels: Record<string, string | null> = { ...labels, [QUARANTINE_LABEL]: null };
  const body = { metadata: { resourceVersion, labels: patchLabels, annotations: { [ORIGINAL_LABELS_ANNOTATION]: null, [AUDIT_ANNOTATION]: null, [POLICY_ANNOTATION]: null, [RELEASE_FENCE_ANNOTATION]: null } } };
  return req(session, undefined, (o) => session.core.patchNamespacedPod({ name, namespace: ns, body, ...(dryRun ? { dryRun } : {}) }, o), { contentType: MERGE_PATCH });
}

/**
 * After an ambiguous label-restore patch: wait for a late write, then either see it applied or
 * fence it (any write moves the resourceVersion, so the patch with the old precondition fails with 409).
 */
async function settleRelease(session: ClusterSession, ns: string, podName: string, settleMs: number): Promise<{ restored: boolean; fenced: boolean; gone?: boolean; pod?: k8s.V1Pod }> {
  await sleep(settleMs);
  try {
    let pod: k8s.V1Pod;
    try {
      pod = await req(session, undefined, (o) => session.core.readNamespacedPod({ name: podName, namespace: ns }, o));
    } catch (e) {
      // Released, re-adopted and scaled away by its controller meanwhile.
      if (classifyApiError(e) === 'notFound') return { restored: true, fenced: false, gone: true };
      throw e;
    }
    if (!pod.metadata?.labels?.[QUARANTINE_LABEL] && !pod.metadata?.annotations?.[ORIGINAL_LABELS_ANNOTATION]) return { restored: true, fenced: false, pod };
    await req(session, undefined, (o) => session.core.patchNamespacedPod({ name: podName, namespace: ns, body: { metadata: { resourceVersion: pod.metadata?.resourceVersion, annotations: { [RELEASE_FENCE_ANNOTATION]: new Date().toISOString() } } } }, o), { contentType: MERGE_PATCH });
    return { restored: false, fenced: true };
  } catch {
    return { restored: false, fenced: false };
  }
}

// ---------------------------------------------------------------------------------------------
// optional steps (each confirmed separately by the UI)

export interface StepOptions { dryRun: boolean; signal?: AbortSignal; audit?: (e: AuditEntry) => void }
export interface StepResult { ok: boolean; message: string; audit: AuditEntry[] }

export async function cordonNode(session: ClusterSession, node: string, opts: StepOptions): Promise<StepResult> {
  const audit = new Audit(opts.audit, opts.dryRun);
  try {
    await req(session, opts.signal, (o) => session.core.patchNode({ name: node, body: { spec: { unschedulable: true } }, ...(opts.dryRun ? { dryRun: 'All' } : {}) }, o), { contentType: MERGE_PATCH });
    const m = `${opts.dryRun ? 'Would cordon' : 'Cordoned'} node ${node}: no new pods will be scheduled there (running pods stay).`;
    audit.add('cordon', opts.dryRun ? 'dry-run' : 'ok', m, `node ${node}`);
    return { ok: true, message: m, audit: audit.entries };
  } catch (e) {
    const m = describeApiError(e, { verb: 'patch', resource: 'nodes', name: node, server: session.server });
    audit.add('cordon', 'failed', m, `node ${node}`);
    return { ok: false, message: m, audit: audit.entries };
  }
}

/** Scales the top-most scalable owner (Deployment over ReplicaSet; StatefulSet) to 0; suspends a Job. */
export async function scaleOwnerToZero(session: ClusterSession, plan: Pick<IsolationPlan, 'namespace' | 'owners'>, opts: StepOptions): Promise<StepResult> {
  const audit = new Audit(opts.audit, opts.dryRun);
  const ns = plan.namespace;
  const dry = opts.dryRun ? { dryRun: 'All' } : {};
  const owner = [...plan.owners].reverse().find((o) => ['Deployment', 'StatefulSet', 'ReplicaSet', 'Job'].includes(o.kind));
  if (!owner) {
    const m = plan.owners.some((o) => o.kind === 'DaemonSet') ? 'A DaemonSet cannot be scaled to 0 (it runs one pod per node); delete it or narrow its nodeSelector instead.' : 'The pod has no scalable owner.';
    audit.add('scale', 'skipped', m);
    return { ok: false, message: m, audit: audit.entries };
  }
  const t = `${owner.kind} ${ns}/${owner.name}`;
  try {
    const body = owner.kind === 'Job' ? { spec: { suspend: true } } : { spec: { replicas: 0 } };
    const n = { name: owner.name, namespace: ns, body, ...dry };
    const ct = { contentType: MERGE_PATCH };
    if (owner.kind === 'Deployment') await req(session, opts.signal, (o) => session.apps.patchNamespacedDeployment(n, o), ct);
    else if (owner.kind === 'StatefulSet') await req(session, opts.signal, (o) => session.apps.patchNamespacedStatefulSet(n, o), ct);
    else if (owner.kind === 'ReplicaSet') await req(session, opts.signal, (o) => session.apps.patchNamespacedReplicaSet(n, o), ct);
    else await req(session, opts.signal, (o) => session.batch.patchNamespacedJob(n, o), ct);
    const m = `${opts.dryRun ? 'Would ' + (owner.kind === 'Job' ? 'suspend' : 'scale to 0') : owner.kind === 'Job' ? 'Suspended' : 'Scaled to 0'} ${t}. The quarantined pod (released) keeps running.`;
    audit.add('scale', opts.dryRun ? 'dry-run' : 'ok', m, t);
    return { ok: true, message: m, audit: audit.entries };
  } catch (e) {
    const m = describeApiError(e, { verb: 'patch', resource: owner.kind.toLowerCase() + 's', namespace: ns, name: owner.name, server: session.server });
    audit.add('scale', 'failed', m, t);
    return { ok: false, message: m, audit: audit.entries };
  }
}

export async function deletePod(session: ClusterSession, ns: string, podName: string, opts: StepOptions & { gracePeriodSeconds?: number }): Promise<StepResult> {
  const audit = new Audit(opts.audit, opts.dryRun);
  const t = `pod ${ns}/${podName}`;
  try {
    await req(session, opts.signal, (o) => session.core.deleteNamespacedPod({ name: podName, namespace: ns, ...(opts.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: opts.gracePeriodSeconds } : {}), ...(opts.dryRun ? { dryRun: 'All' } : {}) }, o));
    const m = `${opts.dryRun ? 'Would delete' : 'Deleted'} ${t}${opts.gracePeriodSeconds !== undefined ? ` (grace period ${opts.gracePeriodSeconds}s)` : ''}. Its in-memory state is lost; the evidence bundle is what remains.`;
    audit.add('delete', opts.dryRun ? 'dry-run' : 'ok', m, t);
    return { ok: true, message: m, audit: audit.entries };
  } catch (e) {
    const m = describeApiError(e, { verb: 'delete', resource: 'pods', namespace: ns, name: podName, server: session.server });
    audit.add('delete', 'failed', m, t);
    return { ok: false, message: m, audit: audit.entries };
  }
}

/** Convenience for the UI: plan + trace together (the trace is shown next to the plan). */
export async function planWithTrace(session: ClusterSession, ns: string, podName: string, signal?: AbortSignal) {
  const snapshot = await loadSnapshot(session, ns, { signal });
  const [plan, trace] = await Promise.all([planIsolation(session, ns, podName, { signal, snapshot }), traceEgress(session, ns, podName, { signal, snapshot })]);
  return { plan, trace };
}

export { activePods };
