/**
 * Where the pod specs of a resource are: the built-in workload kinds at their
 * fixed paths, and in any other kind every pod spec embedded in the object
 * (JobSet, RayCluster, MPIJob, Argo Workflow, Tekton Task, KServe…), found by
 * a bounded walk.
 */
import { isObject, Resource } from './model';
import { YPath } from './yaml/parse';

export interface PodTemplate {
  /**
   * Path of the pod-like object ({metadata, spec}) inside the resource; for a
   * pod spec with no template around it (KServe's `spec.predictor`), the pod
   * spec's own path (its metadata, if any, is its own `metadata` key).
   */
  path: YPath;
  metadata: Record<string, any>;
  /** The pod spec (for Tekton steps or an Argo template's container, a view with them as `containers`). */
  spec: Record<string, any>;
  /** The pod spec's path relative to the resource. */
  specPath: YPath;
  /** For a pod spec found in a kind that is not a built-in workload: its path as text (`spec.replicatedJobs[0].template.spec.template.spec`). */
  where?: string;
  /** Resource paths of the view's `containers[i]` when they are not the pod spec's own `containers` (Tekton steps, Argo container). */
  containerPaths?: YPath[];
  /** The object cannot set pod-level fields (a Tekton Task: its TaskRun does): the ServiceAccount rules do not apply. */
  noPodFields?: true;
  /** Pod-level fields the view takes from an enclosing object (an Argo Workflow's `spec.securityContext`), by key: where they are. */
  inherited?: Record<string, YPath>;
  /** rules/pss/evaluate.ts's evaluation of this template (opaque here). */
  pssEvaluation?: unknown;
}

/**
 * Pod-level fields that an Argo template without its own takes from the
 * Workflow's spec (Argo replaces, it does not merge): for a container-holding
 * view, the nearest enclosing mapping's value.
 */
const INHERITED = ['securityContext', 'serviceAccountName', 'automountServiceAccountToken', 'hostNetwork'] as const;

interface Found {
  path: YPath;
  inherited?: Record<string, YPath>;
}

const TEMPLATE_PATHS: ReadonlyMap<string, YPath> = new Map<string, YPath>(Object.entries({
  Pod: [],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
  PodTemplate: ['template'],
}) as [string, YPath][]);

export const WORKLOAD_KINDS = [...TEMPLATE_PATHS.keys()].filter((k) => k !== 'PodTemplate');

/** Built-in kinds that never hold a pod spec: not walked. */
const NO_POD_KINDS: ReadonlySet<string> = new Set([
  'Namespace', 'ConfigMap', 'Secret', 'Service', 'ServiceAccount', 'Endpoints', 'EndpointSlice', 'NetworkPolicy', 'Ingress', 'IngressClass',
  'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'PersistentVolume', 'PersistentVolumeClaim', 'StorageClass',
  'LimitRange', 'ResourceQuota', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'PriorityClass', 'CustomResourceDefinition',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
  'APIService', 'CertificateSigningRequest', 'Lease', 'Event', 'Node', 'RuntimeClass', 'CSIDriver', 'VolumeAttachment',
]);

/** How deep the walk looks for pod specs, and how many mappings and lists it visits at most per resource. */
const MAX_DEPTH = 16;
const MAX_NODES = 20_000;

function get(obj: unknown, path: YPath): unknown {
  let cur: unknown = obj;
  for (const seg of path) {
    if (!isObject(cur) && !Array.isArray(cur)) return undefined;
    cur = (cur as any)[seg];
  }
  return cur;
}

function hasImages(list: unknown): list is unknown[] {
  if (!Array.isArray(list)) return false;
  for (const c of list) if (isObject(c) && c.image !== undefined) return true;
  return false;
}

/** A mapping with a container of its own other than under `containers`: Tekton's `steps`, Argo's `container`/`script`. */
function containerHolder(m: Record<string, any>): boolean {
  return hasImages(m.steps) || (isObject(m.container) && m.container.image !== undefined) || (isObject(m.script) && m.script.image !== undefined);
}

/** `spec.replicatedJobs[0].template.spec`. */
export function pathText(path: YPath): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${seg}` : seg;
  return out;
}

/**
 * Every pod spec in an object of another kind: a mapping with a `containers`
 * list whose items have an `image` (a PodSpec), or with Tekton `steps` or an
 * Argo `container`/`script`; the walk skips the top-level `metadata` and
 * `status` and does not descend into a pod spec it found.
 */
function discover(obj: Record<string, any>): Found[] {
  const out: Found[] = [];
  const stack: (string | number)[] = [];
  /** The mappings around the current node, with the length of their path. */
  const around: { m: Record<string, any>; at: number }[] = [];
  let budget = MAX_NODES;
  const visit = (node: object, depth: number): void => {
    if (--budget < 0) return;
    if (Array.isArray(node)) {
      if (depth >= MAX_DEPTH) return;
      for (let i = 0; i < node.length; i++) {
        const v = node[i];
        if (v === null || typeof v !== 'object') continue;
        stack.push(i);
        visit(v, depth + 1);
        stack.pop();
      }
      return;
    }
    const m = node as Record<string, any>;
    if (hasImages(m.containers)) {
      out.push({ path: stack.slice() });
      return;
    }
    if (containerHolder(m)) {
      let inherited: Record<string, YPath> | undefined;
      for (const key of INHERITED) {
        if (m[key] !== undefined) continue;
        for (let i = around.length - 1; i >= 0; i--)
          if (around[i].m[key] !== undefined) {
            (inherited ??= {})[key] = [...stack.slice(0, around[i].at), key];
            break;
          }
      }
      out.push(inherited ? { path: stack.slice(), inherited } : { path: stack.slice() });
      return;
    }
    if (depth >= MAX_DEPTH) return;
    around.push({ m, at: stack.length });
    for (const k in m) {
      if (depth === 0 && (k === 'metadata' || k === 'status')) continue;
      const v = m[k];
      if (v === null || typeof v !== 'object') continue;
      stack.push(k);
      visit(v, depth + 1);
      stack.pop();
    }
    around.pop();
  };
  visit(obj, 0);
  return out;
}

/**
 * The pod spec as the checks read it: Tekton steps (with the stepTemplate's
 * defaults, which sidecars do not take; v1's `computeResources` read as `resources`) and sidecars, or an
 * Argo template's container (named `main`, as Argo names it) and its sidecars,
 * as `containers`.
 */
function view(obj: Record<string, any>, spec: Record<string, any>, specPath: YPath, inherited: Record<string, YPath> | undefined): { spec: Record<string, any>; containerPaths?: YPath[]; noPodFields?: true } {
  if (hasImages(spec.containers)) return { spec };
  const own: Record<string, any> = { ...spec };
  if (inherited) for (const key in inherited) own[key] = get(obj, inherited[key]);
  const containers: unknown[] = [];
  const containerPaths: YPath[] = [];
  const add = (key: string, fill: (c: Record<string, any>) => Record<string, any>) => {
    const v = spec[key];
    if (isObject(v)) {
      containers.push(fill(v));
      containerPaths.push([...specPath, key]);
    } else if (Array.isArray(v))
      v.forEach((c, i) => {
        containers.push(isObject(c) ? fill(c) : c);
        containerPaths.push([...specPath, key, i]);
      });
  };
  const steps = hasImages(spec.steps);
  if (steps) {
    const base = isObject(spec.stepTemplate) ? spec.stepTemplate : undefined;
    const resources = (c: Record<string, any>) => (c.resources === undefined && c.computeResources !== undefined ? { ...c, resources: c.computeResources } : c);
    add('steps', (c) => resources(base ? merged(base, c) : c));
    add('sidecars', resources);
  } else {
    add(isObject(spec.container) ? 'container' : 'script', (c) => (c.name === undefined ? { name: 'main', ...c } : c));
    add('sidecars', (c) => c);
  }
  own.containers = containers;
  // A Tekton Task's pod-level fields (service account, pod securityContext) are its TaskRun's.
  return steps ? { spec: own, containerPaths, noPodFields: true } : { spec: own, containerPaths };
}

/** `over` on top of `base`, mappings merged key by key (as a Tekton stepTemplate's fields default a step's). */
function merged(base: Record<string, any>, over: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = { ...base };
  for (const k in over) out[k] = isObject(out[k]) && isObject(over[k]) ? merged(out[k], over[k]) : over[k];
  return out;
}

function templateAt(obj: Record<string, any>, specPath: YPath, where: string, inherited?: Record<string, YPath>): PodTemplate | undefined {
  const spec = get(obj, specPath);
  if (!isObject(spec)) return undefined;
  // `…template.spec`: the template holds the pod's metadata; otherwise the pod spec stands alone.
  const n = specPath.length;
  const templated = n >= 2 && specPath[n - 1] === 'spec' && specPath[n - 2] === 'template';
  const path = templated ? specPath.slice(0, -1) : specPath;
  const holder = templated ? get(obj, path) : spec;
  const v = view(obj, spec, specPath, inherited);
  return {
    path,
    metadata: isObject(holder) && isObject(holder.metadata) ? holder.metadata : {},
    spec: v.spec,
    specPath,
    where,
    ...(v.containerPaths ? { containerPaths: v.containerPaths } : {}),
    ...(v.containerPaths && inherited ? { inherited } : {}),
    ...(v.noPodFields ? { noPodFields: v.noPodFields } : {}),
  };
}

function computeTemplates(res: Resource): PodTemplate[] {
  // A Map, not an object: `kind: constructor` must not find Object.prototype members.
  const path = TEMPLATE_PATHS.get(res.kind);
  if (path) {
    const pod = get(res.object, path);
    if (!isObject(pod)) return [];
    return [{ path, metadata: isObject(pod.metadata) ? pod.metadata : {}, spec: isObject(pod.spec) ? pod.spec : {}, specPath: [...path, 'spec'] }];
  }
  if (NO_POD_KINDS.has(res.kind)) return [];
  const out: PodTemplate[] = [];
  for (const f of discover(res.object)) {
    const t = templateAt(res.object, f.path, pathText(f.path), f.inherited);
    if (t) out.push(t);
  }
  // As before: `spec.template.spec.containers` a list, even with no image yet (e.g. an Argo Rollout being written).
  if (!out.length && Array.isArray(get(res.object, ['spec', 'template', 'spec', 'containers']))) {
    const t = templateAt(res.object, ['spec', 'template', 'spec'], 'spec.template.spec');
    if (t) out.push(t);
  }
  return out;
}

/** By the resource's parsed object, which an unchanged document keeps across re-parses of its file. */
const templates = new WeakMap<object, { kind: string; list: readonly PodTemplate[] }>();
const NONE: readonly PodTemplate[] = Object.freeze([]);

/**
 * Every pod template of a resource: the one of a built-in workload kind
 * (Pod, Deployment… CronJob, PodTemplate), or each pod spec embedded in an
 * object of another kind (`where` names its path).
 */
export function podTemplates(res: Resource): readonly PodTemplate[] {
  // Asked for every resource by the rule loop and many rules: once per Resource (its `workloadMemo` slot), then
  // once per parsed object across parses; a kind that never holds a pod spec needs neither.
  const memo = res.workloadMemo as PodMemo | undefined;
  if (memo !== undefined) return memo.templates;
  let list = NONE;
  if (!NO_POD_KINDS.has(res.kind)) {
    const hit = templates.get(res.object);
    if (hit && hit.kind === res.kind) list = hit.list;
    else {
      const found = computeTemplates(res);
      if (found.length) list = found;
      templates.set(res.object, { kind: res.kind, list });
    }
  }
  res.workloadMemo = { templates: list, workloads: undefined, incomplete: undefined } satisfies PodMemo;
  return list;
}

/**
 * What `Resource.workloadMemo` holds: the resource's pod templates, what rules/hardening/util.ts's
 * `workloads` makes of them and completeness.ts's verdict (each filled on first use).
 */
export interface PodMemo {
  templates: readonly PodTemplate[];
  workloads: unknown;
  /** completeness.ts `incompleteReason`'s verdict (null: complete). */
  incomplete: string | null | undefined;
}

/** ` in pod spec spec.predictor of InferenceService llm` for a pod spec embedded in another kind, undefined for a built-in workload. */
export function podSpecWhere(res: Resource, tpl: PodTemplate): string | undefined {
  if (tpl.where === undefined) return undefined;
  return ` in pod spec ${tpl.where} of ${res.kind} ${res.name || `(unnamed, line ${res.range([]).start.line + 1})`}`;
}

/** The resource path of a path relative to the pod-like object (`['spec', 'containers', 0, …]`, `['metadata', 'annotations', k]`). */
export function podPath(tpl: PodTemplate, rel: readonly (string | number)[]): YPath {
  if (rel[0] !== 'spec') return [...tpl.path, ...rel];
  if (tpl.containerPaths && rel[1] === 'containers' && typeof rel[2] === 'number') {
    const c = tpl.containerPaths[rel[2]];
    if (c) return [...c, ...rel.slice(3)];
  }
  const from = tpl.inherited && typeof rel[1] === 'string' && Object.prototype.hasOwnProperty.call(tpl.inherited, rel[1]) ? tpl.inherited[rel[1]] : undefined;
  if (from) return [...from, ...rel.slice(2)];
  return [...tpl.specPath, ...rel.slice(1)];
}

export type ContainerField = 'containers' | 'initContainers' | 'ephemeralContainers';
export const CONTAINER_FIELDS: readonly ContainerField[] = ['containers', 'initContainers', 'ephemeralContainers'];

export interface ContainerRef {
  field: ContainerField;
  index: number;
  container: Record<string, any>;
  name: string;
  /** Path relative to the pod-like object. */
  path: YPath;
}

export function containersOf(spec: Record<string, any>): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const field of CONTAINER_FIELDS) {
    const list = spec[field];
    if (!Array.isArray(list)) continue;
    list.forEach((c, index) => {
      if (!isObject(c)) return;
      out.push({ field, index, container: c, name: typeof c.name === 'string' ? c.name : `#${index}`, path: ['spec', field, index] });
    });
  }
  return out;
}
