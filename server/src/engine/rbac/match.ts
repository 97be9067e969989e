/**
 * PolicyRule matching (authorizer semantics) and high-risk classification.
 *
 * Deliberate over-approximation: a rule resource "pods/*" is treated as covering every subresource of pods
 * (the real authorizer only honours "*" and "*\/<subresource>"); such rules are almost always written with that intent.
 */
import type { NormalizedRule, RiskId } from './types';
import { get, strList } from './util';

export function normalizeRule(x: unknown): NormalizedRule {
  return {
    apiGroups: strList(get(x, 'apiGroups')),
    resources: strList(get(x, 'resources')),
    resourceNames: strList(get(x, 'resourceNames')),
    verbs: strList(get(x, 'verbs')),
    nonResourceURLs: strList(get(x, 'nonResourceURLs')),
  };
}

export function verbMatches(rule: NormalizedRule, verb: string): boolean {
  return rule.verbs.includes('*') || rule.verbs.includes(verb);
}

export function groupMatches(rule: NormalizedRule, group: string | undefined): boolean {
  if (group === undefined) return true;
  return rule.apiGroups.includes('*') || rule.apiGroups.includes(group);
}

/** resource may be "pods" or "pods/exec" (or pass subresource separately). */
export function resourceMatches(rule: NormalizedRule, resource: string, subresource?: string): boolean {
  let res = resource;
  let sub = subresource;
  if (sub === undefined) {
    const i = resource.indexOf('/');
    if (i >= 0) {
      res = resource.slice(0, i);
      sub = resource.slice(i + 1);
    }
  }
  const combined = sub ? `${res}/${sub}` : res;
  for (const rr of rule.resources) {
    if (rr === '*' || rr === combined) return true;
    if (sub && (rr === `*/${sub}` || rr === `${res}/*`)) return true;
  }
  return false;
}

export interface ResourceRequest {
  verb: string;
  /** undefined = any group */
  apiGroup?: string;
  resource: string;
  subresource?: string;
  resourceName?: string;
  anyResourceName?: boolean;
}

export function ruleAllows(rule: NormalizedRule, req: ResourceRequest): boolean {
  if (!verbMatches(rule, req.verb)) return false;
  if (!groupMatches(rule, req.apiGroup)) return false;
  if (!resourceMatches(rule, req.resource, req.subresource)) return false;
  if (rule.resourceNames.length > 0) {
    if (req.resourceName !== undefined) return rule.resourceNames.includes(req.resourceName);
    return req.anyResourceName === true;
  }
  return true;
}

export function ruleAllowsNonResource(rule: NormalizedRule, verb: string, url: string): boolean {
  if (!verbMatches(rule, verb)) return false;
  for (const u of rule.nonResourceURLs) {
    if (u === '*' || u === url) return true;
    if (u.endsWith('*') && url.startsWith(u.slice(0, -1))) return true;
  }
  return false;
}

/** `*` verbs on `*` resources in `*` apiGroups without resourceNames — cluster-admin equivalent. */
export function isFullWildcard(rule: NormalizedRule): boolean {
  return rule.verbs.includes('*') && rule.resources.includes('*') && rule.apiGroups.includes('*') && rule.resourceNames.length === 0;
}

/**
 * Well-known cluster-scoped resources (group/resource): a namespaced grant (Role, RoleBinding) never applies to them.
 * namespaces and clusterroles are deliberately absent: `get namespaces/<ns>` and `bind clusterroles` are checked in a namespace.
 */
export const CLUSTER_SCOPED: ReadonlySet<string> = new Set([
  '/nodes', '/persistentvolumes', '/users', '/groups', '/componentstatuses',
  'rbac.authorization.k8s.io/clusterrolebindings',
  'certificates.k8s.io/certificatesigningrequests', 'certificates.k8s.io/signers',
  'admissionregistration.k8s.io/mutatingwebhookconfigurations', 'admissionregistration.k8s.io/validatingwebhookconfigurations',
  'admissionregistration.k8s.io/validatingadmissionpolicies', 'admissionregistration.k8s.io/validatingadmissionpolicybindings',
  'apiextensions.k8s.io/customresourcedefinitions', 'storage.k8s.io/storageclasses', 'storage.k8s.io/csidrivers',
  'scheduling.k8s.io/priorityclasses', 'node.k8s.io/runtimeclasses', 'networking.k8s.io/ingressclasses',
  'apiregistration.k8s.io/apiservices', 'authentication.k8s.io/tokenreviews', 'authorization.k8s.io/subjectaccessreviews',
  'authorization.k8s.io/selfsubjectaccessreviews', 'authentication.k8s.io/userextras', 'authentication.k8s.io/uids',
]);

export function isClusterScoped(apiGroup: string | undefined, resource: string): boolean {
  return apiGroup !== undefined && CLUSTER_SCOPED.has(`${apiGroup}/${resource}`);
}

/** Well-known resource → API group (used when a query names no group). */
export const KNOWN_GROUPS: Readonly<Record<string, string>> = {
  pods: '', services: '', secrets: '', configmaps: '', serviceaccounts: '', nodes: '', namespaces: '',
  persistentvolumes: '', persistentvolumeclaims: '', endpoints: '', events: '', replicationcontrollers: '',
  limitranges: '', resourcequotas: '', users: '', groups: '', bindings: '', componentstatuses: '', podtemplates: '',
  deployments: 'apps', replicasets: 'apps', statefulsets: 'apps', daemonsets: 'apps', controllerrevisions: 'apps',
  jobs: 'batch', cronjobs: 'batch',
  roles: 'rbac.authorization.k8s.io', rolebindings: 'rbac.authorization.k8s.io',
  clusterroles: 'rbac.authorization.k8s.io', clusterrolebindings: 'rbac.authorization.k8s.io',
  ingresses: 'networking.k8s.io', networkpolicies: 'networking.k8s.io', ingressclasses: 'networking.k8s.io',
  certificatesigningrequests: 'certificates.k8s.io', signers: 'certificates.k8s.io',
  mutatingwebhookconfigurations: 'admissionregistration.k8s.io', validatingwebhookconfigurations: 'admissionregistration.k8s.io',
  validatingadmissionpolicies: 'admissionregistration.k8s.io', validatingadmissionpolicybindings: 'admissionregistration.k8s.io',
  horizontalpodautoscalers: 'autoscaling', poddisruptionbudgets: 'policy',
  customresourcedefinitions: 'apiextensions.k8s.io', storageclasses: 'storage.k8s.io', csidrivers: 'storage.k8s.io',
  leases: 'coordination.k8s.io', tokenreviews: 'authentication.k8s.io', subjectaccessreviews: 'authorization.k8s.io',
  selfsubjectaccessreviews: 'authorization.k8s.io', localsubjectaccessreviews: 'authorization.k8s.io',
  endpointslices: 'discovery.k8s.io', priorityclasses: 'scheduling.k8s.io', runtimeclasses: 'node.k8s.io',
  apiservices: 'apiregistration.k8s.io', userextras: 'authentication.k8s.io', uids: 'authentication.k8s.io',
};

// ---------------------------------------------------------------------------------------------------------------
// High-risk classification

export interface RiskHit {
  id: RiskId;
  /** What the rule allows, e.g. "can list/watch Secrets". */
  text: string;
  /** Why it matters, e.g. "reads the contents of every Secret in scope, including ServiceAccount tokens". */
  why: string;
  /** The rule field to point at. */
  field: 'verbs' | 'resources';
  verbs: string[];
  resources: string[];
}

interface Target {
  groups: string[];
  resource: string;
}

function t(groups: string[], resource: string): Target {
  return { groups, resource };
}

/** Verbs (from `wanted`) that the rule grants on any of the targets, and the targets hit. */
function covered(rule: NormalizedRule, targets: Target[], wanted: string[]): { verbs: string[]; resources: string[] } {
  const verbs = wanted.filter((v) => verbMatches(rule, v));
  if (verbs.length === 0) return { verbs, resources: [] };
  const resources: string[] = [];
  for (const tg of targets) {
    if (!tg.groups.some((g) => groupMatches(rule, g))) continue;
    if (resourceMatches(rule, tg.resource)) resources.push(tg.resource);
  }
  return resources.length ? { verbs, resources } : { verbs: [], resources: [] };
}

const ALL_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

const POD_CREATING: Target[] = [
  t([''], 'pods'),
  t(['apps', 'extensions'], 'deployments'),
  t(['apps', 'extensions'], 'replicasets'),
  t(['apps'], 'statefulsets'),
  t(['apps', 'extensions'], 'daemonsets'),
  t(['batch'], 'jobs'),
  t(['batch'], 'cronjobs'),
  t([''], 'replicationcontrollers'),
];

function can(rule: NormalizedRule, verbs: string[], resources: string[]): string {
  const v = rule.verbs.includes('*') && verbs.length > 1 ? 'use any verb (*) on' : verbs.join('/');
  return `can ${v} ${resources.join(', ')}`;
}

/**
 * High-risk permissions granted by one rule. Wildcards count (`*` verbs include create/exec…, `*` resources include secrets,
 * `pods/*` covers pods/exec). Rules restricted by resourceNames do not count as reading Secrets (least-privilege pattern).
 * `namespaced`: the rule only applies inside a namespace (a Role, or any role through a RoleBinding) — cluster-scoped
 * resources (nodes/proxy, CSRs, signers, webhook configurations, users, groups) are then not granted and not reported.
 */
export function classifyRule(rule: NormalizedRule, namespaced = false): RiskHit[] {
  const hits: RiskHit[] = [];
  if (rule.resources.length === 0) return hits;

  if (rule.resourceNames.length === 0) {
    const c = covered(rule, [t([''], 'secrets')], ['get', 'list', 'watch']);
    if (c.verbs.length) {
      const bulk = c.verbs.filter((v) => v !== 'get');
      hits.push({
        id: 'rbac-secrets-read',
        text: bulk.length ? `can ${bulk.join('/')} Secrets` : 'can get Secrets by name',
        why: bulk.length
          ? 'reads the contents of all Secrets in scope at once, including ServiceAccount tokens'
          : 'reads Secret contents, including ServiceAccount tokens',
        field: 'resources',
        ...c,
      });
    }
  }
  {
    const c = covered(rule, [t([''], 'pods/exec'), t([''], 'pods/attach')], ['create', 'get']);
    if (c.verbs.length)
      hits.push({ id: 'rbac-pod-exec', text: can(rule, c.verbs, c.resources), why: 'runs commands inside running containers and reads their mounted secrets', field: 'resources', ...c });
  }
  {
    const c = covered(rule, POD_CREATING, ['create']);
    if (c.verbs.length)
      hits.push({
        id: 'rbac-create-pods',
        text: `can create ${c.resources.join(', ')}`,
        why: 'a pod can mount any ServiceAccount and Secret of its namespace, so this is indirect access to all of them',
        field: 'resources',
        ...c,
      });
  }
  {
    const esc = covered(rule, [t(['rbac.authorization.k8s.io'], 'roles'), t(['rbac.authorization.k8s.io'], 'clusterroles')], ['escalate', 'bind']);
    const imp = covered(
      rule,
      namespaced
        ? [t([''], 'serviceaccounts')]
        : [t([''], 'users'), t([''], 'groups'), t([''], 'serviceaccounts'), t(['authentication.k8s.io'], 'userextras'), t(['authentication.k8s.io'], 'uids')],
      ['impersonate'],
    );
    if (esc.verbs.length || imp.verbs.length) {
      const verbs = [...esc.verbs, ...imp.verbs];
      const resources = [...esc.resources, ...imp.resources];
      hits.push({
        id: 'rbac-escalation-verbs',
        text: `can ${verbs.join('/')} ${resources.join(', ')}`,
        why: 'privilege escalation that bypasses RBAC\'s own escalation checks',
        field: 'verbs',
        verbs,
        resources,
      });
    }
  }
  {
    const c = covered(rule, [t([''], 'serviceaccounts/token')], ['create']);
    if (c.verbs.length) hits.push({ id: 'rbac-token-create', text: 'can create serviceaccounts/token', why: 'mints tokens for any ServiceAccount in scope', field: 'resources', ...c });
  }
  if (namespaced) return hits;
  {
    const c = covered(rule, [t([''], 'nodes/proxy')], [...ALL_VERBS]);
    if (c.verbs.length)
      hits.push({
        id: 'rbac-nodes-proxy',
        text: can(rule, c.verbs, c.resources),
        why: 'direct kubelet API access: exec into any pod on the node, bypassing audit and admission',
        field: 'resources',
        ...c,
      });
  }
  {
    const a = covered(rule, [t(['certificates.k8s.io'], 'certificatesigningrequests/approval')], ['update', 'patch']);
    const s = covered(rule, [t(['certificates.k8s.io'], 'signers')], ['approve']);
    if (a.verbs.length || s.verbs.length) {
      hits.push({
        id: 'rbac-csr-approve',
        text: `can ${[a.verbs.length ? `${a.verbs.join('/')} certificatesigningrequests/approval` : '', s.verbs.length ? 'approve signers' : ''].filter(Boolean).join(' and ')}`,
        why: 'may get client certificates issued for arbitrary identities',
        field: 'resources',
        verbs: [...a.verbs, ...s.verbs],
        resources: [...a.resources, ...s.resources],
      });
    }
  }
  {
    const c = covered(
      rule,
      [t(['admissionregistration.k8s.io'], 'mutatingwebhookconfigurations'), t(['admissionregistration.k8s.io'], 'validatingwebhookconfigurations')],
      ['create', 'update', 'patch', 'delete', 'deletecollection'],
    );
    if (c.verbs.length)
      hits.push({
        id: 'rbac-webhook-write',
        text: can(rule, c.verbs, c.resources),
        why: 'can intercept, mutate or disable admission of every object',
        field: 'resources',
        ...c,
      });
  }
  return hits;
}

/** Rule fields holding a wildcard: "*" anywhere, or partial resource wildcards ("*\/scale", "pods/*"). */
export function wildcardFields(rule: NormalizedRule): ('verbs' | 'resources' | 'apiGroups' | 'nonResourceURLs')[] {
  const out: ('verbs' | 'resources' | 'apiGroups' | 'nonResourceURLs')[] = [];
  if (rule.verbs.includes('*')) out.push('verbs');
  if (rule.resources.some((r) => r === '*' || r.startsWith('*/') || r.endsWith('/*'))) out.push('resources');
  if (rule.apiGroups.includes('*')) out.push('apiGroups');
  if (rule.nonResourceURLs.includes('*')) out.push('nonResourceURLs');
  return out;
}
