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
import { NetworkModel, parsePolicy, selectorMatches, policyNamespace } from '../../../server/src/engine/netpol';
import { CancelledError, ClusterSession, MERGE_PATCH, classifyApiError, describeApiError, httpStatusOf, req, sleep, throwIfAborted } from './connection';
import { saveEvidence, EvidenceBundle } from './evidence';
import { ClusterSnapshot, activePods, buildModel, labelSelectorMatches, loadSnapshot, matchLabelsSelects, podInfo, selectorKeys } from './live';
import { ORIGINAL_LABELS_ANNOTATION, QUARANTINE_LABEL, traceEgress } from './trace';

export { QUARANTINE_LABEL, ORIGINAL_LABELS_ANNOTATION };
export const AUDIT_ANNOTATION = 'k8s-guardrails.io/quarantine-audit';
export const POLICY_ANNOTATION = 'k8s-guardrails.io/quarantine-policy';
export const ROLLBACK_ANNOTATION = 'k8s-guardrails.io/isolation-rolled-back';
/** Written by a release whose label patch timed out, so that the late patch (resourceVersion precondition) cannot apply. */
export const RELEASE_FENCE_ANNOTATION = 'k8s-guardrails.io/release-fenced';
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'k8s-guardrails' };
export const QUARANTINE_POLICY_BASE = 'k8s-guardrails-quarantine';
const CREATED_FOR_ANNOTATION = 'k8s-guardrails.io/created-for';

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

export interface CniInfo {
  /** Detected plugins (from kube-system DaemonSets/pods). */
  detected: string[];
  /** true: a plugin known to enforce NetworkPolicy; false: only non-enforcing ones (flannel); undefined: unknown. */
  enforcing: boolean | undefined;
  note: string;
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
  /** Already quarantined: isolatePod reports and changes nothing. */
  alreadyIsolated?: { id: string; policy?: string };
  /** Human-readable description of every change, one per line. */
  summary: string[];
}

function newId(): string {
  return randomBytes(4).toString('hex');
}

export function quarantinePolicy(name: string, namespace: string, createdFor?: string): k8s.V1NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name, namespace, labels: { ...MANAGED_BY },
      annotations: { 'k8s-guardrails.io/purpose': 'Quarantine: denies all ingress and egress of pods labelled k8s-guardrails.io/quarantine', ...(createdFor ? { [CREATED_FOR_ANNOTATION]: createdFor } : {}) },
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
  for (let i = 1; i < 50; i++) {
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

  const summary: string[] = [];
  if (existingId) {
    summary.push(`Pod ${ns}/${podName} is already quarantined (${QUARANTINE_LABEL}=${existingId}): isolating again changes nothing.`);
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
    owners, siblingPods, selectedBy, predictedSelecting, cni, warnings, ...(existingId ? { alreadyIsolated: { id: existingId, policy: pod.metadata?.annotations?.[POLICY_ANNOTATION] } } : {}), summary,
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
}

export interface VerifyCheck { check: string; ok: boolean; detail: string }

export interface IsolationResult {
  status: 'isolated' | 'already-isolated' | 'dry-run' | 'failed' | 'rolled-back';
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
}

function isAmbiguous(e: unknown): boolean {
  const k = classifyApiError(e);
  return k === 'timeout' || k === 'connectionDropped' || k === 'serverError';
}

export async function isolatePod(session: ClusterSession, plan: IsolationPlan, opts: IsolateOptions): Promise<IsolationResult> {
  const audit = new Audit(opts.audit, opts.dryRun);
  const { namespace: ns, pod: podName } = plan;
  const target = `pod ${ns}/${podName}`;
  const signal = opts.signal;
  const dry = opts.dryRun ? { dryRun: 'All' } : {};
  const verification: VerifyCheck[] = [];
  const result = (r: Omit<IsolationResult, 'plan' | 'audit' | 'verification'>): IsolationResult => ({ plan, audit: audit.entries, verification, ...r });
  audit.add('start', 'info', `${opts.dryRun ? 'Dry run: ' : ''}isolating ${target} (quarantine id ${plan.id}); reason: ${opts.reason || '(none given)'}`, target);

  if (plan.alreadyIsolated) {
    audit.add('check', 'skipped', `${target} is already quarantined (${QUARANTINE_LABEL}=${plan.alreadyIsolated.id}); nothing changed.`, target);
    const message = `Pod ${ns}/${podName} is already isolated (quarantine id ${plan.alreadyIsolated.id}${plan.alreadyIsolated.policy ? `, policy ${plan.alreadyIsolated.policy}` : ''}). Nothing changed.`;
    audit.add('done', 'skipped', message, target);
    return result({ status: 'already-isolated', message, policyCreated: false });
  }

  // 1. Evidence, before any change.
  let evidence: EvidenceBundle | undefined;
  if (opts.evidenceDir) {
    try {
      evidence = await saveEvidence(session, ns, podName, opts.evidenceDir, { signal, reason: opts.reason, extra: { plan, reason: opts.reason, dryRun: opts.dryRun } });
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

  // Undo log.
  let policyCreated = false;
  let policyMaybeCreated = false;
  let podPatched = false;
  let podMaybePatched = false;

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
    }
    const message = complete ? `Rolled back: ${notes.join(' ')}`.trim() : `Rollback INCOMPLETE: ${failures.join(' ')} ${notes.length ? `(${notes.join(' ')}) ` : ''}Run manually: ${manual.join(' ; ')}`;
    return { complete, message, manualSteps: manual };
  };

  const fail = async (step: string, why: string): Promise<IsolationResult> => {
    audit.add(step, 'failed', why, target);
    const rb = await rollback();
    const nothingDone = !policyCreated && !policyMaybeCreated && !podPatched && !podMaybePatched;
    if (!nothingDone) audit.add('rollback', rb!.complete ? 'ok' : 'failed', rb!.message, target);
    const message = nothingDone ? `Isolation failed at step "${step}": ${why} Nothing was changed.` : rb!.complete ? `Isolation failed at step "${step}": ${why} Everything done so far was rolled back: the pod's labels and the NetworkPolicies are as before.` : `Isolation failed at step "${step}": ${why} ${rb!.message}`;
    audit.add('done', 'failed', message, target);
    return result({ status: nothingDone || rb!.complete ? (nothingDone ? 'failed' : 'rolled-back') : 'failed', message, evidence, policyCreated: false, rollback: rb });
  };

  try {
    throwIfAborted(signal, 'isolation');
    // 2. The quarantine policy first: it selects only pods with the quarantine label, so it changes
    //    nothing until the pod patch moves the pod into quarantine atomically.
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
    if (!plan.policyExists) {
      let name = plan.policyName;
      for (let attempt = 0; ; attempt++) {
        const body = quarantinePolicy(name, ns, `${ns}/${podName} ${plan.id}`);
        try {
          await req(session, signal, (o) => session.net.createNamespacedNetworkPolicy({ namespace: ns, body, ...dry }, o));
          policyCreated = !opts.dryRun;
          audit.add('policy', opts.dryRun ? 'dry-run' : 'ok', `${opts.dryRun ? 'Would create' : 'Created'} quarantine NetworkPolicy ${ns}/${name} (deny all ingress and egress of pods labelled ${QUARANTINE_LABEL}).`, target);
          break;
        } catch (e) {
          if (classifyApiError(e) === 'alreadyExists' && attempt < 5) {
            // Created meanwhile: reuse if ours, else pick another name (never overwrite).
            try {
              const ex = await req(session, signal, (o) => session.net.readNamespacedNetworkPolicy({ name, namespace: ns }, o));
              if (isOurQuarantinePolicy(ex)) { audit.add('policy', 'ok', `Quarantine NetworkPolicy ${ns}/${name} appeared meanwhile; reusing it.`, target); break; }
            } catch { /* fall through to another name */ }
            audit.add('policy', 'warning', `NetworkPolicy ${ns}/${name} exists and is not ours: not overwritten; trying another name.`, target);
            name = `${QUARANTINE_POLICY_BASE}-${attempt + 2}-${plan.id}`;
            continue;
          }
          if (isAmbiguous(e)) policyMaybeCreated = !opts.dryRun;
          plan = { ...plan, policyName: name };
          return await fail('policy', describeApiError(e, { verb: 'create', resource: 'networkpolicies', namespace: ns, name, server: session.server }));
        }
      }
      plan = { ...plan, policyName: name, policy: quarantinePolicy(name, ns, `${ns}/${podName} ${plan.id}`) };
    }

    throwIfAborted(signal, 'isolation');
    // 3. One patch: annotations + label removals + quarantine label, with a resourceVersion precondition.
    let rv = plan.resourceVersion;
    let patched: k8s.V1Pod | undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      const labels: Record<string, string | null> = {};
      for (const r of plan.labelsToRemove) labels[r.key] = null;
      labels[QUARANTINE_LABEL] = plan.id;
      const auditAnn = JSON.stringify({ id: plan.id, time: new Date().toISOString(), reason: opts.reason, actor: opts.actor, removed: plan.labelsToRemove.map((r) => r.key), policy: plan.policyName, evidence: evidence?.dir });
      const body = { metadata: { resourceVersion: rv, labels, annotations: { [ORIGINAL_LABELS_ANNOTATION]: JSON.stringify(plan.currentLabels), [AUDIT_ANNOTATION]: auditAnn, [POLICY_ANNOTATION]: plan.policyName } } };
      try {
        patched = await req(session, signal, (o) => session.core.patchNamespacedPod({ name: podName, namespace: ns, body, ...dry }, o), { contentType: MERGE_PATCH });
        podPatched = !opts.dryRun;
        break;
      } catch (e) {
        const kind = classifyApiError(e);
        if (kind === 'conflict' && attempt === 0) {
          audit.add('patch', 'warning', `${target} changed since planning (409 Conflict); re-reading and retrying once.`, target);
          try {
            const fresh = await req(session, signal, (o) => session.core.readNamespacedPod({ name: podName, namespace: ns }, o));
            const freshLabels = fresh.metadata?.labels ?? {};
            if (freshLabels[QUARANTINE_LABEL]) return await fail('patch', `${target} was quarantined by someone else meanwhile (${QUARANTINE_LABEL}=${freshLabels[QUARANTINE_LABEL]}).`);
            if (JSON.stringify(Object.entries(freshLabels).sort()) !== JSON.stringify(Object.entries(plan.currentLabels).sort())) {
              return await fail('patch', `The labels of ${target} changed since planning; the plan is out of date — plan again.`);
            }
            rv = fresh.metadata?.resourceVersion;
            continue;
          } catch (e2) {
            if (isAmbiguous(e2)) podMaybePatched = false;
            return await fail('patch', describeApiError(e2, { verb: 'get', resource: 'pods', namespace: ns, name: podName, server: session.server }));
          }
        }
        if (isAmbiguous(e)) podMaybePatched = !opts.dryRun;
        return await fail('patch', describeApiError(e, { verb: 'patch', resource: 'pods', namespace: ns, name: podName, server: session.server }) + (kind === 'conflict' ? ' (the pod changed twice during isolation)' : ''));
      }
    }
    audit.add('patch', opts.dryRun ? 'dry-run' : 'ok', `${opts.dryRun ? 'Would patch' : 'Patched'} ${target}: removed ${plan.labelsToRemove.map((r) => r.key).join(', ') || 'no labels'}, added ${QUARANTINE_LABEL}=${plan.id}, original labels recorded in ${ORIGINAL_LABELS_ANNOTATION}.`, target);

    // 4. Verify.
    if (opts.dryRun) {
      const ok = !!patched && patched.metadata?.labels?.[QUARANTINE_LABEL] === plan.id && plan.labelsToRemove.every((r) => !(r.key in (patched!.metadata?.labels ?? {})));
      verification.push({ check: 'server accepted the patch (dry run)', ok, detail: ok ? 'the API server validated the label change' : 'the dry-run result does not carry the expected labels' });
      verification.push({ check: 'predicted selecting policies', ok: plan.predictedSelecting.every((p) => p === `${ns}/${plan.policyName}`), detail: plan.predictedSelecting.join(', ') || '(none)' });
      audit.add('verify', 'dry-run', `Dry run complete: nothing was stored. ${verification.map((v) => `${v.check}: ${v.ok ? 'ok' : 'NOT ok'}`).join('; ')}`, target);
      const message = `Dry run of isolating ${target} succeeded: the API server accepted every change; nothing was stored.`;
      audit.add('done', 'dry-run', message, target);
      return result({ status: 'dry-run', message, evidence, pod: patched, policyCreated: false });
    }
    let checks: VerifyCheck[];
    try {
      checks = await verifyIsolation(session, plan, { signal, waitMs: opts.verifyWaitMs ?? 15000 });
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      // Unverified is not isolated: roll back rather than leave a state nobody checked.
      return await fail('verify', `Could not verify the isolation: ${e instanceof Error ? e.message : String(e)}`);
    }
    verification.push(...checks);
    for (const c of checks) audit.add('verify', c.ok ? 'ok' : 'warning', `${c.check}: ${c.detail}`, target);
    const bad = checks.filter((c) => !c.ok);
    audit.add('done', bad.length ? 'warning' : 'ok', bad.length ? `Isolated ${target} with ${bad.length} verification warning(s).` : `Isolated ${target}.`, target);
    return result({
      status: 'isolated',
      message: `Pod ${ns}/${podName} is quarantined (${QUARANTINE_LABEL}=${plan.id}, policy ${plan.policyName}).${bad.length ? ` Verification warnings: ${bad.map((b) => b.detail).join(' ')}` : ' Verified: only the quarantine policy selects it, Services no longer select it' + (plan.owners.length ? ', the controller has a replacement.' : '.')} Established connections may persist until they close: trace again to check.`,
      evidence, pod: patched, policyCreated,
    });
  } catch (e) {
    if (e instanceof CancelledError || classifyApiError(e) === 'cancelled') return await fail('cancelled', 'the operation was cancelled.');
    return await fail('unexpected', e instanceof Error ? e.message : String(e));
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

/** Checks after isolating: labels, selecting policies, Services, controller replacement. */
export async function verifyIsolation(session: ClusterSession, plan: IsolationPlan, opts: { signal?: AbortSignal; waitMs?: number } = {}): Promise<VerifyCheck[]> {
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
  const pod = await read({ verb: 'get', resource: 'pods', name: podName }, (o) => session.core.readNamespacedPod({ name: podName, namespace: ns }, o));
  const labels = pod.metadata?.labels ?? {};
  checks.push({ check: 'quarantine label', ok: labels[QUARANTINE_LABEL] === plan.id, detail: labels[QUARANTINE_LABEL] === plan.id ? `${QUARANTINE_LABEL}=${plan.id} is set` : 'the quarantine label is missing' });
  const snap = await loadSnapshot(session, ns, { signal: opts.signal });
  if (snap.warnings.length) checks.push({ check: 'complete cluster data', ok: false, detail: `verified with partial data: ${snap.warnings.join(' ')}` });
  const model = buildModel({ ...snap, pods: [...snap.pods.filter((p) => !(p.metadata?.namespace === ns && p.metadata?.name === podName)), pod] });
  const sel = model.policiesSelecting(podInfo(pod));
  const names = [...new Set([...sel.ingress, ...sel.egress].map((p) => `${p.namespace}/${p.name}`))];
  const onlyQ = names.length === 1 && names[0] === `${ns}/${plan.policyName}` && sel.ingress.length === 1 && sel.egress.length === 1;
  checks.push({ check: 'selected only by the quarantine policy', ok: onlyQ, detail: plan.hostNetwork ? 'hostNetwork pod: NetworkPolicy does not apply to it' : onlyQ ? `only ${ns}/${plan.policyName} selects it (Ingress and Egress)` : `selected by: ${names.join(', ') || '(nothing)'}` });
  const svcs = snap.services.filter((s) => s.metadata?.namespace === ns && matchLabelsSelects(s.spec?.selector, labels)).map((s) => `${ns}/${s.metadata?.name}`);
  checks.push({ check: 'no Service selects it', ok: svcs.length === 0, detail: svcs.length ? `still selected by Service(s) ${svcs.join(', ')}` : `no Service selects it${plan.selectedBy.services.length ? ` (before: ${plan.selectedBy.services.join(', ')})` : ''}` });
  const ctrl = plan.owners[0];
  if (ctrl) {
    const released = !(pod.metadata?.ownerReferences ?? []).some((o) => o.controller && o.name === ctrl.name && o.kind === ctrl.kind);
    const deadline = Date.now() + (opts.waitMs ?? 15000);
    let replacement: string[] = [];
    for (;;) {
      const pods = await read({ verb: 'list', resource: 'pods' }, (o) => session.core.listNamespacedPod({ namespace: ns }, o));
      replacement = activePods(pods.items)
        .filter((p) => p.metadata?.name !== podName && (p.metadata?.ownerReferences ?? []).some((o) => o.controller && o.kind === ctrl.kind && o.name === ctrl.name) && Date.parse(p.metadata?.creationTimestamp as unknown as string ?? '') >= 0)
        .filter((p) => (!plan.podUid || p.metadata?.uid !== plan.podUid) && !plan.siblingPods.includes(p.metadata?.name ?? ''))
        .map((p) => p.metadata?.name ?? '');
      const created = replacement.length > 0;
      if (created || Date.now() > deadline) break;
      await sleep(500, opts.signal);
    }
    checks.push({ check: 'released by its controller', ok: released, detail: released ? `${ctrl.kind} ${ctrl.name} no longer owns it` : `${ctrl.kind} ${ctrl.name} still owns it` });
    checks.push({ check: 'controller replacement exists', ok: replacement.length > 0, detail: replacement.length ? `${ctrl.kind} ${ctrl.name} started ${replacement.join(', ')}` : `${ctrl.kind} ${ctrl.name} has not started a replacement yet` });
  }
  return checks;
}

// ---------------------------------------------------------------------------------------------
// release

export interface ReleaseResult {
  status: 'released' | 'not-isolated' | 'dry-run' | 'failed';
  message: string;
  audit: AuditEntry[];
  policyDeleted?: string;
  pod?: k8s.V1Pod;
}

export interface ReleaseOptions {
  dryRun: boolean;
  signal?: AbortSignal;
  audit?: (e: AuditEntry) => void;
  /** After an ambiguous failure of the label patch (timeout / dropped connection), how long to wait for a late write before checking the pod (default 3000 ms). */
  settleMs?: number;
}

export async function releasePod(session: ClusterSession, ns: string, podName: string, opts: ReleaseOptions): Promise<ReleaseResult> {
  const audit = new Audit(opts.audit, opts.dryRun);
  const target = `pod ${ns}/${podName}`;
  const dry = opts.dryRun ? 'All' : undefined;
  const op = (verb: string, resource: string, name?: string) => ({ verb, resource, namespace: ns, name, server: session.server });
  const failed = (step: string, why: string, state: string, pod?: k8s.V1Pod): ReleaseResult => {
    audit.add(step, 'failed', `${why} ${state}`, target);
    const message = `Release of ${target} failed at step "${step}": ${why} ${state}`;
    audit.add('done', 'failed', message, target);
    return { status: 'failed', message, audit: audit.entries, ...(pod ? { pod } : {}) };
  };
  const readPod = () => req(session, opts.signal, (o) => session.core.readNamespacedPod({ name: podName, namespace: ns }, o));
  let pod: k8s.V1Pod;
  try {
    pod = await readPod();
  } catch (e) {
    if (e instanceof CancelledError) return failed('read', 'cancelled.', 'Nothing was changed.');
    return failed('read', describeApiError(e, op('get', 'pods', podName)), 'Nothing was changed.');
  }
  const labels = pod.metadata?.labels ?? {};
  const ann = pod.metadata?.annotations ?? {};
  if (!labels[QUARANTINE_LABEL] && !ann[ORIGINAL_LABELS_ANNOTATION]) {
    audit.add('release', 'skipped', `${target} is not quarantined; nothing changed.`, target);
    const message = `Pod ${ns}/${podName} is not quarantined. Nothing changed.`;
    audit.add('done', 'skipped', message, target);
    return { status: 'not-isolated', message, audit: audit.entries, pod };
  }
  const policyName = ann[POLICY_ANNOTATION] ?? QUARANTINE_POLICY_BASE;
  const stillQuarantined = 'Nothing was changed: the pod is still quarantined.';
  let restored: k8s.V1Pod | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      restored = await restoreFromAnnotation(session, pod, dry);
      break;
    } catch (e) {
      if (e instanceof CancelledError) return failed('restore labels', 'cancelled.', stillQuarantined);
      const kind = classifyApiError(e);
      if (kind === 'conflict' && attempt === 0) {
        audit.add('release', 'warning', `${target} changed meanwhile (409 Conflict); re-reading and retrying once.`, target);
        try { pod = await readPod(); continue; } catch (e2) {
          return failed('restore labels', describeApiError(e2, op('get', 'pods', podName)), stillQuarantined);
        }
      }
      // Not a Kubernetes error: the annotation with the original labels is unusable (already a sentence).
      const why = e instanceof Error && httpStatusOf(e) === undefined && kind === 'other' ? e.message : describeApiError(e, op('patch', 'pods', podName)) + (kind === 'conflict' ? ' (the pod changed twice during the release)' : '');
      if (!dry && isAmbiguous(e)) {
        // The patch may have been applied (or may still arrive): look, and fence a late one.
        audit.add('release', 'warning', `${why} Checking whether the label patch was applied.`, target);
        const settled = await settleRelease(session, ns, podName, opts.settleMs ?? 3000);
        if (settled.restored) {
          restored = settled.pod;
          audit.add('release', 'warning', settled.gone ? `${target} no longer exists: the label patch was applied and its controller re-adopted and removed it.` : `The label patch of ${target} was applied despite the error.`, target);
          break;
        }
        return failed('restore labels', why, settled.fenced ? stillQuarantined : `The label patch may still be applied late: check the pod's labels (kubectl -n ${ns} get pod ${podName} --show-labels).`);
      }
      return failed('restore labels', why, stillQuarantined);
    }
  }
  audit.add('release', dry ? 'dry-run' : 'ok', `${dry ? 'Would restore' : 'Restored'} the original labels of ${target} and remove the quarantine label and annotations.`, target);
  // Delete the quarantine policy if no other pod uses it.
  let policyDeleted: string | undefined;
  const manual = `kubectl -n ${ns} delete networkpolicy ${policyName}`;
  const policyFailed = (why: string): ReleaseResult => {
    const state = `The pod's labels were restored (it is released); the quarantine NetworkPolicy ${ns}/${policyName} was left in place (it only selects quarantined pods). Delete it by hand if no pod uses it: ${manual}`;
    audit.add('policy', 'failed', `${why} ${state}`, target);
    const message = `Labels of ${target} restored, but the quarantine policy could not be cleaned up: ${why} ${state}`;
    audit.add('done', 'failed', message, target);
    return { status: 'failed', message, audit: audit.entries, pod: restored };
  };
  let others: k8s.V1Pod[];
  try {
    others = (await req(session, opts.signal, (o) => session.core.listNamespacedPod({ namespace: ns, labelSelector: QUARANTINE_LABEL }, o))).items.filter((p) => p.metadata?.name !== podName);
  } catch (e) {
    return policyFailed(`Could not check whether other pods still use it: ${describeApiError(e, op('list', 'pods'))}`);
  }
  let np: k8s.V1NetworkPolicy | undefined;
  try { np = await req(session, opts.signal, (o) => session.net.readNamespacedNetworkPolicy({ name: policyName, namespace: ns }, o)); } catch (e) {
    if (classifyApiError(e) !== 'notFound') return policyFailed(describeApiError(e, op('get', 'networkpolicies', policyName)));
  }
  if (!np) audit.add('policy', 'skipped', `Quarantine NetworkPolicy ${ns}/${policyName} does not exist.`, target);
  else if (!isOurQuarantinePolicy(np)) audit.add('policy', 'skipped', `NetworkPolicy ${ns}/${policyName} is not ours (or was modified): left alone.`, target);
  else if (others.length) audit.add('policy', 'skipped', `Quarantine NetworkPolicy ${ns}/${policyName} kept: still used by ${others.map((p) => p.metadata?.name).join(', ')}.`, target);
  else {
    try {
      await req(session, opts.signal, (o) => session.net.deleteNamespacedNetworkPolicy({ name: policyName, namespace: ns, ...(dry ? { dryRun: dry } : {}), body: { preconditions: { uid: np!.metadata?.uid } } }, o));
      policyDeleted = `${ns}/${policyName}`;
      audit.add('policy', dry ? 'dry-run' : 'ok', `${dry ? 'Would delete' : 'Deleted'} quarantine NetworkPolicy ${ns}/${policyName} (no other pod uses it).`, target);
    } catch (e) {
      const kind = classifyApiError(e);
      if (kind === 'notFound') audit.add('policy', 'skipped', `Quarantine NetworkPolicy ${ns}/${policyName} was already deleted.`, target);
      else {
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
  const message = dry ? `Dry run: releasing ${target} would restore its labels${policyDeleted ? ` and delete ${policyDeleted}` : ''}; nothing was stored.` : `Released ${target}: original labels restored${policyDeleted ? `, ${policyDeleted} deleted` : ''}. Its controller may adopt it again and scale a replica down.`;
  audit.add('done', dry ? 'dry-run' : 'ok', message, target);
  return { status: dry ? 'dry-run' : 'released', message, audit: audit.entries, policyDeleted, pod: restored };
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
