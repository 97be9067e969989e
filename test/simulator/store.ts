/**
 * Object store, resource registry, API errors, selectors and validation for
 * the in-repo Kubernetes API server simulator.
 */
import { randomUUID } from 'node:crypto';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KObj = Record<string, any>;

export interface ResourceType {
  group: string; // '' for core
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** subresources served (e.g. status, scale, log, exec) */
  subresources?: string[];
  /** generic verbs override (defaults to full CRUD + watch) */
  verbs?: string[];
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function rt(group: string, version: string, kind: string, plural: string, namespaced: boolean, extra: Partial<ResourceType> = {}): ResourceType {
  return { group, version, kind, plural, singular: kind.toLowerCase(), namespaced, ...extra };
}

export const RESOURCE_TYPES: ResourceType[] = [
  rt('', 'v1', 'Namespace', 'namespaces', false, { shortNames: ['ns'], subresources: ['status', 'finalize'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] }),
  rt('', 'v1', 'Pod', 'pods', true, { shortNames: ['po'], categories: ['all'], subresources: ['status', 'log', 'exec', 'ephemeralcontainers', 'binding', 'eviction'] }),
  rt('', 'v1', 'Service', 'services', true, { shortNames: ['svc'], categories: ['all'], subresources: ['status'], verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] }),
  rt('', 'v1', 'Endpoints', 'endpoints', true, { shortNames: ['ep'], singular: 'endpoints' }),
  rt('', 'v1', 'ServiceAccount', 'serviceaccounts', true, { shortNames: ['sa'], subresources: ['token'] }),
  rt('', 'v1', 'Event', 'events', true, { shortNames: ['ev'] }),
  rt('', 'v1', 'Node', 'nodes', false, { shortNames: ['no'], subresources: ['status'] }),
  rt('', 'v1', 'ConfigMap', 'configmaps', true, { shortNames: ['cm'] }),
  rt('', 'v1', 'Secret', 'secrets', true),
  rt('', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, { shortNames: ['pvc'], subresources: ['status'] }),
  rt('', 'v1', 'ResourceQuota', 'resourcequotas', true, { shortNames: ['quota'], subresources: ['status'] }),
  rt('', 'v1', 'LimitRange', 'limitranges', true, { shortNames: ['limits'] }),
  rt('apps', 'v1', 'Deployment', 'deployments', true, { shortNames: ['deploy'], categories: ['all'], subresources: ['status', 'scale'] }),
  rt('apps', 'v1', 'ReplicaSet', 'replicasets', true, { shortNames: ['rs'], categories: ['all'], subresources: ['status', 'scale'] }),
  rt('apps', 'v1', 'DaemonSet', 'daemonsets', true, { shortNames: ['ds'], categories: ['all'], subresources: ['status'] }),
  rt('apps', 'v1', 'StatefulSet', 'statefulsets', true, { shortNames: ['sts'], categories: ['all'], subresources: ['status', 'scale'] }),
  rt('apps', 'v1', 'ControllerRevision', 'controllerrevisions', true),
  rt('batch', 'v1', 'Job', 'jobs', true, { categories: ['all'], subresources: ['status'] }),
  rt('batch', 'v1', 'CronJob', 'cronjobs', true, { shortNames: ['cj'], categories: ['all'], subresources: ['status'] }),
  rt('discovery.k8s.io', 'v1', 'EndpointSlice', 'endpointslices', true),
  rt('networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies', true, { shortNames: ['netpol'] }),
  rt('networking.k8s.io', 'v1', 'Ingress', 'ingresses', true, { shortNames: ['ing'], subresources: ['status'] }),
  rt('rbac.authorization.k8s.io', 'v1', 'Role', 'roles', true),
  rt('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false),
  rt('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings', true),
  rt('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
  rt('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, { shortNames: ['pdb'], subresources: ['status'] }),
  rt('autoscaling', 'v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, { shortNames: ['hpa'], categories: ['all'], subresources: ['status'] }),
  rt('autoscaling', 'v1', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, { shortNames: ['hpa'], subresources: ['status'] }),
  // create-only review resources (nothing is stored): `kubectl auth can-i` and `kubectl auth whoami`
  rt('authorization.k8s.io', 'v1', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', false, { verbs: ['create'] }),
  rt('authorization.k8s.io', 'v1', 'SelfSubjectRulesReview', 'selfsubjectrulesreviews', false, { verbs: ['create'] }),
  rt('authentication.k8s.io', 'v1', 'SelfSubjectReview', 'selfsubjectreviews', false, { verbs: ['create'] }),
];

export function verbsOf(t: ResourceType): string[] {
  return t.verbs ?? ALL_VERBS;
}

export function groupVersion(t: { group: string; version: string }): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

/** Storage identity: autoscaling v1 and v2 share storage like the real server does. */
function storageKey(t: ResourceType): string {
  return `${t.group}/${t.plural}`;
}

export function findType(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.group === group && t.version === version && t.plural === plural);
}

export function typeForKind(apiVersion: string, kind: string): ResourceType | undefined {
  const [g, v] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  return RESOURCE_TYPES.find((t) => t.group === g && t.version === v && t.kind === kind);
}

export function T(plural: string, group = ''): ResourceType {
  const t = RESOURCE_TYPES.find((x) => x.plural === plural && x.group === group);
  if (!t) throw new Error(`unknown resource ${group}/${plural}`);
  return t;
}

// ---------------------------------------------------------------- errors

export interface StatusCause { reason?: string; message?: string; field?: string }

export class ApiError extends Error {
  constructor(
    public code: number,
    public reason: string,
    message: string,
    public details?: { name?: string; group?: string; kind?: string; causes?: StatusCause[]; retryAfterSeconds?: number },
  ) {
    super(message);
  }
  toStatus(): KObj {
    const s: KObj = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason };
    if (this.details) s.details = this.details;
    s.code = this.code;
    return s;
  }
}

function qualified(t: ResourceType): string {
  return t.group ? `${t.plural}.${t.group}` : t.plural;
}

export const errors = {
  notFound: (t: ResourceType, name: string) =>
    new ApiError(404, 'NotFound', `${qualified(t)} "${name}" not found`, { name, group: t.group || undefined, kind: t.plural }),
  alreadyExists: (t: ResourceType, name: string) =>
    new ApiError(409, 'AlreadyExists', `${qualified(t)} "${name}" already exists`, { name, group: t.group || undefined, kind: t.plural }),
  conflict: (t: ResourceType, name: string) =>
    new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(t)} "${name}": the object has been modified; please apply your changes to the latest version and try again`, {
      name, group: t.group || undefined, kind: t.plural,
    }),
  invalid: (kind: string, name: string, causes: StatusCause[], group?: string) =>
    new ApiError(422, 'Invalid', `${kind} "${name}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`, {
      name, group: group || undefined, kind, causes: causes.map((c) => ({ reason: c.reason ?? 'FieldValueInvalid', message: c.message, field: c.field })),
    }),
  badRequest: (message: string) => new ApiError(400, 'BadRequest', message),
  methodNotAllowed: (message = 'the server does not allow this method on the requested resource') => new ApiError(405, 'MethodNotAllowed', message),
  unsupportedMediaType: (ct: string, accepted = 'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json') =>
    new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted}; got ${ct}`),
  routeNotFound: () => new ApiError(404, 'NotFound', 'the server could not find the requested resource', {}),
  unauthorized: () => new ApiError(401, 'Unauthorized', 'Unauthorized'),
  gone: (message: string) => new ApiError(410, 'Expired', message),
  internal: (message: string) => new ApiError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] }),
};

// ---------------------------------------------------------------- selectors

export interface LabelRequirement { key: string; op: 'in' | 'notin' | 'exists' | '!' | '=' | '!='; values: string[] }

/** Parses a Kubernetes label selector string: `a=b,c!=d,e in (x,y),f notin (z),g,!h`. */
export function parseLabelSelector(sel: string): LabelRequirement[] {
  const reqs: LabelRequirement[] = [];
  let i = 0;
  const s = sel;
  const ws = () => { while (i < s.length && s[i] === ' ') i++; };
  const ident = () => {
    ws();
    const start = i;
    while (i < s.length && /[A-Za-z0-9._\-/]/.test(s[i])) i++;
    return s.slice(start, i);
  };
  while (i < s.length) {
    ws();
    if (i >= s.length) break;
    let neg = false;
    if (s[i] === '!') { neg = true; i++; }
    const key = ident();
    if (!key) throw errors.badRequest(`unable to parse requirement: found '${s[i] ?? ''}', expected: identifier`);
    ws();
    if (neg) {
      reqs.push({ key, op: '!', values: [] });
    } else if (i >= s.length || s[i] === ',') {
      reqs.push({ key, op: 'exists', values: [] });
    } else if (s.startsWith('==', i)) { i += 2; reqs.push({ key, op: '=', values: [ident()] }); }
    else if (s.startsWith('!=', i)) { i += 2; reqs.push({ key, op: '!=', values: [ident()] }); }
    else if (s[i] === '=') { i += 1; reqs.push({ key, op: '=', values: [ident()] }); }
    else {
      const word = ident();
      if (word !== 'in' && word !== 'notin') throw errors.badRequest(`unable to parse requirement: found '${word}', expected: in, notin, =, ==, !=, gt, lt`);
      ws();
      if (s[i] !== '(') throw errors.badRequest(`unable to parse requirement: found '${s[i] ?? ''}', expected: '('`);
      i++;
      const values: string[] = [];
      for (;;) {
        const v = ident();
        values.push(v);
        ws();
        if (s[i] === ',') { i++; continue; }
        if (s[i] === ')') { i++; break; }
        throw errors.badRequest(`unable to parse requirement: found '${s[i] ?? ''}', expected: ',' or ')'`);
      }
      reqs.push({ key, op: word, values });
    }
    ws();
    if (i < s.length) {
      if (s[i] !== ',') throw errors.badRequest(`unable to parse requirement: found '${s[i]}', expected: ','`);
      i++;
    }
  }
  return reqs;
}

export function matchLabelRequirements(reqs: LabelRequirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'exists': return has;
      case '!': return !has;
      case '=': return has && l[r.key] === r.values[0];
      case '!=': return !has || l[r.key] !== r.values[0];
      case 'in': return has && r.values.includes(l[r.key]);
      case 'notin': return !has || !r.values.includes(l[r.key]);
    }
    return false;
  });
}

/** matchLabels/matchExpressions (metav1.LabelSelector). Empty selector matches everything. */
export function matchLabelSelectorObject(sel: KObj | undefined | null, labels: Record<string, string> | undefined): boolean {
  if (!sel) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    const vals: string[] = e.values ?? [];
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

export function matchMapSelector(sel: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!sel || Object.keys(sel).length === 0) return false;
  const l = labels ?? {};
  return Object.entries(sel).every(([k, v]) => l[k] === v);
}

export interface FieldRequirement { path: string; op: '=' | '!='; value: string }

export function parseFieldSelector(sel: string): FieldRequirement[] {
  if (!sel.trim()) return [];
  return sel.split(',').map((part) => {
    const m = /^\s*([A-Za-z0-9._]+)\s*(==|!=|=)\s*(.*?)\s*$/.exec(part);
    if (!m) throw errors.badRequest(`invalid selector: '${sel}'; can't understand '${part}'`);
    return { path: m[1], op: m[2] === '!=' ? '!=' : '=', value: m[3] };
  });
}

const SUPPORTED_FIELDS: Record<string, string[]> = {
  pods: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  nodes: ['spec.unschedulable'],
  events: ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'],
  secrets: ['type'],
  namespaces: ['status.phase'],
  replicasets: ['status.replicas'],
  jobs: ['status.successful'],
};

export function checkFieldSelector(t: ResourceType, reqs: FieldRequirement[]): void {
  for (const r of reqs) {
    if (r.path === 'metadata.name' || r.path === 'metadata.namespace') continue;
    if ((SUPPORTED_FIELDS[t.plural] ?? []).includes(r.path)) continue;
    throw errors.badRequest(`field label not supported: ${r.path}`);
  }
}

function fieldValue(obj: KObj, path: string): string {
  if (path === 'source' && obj.source) return obj.source.component ?? '';
  let cur: unknown = obj;
  for (const p of path.split('.')) {
    if (cur && typeof cur === 'object') cur = (cur as KObj)[p];
    else { cur = undefined; break; }
  }
  if (cur === undefined || cur === null) {
    if (path === 'spec.hostNetwork' || path === 'spec.unschedulable') return 'false';
    return '';
  }
  return String(cur);
}

export function matchFields(reqs: FieldRequirement[], obj: KObj): boolean {
  return reqs.every((r) => (fieldValue(obj, r.path) === r.value) === (r.op === '='));
}

// ---------------------------------------------------------------- validation

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export function isDnsLabel(s: string): boolean { return s.length <= 63 && DNS1123_LABEL.test(s); }
export function isDnsSubdomain(s: string): boolean { return s.length <= 253 && DNS1123_SUBDOMAIN.test(s); }

function validQualifiedKey(k: string): string | undefined {
  const parts = k.split('/');
  if (parts.length > 2) return 'a qualified name must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character';
  const name = parts[parts.length - 1];
  if (parts.length === 2 && (!parts[0] || !isDnsSubdomain(parts[0]))) return 'prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\'';
  if (!name || name.length > 63 || !QUALIFIED_NAME.test(name)) return 'name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character';
  return undefined;
}

const NAME_RULES: Record<string, 'label' | 'subdomain' | 'dns1035' | 'path'> = {
  namespaces: 'label', services: 'dns1035', pods: 'subdomain', roles: 'path', clusterroles: 'path', rolebindings: 'path', clusterrolebindings: 'path',
};

export function validateObject(t: ResourceType, obj: KObj): void {
  const causes: StatusCause[] = [];
  const md = obj.metadata ?? {};
  const name: string = md.name ?? '';
  const rule = NAME_RULES[t.plural] ?? 'subdomain';
  if (!name) causes.push({ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' });
  else if (rule === 'label' && !isDnsLabel(name)) causes.push({ field: 'metadata.name', message: `Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character` });
  else if (rule === 'dns1035' && !(name.length <= 63 && DNS1035_LABEL.test(name))) causes.push({ field: 'metadata.name', message: `Invalid value: "${name}": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character` });
  else if (rule === 'subdomain' && !isDnsSubdomain(name)) causes.push({ field: 'metadata.name', message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character` });
  else if (rule === 'path' && (name === '.' || name === '..' || /[/%]/.test(name))) causes.push({ field: 'metadata.name', message: `Invalid value: "${name}": may not contain '/' or '%'` });
  for (const [k, v] of Object.entries(md.labels ?? {})) {
    const ke = validQualifiedKey(k);
    if (ke) causes.push({ field: 'metadata.labels', message: `Invalid value: "${k}": ${ke}` });
    if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) causes.push({ field: 'metadata.labels', message: `Invalid value: "${String(v)}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character` });
  }
  let annSize = 0;
  for (const [k, v] of Object.entries(md.annotations ?? {})) {
    const ke = validQualifiedKey(k.toLowerCase());
    if (ke) causes.push({ field: 'metadata.annotations', message: `Invalid value: "${k}": ${ke}` });
    if (typeof v !== 'string') causes.push({ field: `metadata.annotations`, message: `Invalid value: annotation values must be strings` });
    annSize += k.length + String(v).length;
  }
  if (annSize > 256 * 1024) causes.push({ reason: 'FieldValueTooLong', field: 'metadata.annotations', message: 'Too long: must have at most 262144 bytes' });

  const podSpecs: Array<[string, KObj | undefined]> = [];
  if (t.plural === 'pods') podSpecs.push(['spec', obj.spec]);
  if (['deployments', 'replicasets', 'daemonsets', 'statefulsets', 'jobs'].includes(t.plural)) podSpecs.push(['spec.template.spec', obj.spec?.template?.spec]);
  if (t.plural === 'cronjobs') podSpecs.push(['spec.jobTemplate.spec.template.spec', obj.spec?.jobTemplate?.spec?.template?.spec]);
  for (const [path, spec] of podSpecs) validatePodSpec(path, spec, causes);

  if (['deployments', 'replicasets', 'daemonsets', 'statefulsets'].includes(t.plural)) {
    const sel = obj.spec?.selector;
    if (!sel || (!sel.matchLabels && !sel.matchExpressions)) causes.push({ reason: 'FieldValueRequired', field: 'spec.selector', message: 'Required value' });
    else if (!matchLabelSelectorObject(sel, obj.spec?.template?.metadata?.labels)) causes.push({ field: 'spec.template.metadata.labels', message: `Invalid value: ${JSON.stringify(obj.spec?.template?.metadata?.labels ?? {})}: \`selector\` does not match template \`labels\`` });
    const r = obj.spec?.replicas;
    if (r !== undefined && (typeof r !== 'number' || r < 0 || !Number.isInteger(r))) causes.push({ field: 'spec.replicas', message: `Invalid value: ${JSON.stringify(r)}: must be greater than or equal to 0` });
  }
  if (t.plural === 'services') {
    for (const [i, p] of (obj.spec?.ports ?? []).entries()) {
      if (typeof p.port !== 'number' || p.port < 1 || p.port > 65535) causes.push({ field: `spec.ports[${i}].port`, message: `Invalid value: ${JSON.stringify(p.port)}: must be between 1 and 65535, inclusive` });
    }
  }
  if (t.plural === 'rolebindings' || t.plural === 'clusterrolebindings') {
    if (!obj.roleRef?.name) causes.push({ reason: 'FieldValueRequired', field: 'roleRef.name', message: 'Required value' });
  }
  if (t.plural === 'networkpolicies' && obj.spec && obj.spec.podSelector === undefined) {
    causes.push({ reason: 'FieldValueRequired', field: 'spec.podSelector', message: 'Required value' });
  }
  if (causes.length) throw errors.invalid(t.kind, name, causes, t.group);
}

function validatePodSpec(path: string, spec: KObj | undefined, causes: StatusCause[]): void {
  if (!spec) { causes.push({ reason: 'FieldValueRequired', field: path, message: 'Required value' }); return; }
  const containers: KObj[] = spec.containers ?? [];
  if (!Array.isArray(containers) || containers.length === 0) causes.push({ reason: 'FieldValueRequired', field: `${path}.containers`, message: 'Required value' });
  const seen = new Set<string>();
  const all: Array<[string, KObj[]]> = [['containers', containers], ['initContainers', spec.initContainers ?? []], ['ephemeralContainers', spec.ephemeralContainers ?? []]];
  for (const [field, list] of all) {
    for (const [i, c] of list.entries()) {
      const f = `${path}.${field}[${i}]`;
      if (!c.name) causes.push({ reason: 'FieldValueRequired', field: `${f}.name`, message: 'Required value' });
      else if (!isDnsLabel(c.name)) causes.push({ field: `${f}.name`, message: `Invalid value: "${c.name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character` });
      else if (seen.has(c.name)) causes.push({ reason: 'FieldValueDuplicate', field: `${f}.name`, message: `Duplicate value: "${c.name}"` });
      else seen.add(c.name);
      if (field !== 'ephemeralContainers' && (typeof c.image !== 'string' || c.image.length === 0)) causes.push({ reason: 'FieldValueRequired', field: `${f}.image`, message: 'Required value' });
      else if (typeof c.image === 'string' && c.image !== c.image.trim()) causes.push({ field: `${f}.image`, message: `Invalid value: "${c.image}": must not have leading or trailing whitespace` });
      for (const [j, p] of (c.ports ?? []).entries()) {
        if (typeof p.containerPort !== 'number' || p.containerPort < 1 || p.containerPort > 65535) causes.push({ field: `${f}.ports[${j}].containerPort`, message: `Invalid value: ${JSON.stringify(p.containerPort)}: must be between 1 and 65535, inclusive` });
      }
    }
  }
}

// ---------------------------------------------------------------- store

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';
export interface StoreEvent { type: WatchEventType; rv: number; t: ResourceType; object: KObj }

export function clone<V>(v: V): V { return v === undefined ? v : JSON.parse(JSON.stringify(v)); }

export function nowTimestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class Store {
  private rv = 1000;
  private data = new Map<string, Map<string, KObj>>();
  private history: StoreEvent[] = [];
  private listeners = new Set<(e: StoreEvent) => void>();
  static readonly HISTORY = 5000;

  get resourceVersion(): number { return this.rv; }
  nextRV(): number { return ++this.rv; }

  private bucket(t: ResourceType): Map<string, KObj> {
    const k = storageKey(t);
    let b = this.data.get(k);
    if (!b) { b = new Map(); this.data.set(k, b); }
    return b;
  }
  private static key(ns: string | undefined, name: string): string { return `${ns ?? ''}/${name}`; }

  /** Returns a deep copy of the stored object, or undefined. */
  get(t: ResourceType, ns: string | undefined, name: string): KObj | undefined {
    const o = this.bucket(t).get(Store.key(t.namespaced ? ns : undefined, name));
    return o ? this.present(t, clone(o)) : undefined;
  }

  /** All objects of a type (deep copies), optionally in one namespace; sorted by namespace/name. */
  list(t: ResourceType, ns?: string): KObj[] {
    const out: KObj[] = [];
    for (const [k, o] of this.bucket(t)) {
      if (ns && t.namespaced && !k.startsWith(`${ns}/`)) continue;
      out.push(this.present(t, clone(o)));
    }
    out.sort((a, b) => { const x = Store.key(a.metadata.namespace, a.metadata.name); const y = Store.key(b.metadata.namespace, b.metadata.name); return x < y ? -1 : x > y ? 1 : 0; });
    return out;
  }

  private present(t: ResourceType, o: KObj): KObj {
    // the same storage serves several versions (autoscaling v1/v2): report the requested one
    o.apiVersion = groupVersion(t);
    o.kind = t.kind;
    return o;
  }

  /**
   * Stored objects without copying (sorted by namespace/name). Read-only: callers
   * must not mutate them (use get() for a private copy). Used by controllers.
   */
  peek(t: ResourceType, ns?: string): readonly KObj[] {
    const out: KObj[] = [];
    for (const [k, o] of this.bucket(t)) {
      if (ns && t.namespaced && !k.startsWith(`${ns}/`)) continue;
      out.push(o);
    }
    return out;
  }

  /** Inserts a new object: fills uid, creationTimestamp, resourceVersion, generation. */
  create(t: ResourceType, obj: KObj): KObj {
    const o = clone(obj);
    o.apiVersion = groupVersion(t);
    o.kind = t.kind;
    o.metadata = o.metadata ?? {};
    if (!t.namespaced) delete o.metadata.namespace;
    const key = Store.key(o.metadata.namespace, o.metadata.name);
    if (this.bucket(t).has(key)) throw errors.alreadyExists(t, o.metadata.name);
    o.metadata.uid = o.metadata.uid ?? randomUUID();
    o.metadata.creationTimestamp = o.metadata.creationTimestamp ?? nowTimestamp();
    o.metadata.generation = o.metadata.generation ?? 1;
    o.metadata.resourceVersion = String(this.nextRV());
    this.bucket(t).set(key, o);
    this.emit({ type: 'ADDED', rv: this.rv, t, object: clone(o) });
    return clone(o);
  }

  /** Replaces an existing object (no resourceVersion precondition here). Bumps generation on spec change. */
  update(t: ResourceType, obj: KObj): KObj {
    const key = Store.key(t.namespaced ? obj.metadata.namespace : undefined, obj.metadata.name);
    const old = this.bucket(t).get(key);
    if (!old) throw errors.notFound(t, obj.metadata.name);
    const o = clone(obj);
    o.apiVersion = groupVersion(t);
    o.kind = t.kind;
    if (!t.namespaced) delete o.metadata.namespace;
    // immutable metadata
    o.metadata.uid = old.metadata.uid;
    o.metadata.creationTimestamp = old.metadata.creationTimestamp;
    o.metadata.generation = old.metadata.generation ?? 1;
    if (JSON.stringify(old.spec) !== JSON.stringify(o.spec) && t.plural !== 'pods') o.metadata.generation += 1;
    const stripRV = (x: KObj) => { const c = clone(x); delete c.metadata.resourceVersion; delete c.apiVersion; delete c.kind; return JSON.stringify(c); };
    if (stripRV(old) === stripRV(o)) return this.present(t, clone(old)); // no-op update keeps RV like the real server
    o.metadata.resourceVersion = String(this.nextRV());
    this.bucket(t).set(key, o);
    this.emit({ type: 'MODIFIED', rv: this.rv, t, object: clone(o) });
    return clone(o);
  }

  delete(t: ResourceType, ns: string | undefined, name: string): KObj {
    const key = Store.key(t.namespaced ? ns : undefined, name);
    const old = this.bucket(t).get(key);
    if (!old) throw errors.notFound(t, name);
    this.bucket(t).delete(key);
    const o = clone(old);
    o.metadata.resourceVersion = String(this.nextRV());
    this.emit({ type: 'DELETED', rv: this.rv, t, object: clone(o) });
    return o;
  }

  private emit(e: StoreEvent): void {
    this.history.push(e);
    if (this.history.length > Store.HISTORY) this.history.splice(0, this.history.length - Store.HISTORY);
    for (const l of [...this.listeners]) l(e);
  }

  /** Events after `rv` (exclusive). Returns undefined if history does not reach back that far. */
  eventsSince(rv: number): StoreEvent[] | undefined {
    if (rv >= this.rv) return [];
    if (this.history.length === 0 || this.history[0].rv > rv + 1) return undefined;
    return this.history.filter((e) => e.rv > rv);
  }

  subscribe(l: (e: StoreEvent) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Every stored object across all types (for seeding/inspection). */
  allTypes(): ResourceType[] {
    const seen = new Set<string>();
    return RESOURCE_TYPES.filter((t) => { const k = storageKey(t); if (seen.has(k)) return false; seen.add(k); return true; });
  }
}
