/**
 * "This selector matches no workload" across files, without false alarms: shared by `dangling-service` and
 * `netpol-peer-selects-nothing`, on the precision logic of `netpol-selects-nothing` (its operator, custom
 * resource and RBAC explanations are reused, not copied), plus the pods every cluster runs in kube-system.
 */
import { isObject } from '../../model';
import { CompiledSelector, selectorMatches } from '../../../../../shared/netpol/selector';
import type { NetpolWorkspace, NpWorkload } from '../../netpol/workspace';
import type { SnapshotContext } from '../../memo';
import { selectorOperatorExplanation } from './netpol-selects-nothing';

/** Labels of pods that Kubernetes distributions run in kube-system without any manifest in a repository. */
const BUILTIN_PODS: Record<string, readonly Record<string, string>[]> = {
  'kube-system': [
    { 'k8s-app': 'kube-dns' }, // CoreDNS and kube-dns alike (kubeadm, GKE, EKS, AKS)
    { 'k8s-app': 'kube-proxy' },
    { component: 'kube-apiserver', tier: 'control-plane' },
    { component: 'etcd', tier: 'control-plane' },
    { component: 'kube-controller-manager', tier: 'control-plane' },
    { component: 'kube-scheduler', tier: 'control-plane' },
  ],
};

/** A plain `key: value` selector (a Service's `spec.selector`) as a compiled selector; undefined when it is not a map of strings. */
export function mapSelector(raw: unknown): CompiledSelector | undefined {
  if (!isObject(raw)) return undefined;
  const requirements: CompiledSelector['requirements'] = [];
  for (const [key, v] of Object.entries(raw)) {
    if (typeof v !== 'string') return undefined;
    requirements.push({ key, operator: 'In', values: [v] });
  }
  return { valid: true, requirements };
}

export interface Unmatched {
  /** The workloads of the namespaces, none of which the selector matches. */
  candidates: readonly NpWorkload[];
  /** A workload the selector nearly matches (see `nearMiss`), when there is one. */
  near?: string;
}

/** Edit distance counting a swap of two neighbours as one edit (optimal string alignment); anything over `max` is `max + 1`. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    let best = Infinity;
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      best = Math.min(best, d[i][j]);
    }
    if (best > max) return max + 1;
  }
  return Math.min(d[a.length][b.length], max + 1);
}

/** `In` values close enough to be a typo of each other: at most 2 edits (1 for values up to 4 characters; a swap of neighbours is one), or equal but for case. */
const typo = (a: string, b: string) => a.toLowerCase() === b.toLowerCase() || distance(a, b, a.length <= 4 ? 1 : 2) <= (a.length <= 4 ? 1 : 2);

/**
 * Why the selector looks like a mistake for one of `candidates` (undefined: nothing points at one): the workload
 * carries matching labels on itself instead of on its pod template, or its template has every key the
 * selector requires with values that differ only by a typo. (A workload of another namespace with matching labels
 * is no evidence: overlays and unrelated examples repeat labels such as `app: web` across namespaces.)
 */
export function nearMiss(sel: CompiledSelector, candidates: readonly NpWorkload[]): string | undefined {
  for (const w of candidates) if (selectorMatches(sel, w.res.labels)) return `${w.res.kind} ${w.res.name || '(unnamed)'} has these labels on itself, not on its pod template`;
  for (const w of candidates) {
    const labels = w.pod.labels;
    const close = sel.requirements.every((r) => {
      if (r.operator === 'Exists') return r.key in labels;
      if (r.operator !== 'In') return selectorMatches({ valid: true, requirements: [r] }, labels);
      const v = labels[r.key];
      return v !== undefined && r.values.some((x) => x === v || typo(x, v));
    });
    if (close) return `did you mean the labels of ${w.res.kind} ${w.res.name || '(unnamed)'} (${sel.requirements.map((r) => `${r.key}=${labels[r.key] ?? ''}`).join(', ')})?`;
  }
  return undefined;
}

/**
 * When `sel` matches the pod template of no workload of `namespaces` and nothing explains it: the workloads
 * it was compared with. Undefined (no finding) when a workload matches, when one of the namespaces has no
 * workload in the workspace (a manifest of just a Service or a policy is no evidence), when no workload there
 * uses every label key the selector names (nor carries matching labels on itself), when the selector
 * matches a kube-system pod every cluster runs, or when operators may create the pods (see
 * `netpol-selects-nothing`). `namespaceLess`: the selecting object declares no namespace (applied with
 * `-n`), so a workload of any namespace may be its peer; a workload that declares none may be anyone's.
 */
export function unmatchedSelector(nw: NetpolWorkspace, ctx: SnapshotContext, sel: CompiledSelector, namespaces: readonly string[], namespaceLess = false): Unmatched | undefined {
  if (!sel.valid || sel.requirements.length === 0 || namespaces.length === 0) return undefined;
  const candidates: NpWorkload[] = [];
  for (const ns of namespaces) {
    const list = nw.workloadsIn(ns);
    if (!list.length) return undefined;
    candidates.push(...list);
  }
  if (candidates.some((w) => selectorMatches(sel, w.pod.labels))) return undefined;
  // Evidence that the selector means these workloads: one of them uses every key the selector names (the values
  // differ: a typo), or carries matching labels on the workload instead of its pod template. Otherwise the
  // namespace's workloads follow another labelling scheme — the selected pods are likely installed elsewhere.
  const keys = sel.requirements.filter((r) => r.operator !== 'DoesNotExist').map((r) => r.key);
  if (!candidates.some((w) => keys.every((k) => k in w.pod.labels) || selectorMatches(sel, w.res.labels))) return undefined;
  if ((namespaceLess ? nw.workloads : nw.namespaceLessWorkloads()).some((w) => selectorMatches(sel, w.pod.labels))) return undefined;
  for (const ns of namespaces) {
    if ((BUILTIN_PODS[ns] ?? []).some((labels) => selectorMatches(sel, labels))) return undefined;
    if (selectorOperatorExplanation(nw, ctx, sel, ns)) return undefined;
  }
  return { candidates };
}
