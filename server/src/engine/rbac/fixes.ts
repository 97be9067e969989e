/**
 * Fix helpers. They never mutate their input and return plain data; the caller turns it into text edits.
 */
import { POD_SPEC_PATHS } from './model';
import { arr, cloneData, get, getIn, isObj, name, str, type Path, type PlainObject } from './util';

export const READ_ONLY_VERBS: readonly string[] = ['get', 'list', 'watch'];

/** Set `value` at `path` (relative to the object given to the helper), or delete the key when `remove`. */
export interface ValueEdit {
  path: Path;
  value?: unknown;
  remove?: boolean;
}

/**
 * Replace a rule's wildcard verbs by the explicit read-only list get, list, watch.
 * `path` locates the rule or any field inside it: ['rules',0], ['rules',0,'verbs'], ['items',2,'rules',0,'verbs'] …
 * (a finding's path works). Returns the edit and a patched deep copy, or undefined when the verbs hold no "*".
 */
export function readOnlyVerbsFix(object: unknown, path: Path): { edit: ValueEdit; object: PlainObject } | undefined {
  if (!isObj(object) || !Array.isArray(path)) return undefined;
  const i = path.lastIndexOf('rules');
  if (i < 0 || typeof path[i + 1] !== 'number') return undefined;
  const rulePath = path.slice(0, i + 2);
  const verbs = getIn(object, [...rulePath, 'verbs']);
  const list = typeof verbs === 'string' ? [verbs] : arr(verbs);
  if (!list.includes('*')) return undefined;
  const edit: ValueEdit = { path: [...rulePath, 'verbs'], value: [...READ_ONLY_VERBS] };
  return { edit, object: applyEdits(object, [edit]) };
}

/** Apply edits to a deep copy (missing intermediate objects are created; array indices must exist). */
export function applyEdits(object: unknown, edits: ValueEdit[]): PlainObject {
  const root = (isObj(object) ? cloneData(object) : {}) as PlainObject;
  const bad = (seg: unknown) => seg === '__proto__' || seg === 'constructor' || seg === 'prototype';
  for (const e of Array.isArray(edits) ? edits : []) {
    if (!isObj(e) || !Array.isArray(e.path) || !e.path.length || e.path.some(bad)) continue;
    let cur: unknown = root;
    let ok = true;
    for (let k = 0; k < e.path.length - 1; k++) {
      const seg = e.path[k];
      let next: unknown;
      if (Array.isArray(cur) && typeof seg === 'number') next = cur[seg];
      else if (isObj(cur) && typeof seg === 'string') next = cur[seg];
      if (!isObj(next) && !Array.isArray(next)) {
        if (isObj(cur) && typeof seg === 'string') next = cur[seg] = {};
        else {
          ok = false;
          break;
        }
      }
      cur = next;
    }
    if (!ok) continue;
    const last = e.path[e.path.length - 1];
    if (isObj(cur) && typeof last === 'string') {
      if (e.remove) delete cur[last];
      else cur[last] = cloneData(e.value);
    } else if (Array.isArray(cur) && typeof last === 'number' && !e.remove && last >= 0 && last <= cur.length) {
      cur[last] = cloneData(e.value);
    }
  }
  return root;
}

/**
 * A RoleBinding in `namespace` replacing a ClusterRoleBinding: same name, labels, annotations, ClusterRole roleRef and
 * subjects (ServiceAccount subjects keep or get a namespace). Undefined when the input is not usable.
 */
export function clusterRoleBindingToRoleBinding(crb: unknown, namespace: string): PlainObject | undefined {
  if (!isObj(crb) || typeof namespace !== 'string' || !namespace) return undefined;
  const meta = get(crb, 'metadata');
  const roleName = name(get(get(crb, 'roleRef'), 'name'));
  if (!roleName) return undefined;
  const metadata: PlainObject = { name: name(get(meta, 'name')) ?? roleName, namespace };
  for (const k of ['labels', 'annotations']) {
    const v = get(meta, k);
    if (isObj(v)) {
      const copy: PlainObject = {};
      for (const lk of Object.keys(v)) if (lk !== 'kubectl.kubernetes.io/last-applied-configuration') copy[lk] = cloneData(v[lk]);
      if (Object.keys(copy).length) metadata[k] = copy;
    }
  }
  const subjects = arr(get(crb, 'subjects'))
    .filter(isObj)
    .map((s) => {
      const c = cloneData(s);
      if (str(get(s, 'kind')) === 'ServiceAccount' && !name(get(s, 'namespace'))) c.namespace = namespace;
      return c;
    });
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata,
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
    subjects,
  };
}

export interface LeastPrivilegeSkeleton {
  serviceAccount: PlainObject;
  role: PlainObject;
  roleBinding: PlainObject;
  /** Edits to the workload object: set serviceAccountName (+ automountServiceAccountToken: true), drop deprecated serviceAccount. */
  workloadEdits: ValueEdit[];
  /** Human notes for the placeholders. */
  notes: string[];
}

export const RESOURCE_NAME_PLACEHOLDER = 'REPLACE-WITH-RESOURCE-NAME';

/**
 * Least-privilege skeleton for a workload: a dedicated ServiceAccount (token not automounted by default), a Role with a
 * placeholder rule restricted by resourceNames, a RoleBinding, and the workload edits mounting the token only in this
 * workload's pods. `workload` is the object (not the RbacSource); undefined for non-workloads.
 */
export function leastPrivilegeSkeleton(
  workload: unknown,
  options: { name?: string; namespace?: string; defaultNamespace?: string } = {},
): LeastPrivilegeSkeleton | undefined {
  if (!isObj(workload)) return undefined;
  const kind = str(get(workload, 'kind'));
  const psPath = kind && Object.prototype.hasOwnProperty.call(POD_SPEC_PATHS, kind) ? POD_SPEC_PATHS[kind] : undefined;
  if (!psPath) return undefined;
  const opts = isObj(options) ? options : {};
  const meta = get(workload, 'metadata');
  const wlName = name(get(meta, 'name')) ?? 'workload';
  const n = name(opts.name) ?? wlName;
  const namespace = name(opts.namespace) ?? name(get(meta, 'namespace')) ?? name(opts.defaultNamespace) ?? 'default';
  const labels = { 'app.kubernetes.io/name': wlName };
  const serviceAccount = {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: n, namespace, labels: { ...labels } },
    automountServiceAccountToken: false,
  };
  const role = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: n, namespace, labels: { ...labels } },
    rules: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: [RESOURCE_NAME_PLACEHOLDER], verbs: ['get'] }],
  };
  const roleBinding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: n, namespace, labels: { ...labels } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: n },
    subjects: [{ kind: 'ServiceAccount', name: n, namespace }],
  };
  const ps = getIn(workload, psPath);
  const workloadEdits: ValueEdit[] = [
    { path: [...psPath, 'serviceAccountName'], value: n },
    { path: [...psPath, 'automountServiceAccountToken'], value: true },
  ];
  if (get(ps, 'serviceAccount') !== undefined) workloadEdits.push({ path: [...psPath, 'serviceAccount'], remove: true });
  return {
    serviceAccount,
    role,
    roleBinding,
    workloadEdits,
    notes: [
      `Replace the placeholder rule of Role ${namespace}/${n} with the API calls ${kind} ${wlName} actually makes; keep resourceNames wherever the names are known.`,
      `If ${kind} ${wlName} never calls the Kubernetes API, drop the Role and RoleBinding and set automountServiceAccountToken: false instead.`,
    ],
  };
}
