import { isObject, Resource } from '../../model';
import { CompiledSelector, selectorMatches } from '../../../../../shared/netpol/selector';
import { isK8sNetworkPolicy, NetpolWorkspace, netpolWorkspace, NpPolicy } from '../../netpol/workspace';
import type { WorkspaceIndex } from '../../workspace';
import type { SnapshotContext } from '../../memo';
import { defineRule } from '../types';
import { NETPOL_DOCS, NETWORK_POLICY_KIND } from './common';
import { installNamespaces, rbacWorkspace } from '../rbac/common';
import { workloads } from '../hardening/util';
import type { WhoCanEntry } from '../../rbac/types';

type Requirement = CompiledSelector['requirements'][number];

export function describeSelector(reqs: readonly Requirement[]): string {
  return reqs
    .map((r) => (r.operator === 'In' && r.values.length === 1 ? `${r.key}=${r.values[0]}` : r.operator === 'Exists' ? r.key : r.operator === 'DoesNotExist' ? `!${r.key}` : `${r.key} ${r.operator.toLowerCase()} (${r.values.join(', ')})`))
    .join(', ');
}

/**
 * Labels that controllers and operators put on the pods they create, not on pod templates in a repository:
 * a selector using one may well match pods that no manifest shows.
 */
const CONTROLLER_KEYS = new Set([
  'pod-template-hash', 'controller-revision-hash', 'statefulset.kubernetes.io/pod-name', 'apps.kubernetes.io/pod-index',
  'batch.kubernetes.io/job-name', 'batch.kubernetes.io/controller-uid', 'job-name', 'controller-uid',
  // prometheus-operator (Prometheus, Alertmanager, ThanosRuler, PrometheusAgent pods)
  'operator.prometheus.io/name', 'operator.prometheus.io/shard', 'prometheus', 'alertmanager', 'thanos-ruler',
  // Rook (Ceph daemons)
  'rook_cluster', 'ceph_daemon_type', 'ceph_daemon_id', 'rook.io/operator-namespace',
]);
/** `app.kubernetes.io/name` values of operator-created pods (prometheus-operator, Rook). */
const OPERATOR_NAMES = new Set(['prometheus', 'alertmanager', 'thanos-ruler', 'prometheus-agent']);
const OPERATOR_APP = /^(rook-ceph-|csi-(rbd|cephfs|nfs)plugin)/;

/** Why a requirement names operator- or controller-set labels (undefined: it does not). */
function operatorLabel(r: Requirement): string | undefined {
  if (CONTROLLER_KEYS.has(r.key)) return `${r.key} is set by a controller or operator on the pods it creates`;
  const values = r.operator === 'In' ? r.values : [];
  if (r.key === 'app.kubernetes.io/name' && values.some((v) => OPERATOR_NAMES.has(v))) return `${r.key}=${values.find((v) => OPERATOR_NAMES.has(v))} names pods prometheus-operator creates`;
  if (r.key === 'app' && values.some((v) => OPERATOR_APP.test(v))) return `app=${values.find((v) => OPERATOR_APP.test(v))} names pods the Rook operator creates`;
  if (r.key === 'app.kubernetes.io/managed-by' && values.some((v) => v !== 'Helm' && v !== 'Kustomize' && v !== 'kustomize')) return `${r.key}=${values[0]} names pods an operator manages`;
  return undefined;
}

/** API groups served by Kubernetes itself: everything else is a custom resource (which an operator may turn into pods). */
const BUILTIN_GROUPS = new Set([
  '', 'apps', 'batch', 'autoscaling', 'policy', 'extensions', 'networking.k8s.io', 'rbac.authorization.k8s.io', 'storage.k8s.io',
  'admissionregistration.k8s.io', 'apiextensions.k8s.io', 'apiregistration.k8s.io', 'scheduling.k8s.io', 'coordination.k8s.io',
  'node.k8s.io', 'discovery.k8s.io', 'certificates.k8s.io', 'flowcontrol.apiserver.k8s.io', 'events.k8s.io', 'authentication.k8s.io',
  'authorization.k8s.io', 'resource.k8s.io', 'storagemigration.k8s.io', 'internal.apiserver.k8s.io', 'kustomize.config.k8s.io',
]);

interface CustomResource {
  res: Resource;
  /** Label sets an operator may give the pods it creates: the object's own labels and `spec.podMetadata.labels`. */
  labels: Record<string, string>[];
}

const labelMap = (v: unknown): Record<string, string> | undefined => {
  if (!isObject(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
};

/** Custom resources per namespace, per netpol model (built once per snapshot: the model belongs to one). */
const customByModel = new WeakMap<NetpolWorkspace, Map<string, CustomResource[]>>();

function customResources(nw: NetpolWorkspace, ws: WorkspaceIndex, namespace: string): readonly CustomResource[] {
  let byNs = customByModel.get(nw);
  if (!byNs) {
    byNs = new Map();
    customByModel.set(nw, byNs);
    for (const f of ws.allFiles()) {
      if (f.skipped) continue;
      for (const r of f.resources) {
        const av = r.apiVersion;
        if (typeof av !== 'string' || !av.includes('/')) continue;
        if (BUILTIN_GROUPS.has(av.slice(0, av.lastIndexOf('/')))) continue;
        const spec = r.object.spec;
        const labels = [labelMap(r.object.metadata?.labels), isObject(spec) ? labelMap(spec.podMetadata?.labels) : undefined].filter((l): l is Record<string, string> => !!l);
        const ns = r.namespace ?? 'default';
        let list = byNs.get(ns);
        if (!list) byNs.set(ns, (list = []));
        list.push({ res: r, labels });
      }
    }
  }
  return byNs.get(namespace) ?? [];
}

/** Why the policy may select pods the workspace does not show (undefined: nothing explains the miss). */
/** What creating pods takes: the pods themselves, or a controller object that makes them. */
const POD_CREATING = ['pods', 'deployments.apps', 'statefulsets.apps', 'daemonsets.apps', 'replicasets.apps', 'jobs.batch'];

interface Creators {
  /** Per namespace: the ServiceAccounts its workloads run as ("ns/name" → "Kind name" of the first workload). */
  accounts: Map<string, Map<string, string>>;
  /** Per namespace: the answer (null: none). */
  answers: Map<string, string | null>;
  /**
   * Per POD_CREATING resource: who may create it in any namespace (`whoCan` over every binding, once),
   * filtered per namespace below: one query per resource, not per resource × namespace.
   */
  anywhere: Map<string, WhoCanEntry[]>;
}

const creatorsByModel = new WeakMap<NetpolWorkspace, Creators>();

/**
 * A workload of `namespace` whose ServiceAccount may create pods (or pod-creating objects) in `namespace`,
 * by the RBAC of the workspace: an operator, which may create the pods a selector means (Longhorn's
 * instance managers, Rook's daemons, prometheus-operator's StatefulSets). Built once per model.
 */
function podCreator(nw: NetpolWorkspace, ctx: SnapshotContext, namespace: string): string | undefined {
  const ws = ctx.workspace;
  let c = creatorsByModel.get(nw);
  if (!c) {
    c = { accounts: new Map(), answers: new Map(), anywhere: new Map() };
    const installs = installNamespaces(ws);
    for (const f of ws.allFiles())
      for (const res of f.resources)
        for (const w of workloads(res)) {
          const spec = w.tpl.spec;
          const sa = typeof spec.serviceAccountName === 'string' ? spec.serviceAccountName : typeof spec.serviceAccount === 'string' ? spec.serviceAccount : 'default';
          const ns = installs.get(f) ?? res.namespace ?? 'default';
          let m = c.accounts.get(ns);
          if (!m) c.accounts.set(ns, (m = new Map()));
          const key = `${ns}/${sa}`;
          if (!m.has(key)) m.set(key, `${res.kind} ${res.name}`);
        }
    creatorsByModel.set(nw, c);
  }
  const hit = c.answers.get(namespace);
  if (hit !== undefined) return hit ?? undefined;
  let found: string | undefined;
  // Only an operator of this namespace counts, not any cluster-wide controller elsewhere.
  const mine = c.accounts.get(namespace);
  if (mine?.size) {
    const model = rbacWorkspace(ctx).model;
    search: for (const r of POD_CREATING) {
      let all = c.anywhere.get(r);
      if (!all) c.anywhere.set(r, (all = model.whoCan('create', r, { namespace: '*' })));
      // As whoCan(…, { namespace }) answers, in the same (subject) order: the subjects of a ClusterRoleBinding
      // or of a RoleBinding of this namespace.
      for (const e of all) {
        if (e.ref.kind !== 'ServiceAccount' || !e.ref.namespace) continue;
        const key = `${e.ref.namespace}/${e.ref.name}`;
        const who = mine.get(key);
        if (who && e.grants.some((g) => g.clusterWide || g.namespace === namespace)) {
          found = `${who} runs as ServiceAccount ${key}, which may create ${r.split('.')[0]} in namespace ${namespace}, so it may create the pods this selector matches`;
          break search;
        }
      }
    }
  }
  c.answers.set(namespace, found ?? null);
  return found;
}

export function operatorExplanation(nw: NetpolWorkspace, ctx: SnapshotContext, p: NpPolicy): string | undefined {
  return selectorOperatorExplanation(nw, ctx, p.parsed.podSelector, p.namespace);
}

/** Why pods that `sel` matches may exist in `namespace` without a manifest (operators, custom resources, RBAC); shared with the Service and peer rules. */
export function selectorOperatorExplanation(nw: NetpolWorkspace, ctx: SnapshotContext, sel: CompiledSelector, namespace: string): string | undefined {
  for (const r of sel.requirements) {
    const why = operatorLabel(r);
    if (why) return why;
  }
  const cr = customResources(nw, ctx.workspace, namespace).find((c) => c.labels.some((l) => selectorMatches(sel, l)));
  if (cr) return `the labels of ${cr.res.kind} ${cr.res.name} match, so its operator may create such pods`;
  return podCreator(nw, ctx, namespace);
}

/**
 * `none of the 3 workloads in namespace shop: web (app=web), api (app=api) and 1 more` — the workloads a
 * selector was meant to match, with their template's values for its keys (at most five named).
 */
export function unmatchedWorkloads(sel: CompiledSelector, candidates: readonly { pod: { labels: Record<string, string> }; res: { name: string } }[], where: string): string {
  const keys = [...new Set(sel.requirements.map((r) => r.key))];
  const shown = candidates.slice(0, 5).map((w) => showWorkload(w.pod.labels, w.res.name || '(unnamed)', keys));
  const more = candidates.length > shown.length ? ` and ${candidates.length - shown.length} more` : '';
  return `${candidates.length === 1 ? 'not even the one workload' : `none of the ${candidates.length} workloads`} in ${where}: ${shown.join(', ')}${more}`;
}

/** `web (app=web)` for a workload, showing its template's values for the selector's keys. */
export function showWorkload(labels: Record<string, string>, name: string, keys: readonly string[]): string {
  const shown = keys.filter((k) => k in labels).map((k) => `${k}=${labels[k]}`);
  return `${name} (${shown.length ? shown.join(', ') : `no ${keys.join('/')} label`})`;
}

export default defineRule({
  id: 'netpol-selects-nothing',
  family: 'netpol',
  title: 'NetworkPolicy selects no workload',
  defaultSeverity: 'info',
  fix: 'none',
  docs: {
    summary:
      'A NetworkPolicy whose (non-empty) `podSelector` matches the pod template of no workload of its namespace in the workspace (across files). It stays quiet when the pods may exist without a manifest: when the workspace has no workload in that namespace (policies-only repositories, or a namespace whose workloads live elsewhere); when the selector uses labels that controllers and operators set on the pods they create (`pod-template-hash`, `controller-revision-hash`, `statefulset.kubernetes.io/pod-name`, `job-name`, prometheus-operator\'s `operator.prometheus.io/name`, `prometheus`, `alertmanager` and `app.kubernetes.io/name: prometheus|alertmanager|thanos-ruler|prometheus-agent`, Rook\'s `app: rook-ceph-*`, `rook_cluster`, `ceph_daemon_type`, and `app.kubernetes.io/managed-by` other than Helm/Kustomize); when a custom resource of the namespace (a `Prometheus`, an `Alertmanager`, a `CephCluster`…) has labels, or `spec.podMetadata.labels`, that the selector matches; or when a workload of that namespace runs as a ServiceAccount that the workspace\'s RBAC allows to create pods (or Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs) in that namespace — an operator, which may create the pods the selector means (Longhorn, Rook, prometheus-operator). When it reports, the message lists the workloads of the namespace with their values for the selector\'s keys.',
    why:
      'A policy that selects nothing protects nothing: usually a label typo (`app: backnd`), a label on the Deployment instead of its pod template, or the wrong namespace. The pods the author meant stay unrestricted.',
    insecure: 'spec:\n  podSelector:\n    matchLabels:\n      app: backnd   # the Deployment labels its pods app: backend',
    hardened: 'spec:\n  podSelector:\n    matchLabels:\n      app: backend',
    references: [NETPOL_DOCS],
  },
  kinds: NETWORK_POLICY_KIND,
  checkResource(res, ctx) {
    if (!isK8sNetworkPolicy(res)) return;
    const nw = netpolWorkspace(ctx);
    const p = nw.policy(res);
    if (!p) return;
    const sel = p.parsed.podSelector;
    if (!sel.valid || sel.requirements.length === 0) return;
    const candidates = nw.workloadsIn(p.namespace);
    if (!candidates.length || nw.selectedBy(p).length) return;
    if (operatorExplanation(nw, ctx, p)) return;
    ctx.report({
      resource: res,
      path: ['spec', 'podSelector'],
      message:
        `NetworkPolicy ${res.name || '(unnamed)'}: podSelector (${describeSelector(sel.requirements)}) matches the pod template of ${unmatchedWorkloads(sel, candidates, `namespace ${p.namespace}`)}. ` +
        'Reported because the namespace has workloads here, no custom resource in it has matching labels, the selector uses no label that operators or controllers set, and no workload here may create pods in the namespace (RBAC): a typo, a label on the workload instead of its pod template, or the wrong namespace? If an operator creates these pods, ignore this finding with a reason.',
    });
  },
});
