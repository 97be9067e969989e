/**
 * Reads what the cluster scan analyses: namespaces (PSA labels), workloads,
 * NetworkPolicies, RBAC objects and ServiceAccounts, and serializes each
 * object to YAML under a virtual uri. Plain node (no `vscode`): unit-testable
 * against the simulator.
 *
 * Workloads are read at the level a person edits them: Deployments,
 * StatefulSets, DaemonSets, ReplicaSets not owned by a Deployment, Jobs not
 * owned by a CronJob, CronJobs and bare Pods (pods without a controller).
 */
import * as k8s from '@kubernetes/client-node';
import { ClusterSession, describeApiError, isCancelled, req, throwIfAborted } from '../cluster/connection';
import { QUARANTINE_LABEL } from '../cluster/trace';
import { isolationVerdict } from '../cluster/verdict';

/** Path segment used for cluster-scoped objects (namespace names are DNS labels: never start with `_`). */
export const CLUSTER_SCOPE = '_cluster';

export interface LiveObject {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  /** Path of the virtual uri: `/<context>/<namespace|_cluster>/<kind>/<name>.yaml`. */
  path: string;
  yaml: string;
}

export interface PodSummary {
  namespace: string;
  name: string;
  phase: string;
  ip: string;
  node: string;
  labels: Record<string, string>;
  images: string[];
  /** For a quarantined pod: whether the live NetworkPolicies isolate it (engine evaluation, not the label). */
  isolation?: { isolated: boolean; summary: string };
  /** Path of the scanned object whose findings apply to this pod (itself, or its top-level controller). */
  ownerPath?: string;
  ownerKind?: string;
  ownerName?: string;
}

export interface NamespaceSummary {
  name: string;
  labels: Record<string, string>;
}

export interface CollectResult {
  context: string;
  objects: LiveObject[];
  pods: PodSummary[];
  namespaces: NamespaceSummary[];
  /** One clear message per list that failed (the scan goes on without those objects). */
  errors: string[];
}

type Obj = { apiVersion?: string; kind?: string; metadata?: k8s.V1ObjectMeta; status?: unknown };
type ListFn = (o: k8s.ConfigurationOptions, cont: string | undefined) => Promise<{ items: Obj[]; metadata?: k8s.V1ListMeta }>;

interface Source {
  apiVersion: string;
  kind: string;
  resource: string;
  list: ListFn;
}

const PAGE = 500;

function sources(s: ClusterSession): Source[] {
  const rbac = s.kc.makeApiClient(k8s.RbacAuthorizationV1Api);
  const p = (cont: string | undefined) => ({ limit: PAGE, _continue: cont });
  return [
    { apiVersion: 'v1', kind: 'Namespace', resource: 'namespaces', list: (o, c) => s.core.listNamespace(p(c), o) },
    { apiVersion: 'v1', kind: 'Pod', resource: 'pods', list: (o, c) => s.core.listPodForAllNamespaces(p(c), o) },
    { apiVersion: 'v1', kind: 'ServiceAccount', resource: 'serviceaccounts', list: (o, c) => s.core.listServiceAccountForAllNamespaces(p(c), o) },
    { apiVersion: 'apps/v1', kind: 'Deployment', resource: 'deployments', list: (o, c) => s.apps.listDeploymentForAllNamespaces(p(c), o) },
    { apiVersion: 'apps/v1', kind: 'StatefulSet', resource: 'statefulsets', list: (o, c) => s.apps.listStatefulSetForAllNamespaces(p(c), o) },
    { apiVersion: 'apps/v1', kind: 'DaemonSet', resource: 'daemonsets', list: (o, c) => s.apps.listDaemonSetForAllNamespaces(p(c), o) },
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', resource: 'replicasets', list: (o, c) => s.apps.listReplicaSetForAllNamespaces(p(c), o) },
    { apiVersion: 'batch/v1', kind: 'Job', resource: 'jobs', list: (o, c) => s.batch.listJobForAllNamespaces(p(c), o) },
    { apiVersion: 'batch/v1', kind: 'CronJob', resource: 'cronjobs', list: (o, c) => s.batch.listCronJobForAllNamespaces(p(c), o) },
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', resource: 'networkpolicies', list: (o, c) => s.net.listNetworkPolicyForAllNamespaces(p(c), o) },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', resource: 'roles', list: (o, c) => rbac.listRoleForAllNamespaces(p(c), o) },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', resource: 'rolebindings', list: (o, c) => rbac.listRoleBindingForAllNamespaces(p(c), o) },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', resource: 'clusterroles', list: (o, c) => rbac.listClusterRole(p(c), o) },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', resource: 'clusterrolebindings', list: (o, c) => rbac.listClusterRoleBinding(p(c), o) },
  ];
}

/** Lists every page of one source. */
async function listAll(s: ClusterSession, src: Source, signal?: AbortSignal): Promise<Obj[]> {
  const out: Obj[] = [];
  let cont: string | undefined;
  for (let page = 0; page < 1000; page++) {
    throwIfAborted(signal, `list ${src.resource}`);
    const res = await req(s, signal, (o) => src.list(o, cont), { what: `list ${src.resource}` });
    for (const item of res.items ?? []) out.push({ ...item, apiVersion: src.apiVersion, kind: src.kind });
    cont = res.metadata?._continue || undefined;
    if (!cont) break;
  }
  return out;
}

/** Path segment: keeps it readable and free of `/`, `?`, `#`, `%`. */
export function segment(s: string): string {
  return s.replace(/[^A-Za-z0-9._@:=+-]/g, '_') || '_';
}

export function livePath(context: string, namespace: string | undefined, kind: string, name: string): string {
  return `/${segment(context)}/${namespace ? segment(namespace) : CLUSTER_SCOPE}/${segment(kind)}/${segment(name)}.yaml`;
}

const NOISE_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration', 'deployment.kubernetes.io/revision'];

/** A copy without server bookkeeping: managedFields, status, resourceVersion, uid, generation, selfLink. */
export function stripNoise<T extends Obj>(obj: T): T {
  const copy = { ...obj, metadata: { ...(obj.metadata ?? {}) } } as T;
  delete copy.status;
  const m = copy.metadata!;
  delete m.managedFields;
  delete m.resourceVersion;
  delete m.uid;
  delete m.generation;
  delete (m as { selfLink?: string }).selfLink;
  if (m.annotations) {
    const a = { ...m.annotations };
    for (const k of NOISE_ANNOTATIONS) delete a[k];
    if (Object.keys(a).length) m.annotations = a;
    else delete m.annotations;
  }
  return copy;
}

export function toYaml(obj: Obj): string {
  const head = `# live object (read-only): ${obj.kind} ${obj.metadata?.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata?.name}\n`;
  return head + k8s.dumpYaml(stripNoise(obj), { lineWidth: -1, noRefs: true, sortKeys: false });
}

function controllerOf(o: Obj): k8s.V1OwnerReference | undefined {
  return o.metadata?.ownerReferences?.find((r) => r.controller) ?? o.metadata?.ownerReferences?.[0];
}

/**
 * Reads the cluster. A list that fails (RBAC, timeout…) is reported in
 * `errors` and the rest is still scanned; cancellation (signal) throws.
 * `onProgress` gets the resource being listed.
 */
export async function collectCluster(s: ClusterSession, opts: { signal?: AbortSignal; onProgress?: (what: string, done: number, total: number) => void } = {}): Promise<CollectResult> {
  const srcs = sources(s);
  const byKind = new Map<string, Obj[]>();
  const errors: string[] = [];
  let done = 0;
  // a few lists in parallel: fast on real clusters without hammering the API server
  const queue = [...srcs];
  const worker = async () => {
    for (let src = queue.shift(); src; src = queue.shift()) {
      opts.onProgress?.(src.resource, done, srcs.length);
      try {
        byKind.set(src.kind, await listAll(s, src, opts.signal));
      } catch (e) {
        if (isCancelled(e) || opts.signal?.aborted) throw e;
        errors.push(describeApiError(e, { verb: 'list', resource: src.resource, server: s.server }));
        byKind.set(src.kind, []);
      }
      done++;
      opts.onProgress?.(src.resource, done, srcs.length);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  throwIfAborted(opts.signal, 'scan');

  const get = (kind: string) => byKind.get(kind) ?? [];
  const key = (kind: string, ns: string | undefined, name: string | undefined) => `${kind}/${ns ?? ''}/${name ?? ''}`;
  const all = new Map<string, Obj>();
  for (const [kind, items] of byKind) for (const o of items) all.set(key(kind, o.metadata?.namespace, o.metadata?.name), o);

  const scanned = (o: Obj): boolean => {
    const owner = controllerOf(o);
    switch (o.kind) {
      case 'Pod':
        return !owner;
      case 'ReplicaSet':
        return owner?.kind !== 'Deployment';
      case 'Job':
        return owner?.kind !== 'CronJob';
      default:
        return true;
    }
  };

  const objects: LiveObject[] = [];
  const pathOf = new Map<Obj, string>();
  for (const src of srcs) {
    for (const o of get(src.kind)) {
      if (!scanned(o)) continue;
      const name = o.metadata?.name ?? '';
      const p = livePath(s.context, o.metadata?.namespace, src.kind, name);
      pathOf.set(o, p);
      objects.push({ apiVersion: src.apiVersion, kind: src.kind, namespace: o.metadata?.namespace, name, path: p, yaml: toYaml(o) });
    }
  }

  /** The scanned object a pod's findings come from: follow controller references upward. */
  const topOwner = (pod: Obj): Obj | undefined => {
    let cur: Obj | undefined = pod;
    for (let i = 0; cur && i < 5; i++) {
      if (pathOf.has(cur)) return cur;
      const ref = controllerOf(cur);
      if (!ref) return undefined;
      cur = all.get(key(ref.kind, cur.metadata?.namespace, ref.name));
    }
    return undefined;
  };

  const pods: PodSummary[] = get('Pod').map((raw) => {
    const pod = raw as k8s.V1Pod;
    const owner = topOwner(raw);
    return {
      namespace: pod.metadata?.namespace ?? '',
      name: pod.metadata?.name ?? '',
      phase: pod.status?.phase ?? '',
      ip: pod.status?.podIP ?? '',
      node: pod.spec?.nodeName ?? '',
      labels: { ...(pod.metadata?.labels ?? {}) },
      images: [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => c.image ?? ''),
      ownerPath: owner ? pathOf.get(owner) : undefined,
      ownerKind: owner?.kind,
      ownerName: owner?.metadata?.name,
    };
  });
  pods.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));

  const namespaces: NamespaceSummary[] = get('Namespace')
    .map((n) => ({ name: n.metadata?.name ?? '', labels: { ...(n.metadata?.labels ?? {}) } }))
    .sort((a, b) => a.name.localeCompare(b.name));

  return { context: s.context, objects, pods, namespaces, errors };
}

/** Only pods and namespaces (the panel's refresh; cheaper than a scan). */
export async function listPodsAndNamespaces(s: ClusterSession, signal?: AbortSignal): Promise<{ pods: PodSummary[]; namespaces: NamespaceSummary[]; errors: string[] }> {
  const errors: string[] = [];
  const safe = async <T>(what: string, fn: () => Promise<T[]>): Promise<T[]> => {
    try {
      return await fn();
    } catch (e) {
      if (isCancelled(e) || signal?.aborted) throw e;
      errors.push(describeApiError(e, { verb: 'list', resource: what, server: s.server }));
      return [];
    }
  };
  const npSource = sources(s).find((x) => x.kind === 'NetworkPolicy')!;
  const [nsList, podList] = await Promise.all([
    safe('namespaces', () => listAll(s, sources(s)[0], signal)),
    safe('pods', () => listAll(s, sources(s)[1], signal)),
  ]);
  // A quarantined pod is shown isolated only when the live policies isolate it (computed, never assumed from the label).
  const quarantined = (podList as k8s.V1Pod[]).filter((pod) => pod.metadata?.labels?.[QUARANTINE_LABEL] !== undefined);
  let policies: k8s.V1NetworkPolicy[] | undefined;
  if (quarantined.length) {
    const before = errors.length;
    policies = (await safe('networkpolicies', () => listAll(s, npSource, signal))) as k8s.V1NetworkPolicy[];
    if (errors.length > before) policies = undefined;
  }
  const isolationOf = (pod: k8s.V1Pod): PodSummary['isolation'] => {
    if (pod.metadata?.labels?.[QUARANTINE_LABEL] === undefined) return undefined;
    if (!policies) return { isolated: false, summary: 'Quarantined, but the NetworkPolicies could not be read: isolation is not verified.' };
    const v = isolationVerdict(pod, policies.filter((p) => p.metadata?.namespace === pod.metadata?.namespace));
    return { isolated: v.isolated, summary: v.summary };
  };
  const pods = (podList as k8s.V1Pod[]).map((pod) => ({
    isolation: isolationOf(pod),
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    phase: pod.status?.phase ?? '',
    ip: pod.status?.podIP ?? '',
    node: pod.spec?.nodeName ?? '',
    labels: { ...(pod.metadata?.labels ?? {}) },
    images: [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => c.image ?? ''),
  }));
  pods.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  const namespaces = nsList.map((n) => ({ name: n.metadata?.name ?? '', labels: { ...(n.metadata?.labels ?? {}) } })).sort((a, b) => a.name.localeCompare(b.name));
  return { pods, namespaces, errors };
}
