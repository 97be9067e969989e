/**
 * PolicyRule matching — exactly the rbac/v1 evaluation helpers (VerbMatches, APIGroupMatches, ResourceMatches,
 * ResourceNameMatches in kubernetes pkg/apis/rbac/v1/evaluation_helpers.go) — and high-risk classification built on it.
 *
 * Only `*` and `*\/<subresource>` are resource wildcards: `pods/*` is a literal resource name that no request carries,
 * so it grants nothing. A request to create an object carries no name, so a rule restricted by resourceNames never
 * allows it (creating a subresource, e.g. serviceaccounts/token, names its parent object and can match).
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

/** `group` undefined = a query naming no group (unknown resource): any group. */
export function groupMatches(rule: NormalizedRule, group: string | undefined): boolean {
  if (group === undefined) return true;
  return rule.apiGroups.includes('*') || rule.apiGroups.includes(group);
}

/** resource may be "pods" or "pods/exec" (or pass subresource separately). Upstream ResourceMatches. */
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
    if (sub && rr === `*/${sub}`) return true;
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
  /** The request names some object (any one): a rule restricted by resourceNames matches unless the request cannot carry a name. */
  anyResourceName?: boolean;
}

/** Whether a request can carry an object name: creating an object (not a subresource of one) cannot. */
export function requestCarriesName(req: ResourceRequest): boolean {
  const sub = req.subresource ?? (req.resource.includes('/') ? req.resource.slice(req.resource.indexOf('/') + 1) : undefined);
  return !(req.verb === 'create' && !sub);
}

/** Upstream ResourceNameMatches, with the request's name as the authorizer sees it (none for create). */
export function resourceNameMatches(rule: NormalizedRule, req: ResourceRequest): boolean {
  if (rule.resourceNames.length === 0) return true;
  if (!requestCarriesName(req)) return false;
  if (req.resourceName !== undefined) return rule.resourceNames.includes(req.resourceName);
  return req.anyResourceName === true;
}

/** The one evaluator: findings, who-can, can and permissions all decide through this function. */
export function ruleAllows(rule: NormalizedRule, req: ResourceRequest): boolean {
  return verbMatches(rule, req.verb) && groupMatches(rule, req.apiGroup) && resourceMatches(rule, req.resource, req.subresource) && resourceNameMatches(rule, req);
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
// High-risk classification — data: each risk is a set of requests (verbs × group/resources); a rule holds the risk when
// ruleAllows() (the evaluator who-can uses) allows one of them.

export interface RiskHit {
  id: RiskId;
  /** What the rule allows, e.g. "can list/watch Secrets", narrowed by resourceNames. */
  text: string;
  /** Why it matters, e.g. "reads the contents of every Secret in scope, including ServiceAccount tokens". */
  why: string;
  /** The rule field to point at. */
  field: 'verbs' | 'resources';
  verbs: string[];
  resources: string[];
  /** The concrete requests the rule allows (resourceName set when the rule is restricted by resourceNames). */
  requests: ResourceRequest[];
}

interface Target {
  groups: string[];
  /** "pods" or "pods/exec" */
  resource: string;
}

export interface RiskProbe {
  id: RiskId;
  verbs: readonly string[];
  targets: readonly Target[];
  /** Only cluster-wide (ClusterRole bound by a ClusterRoleBinding): the targets are cluster-scoped. */
  clusterOnly?: boolean;
}

function t(groups: string[], resource: string): Target {
  return { groups, resource };
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

/** The risk table: which requests make a rule high-risk (impersonation of users/groups is cluster-scoped). */
export const RISK_PROBES: readonly RiskProbe[] = [
  { id: 'rbac-secrets-read', verbs: ['get', 'list', 'watch'], targets: [t([''], 'secrets')] },
  { id: 'rbac-pod-exec', verbs: ['create', 'get'], targets: [t([''], 'pods/exec'), t([''], 'pods/attach')] },
  { id: 'rbac-create-pods', verbs: ['create'], targets: POD_CREATING },
  { id: 'rbac-escalation-verbs', verbs: ['escalate', 'bind'], targets: [t(['rbac.authorization.k8s.io'], 'roles'), t(['rbac.authorization.k8s.io'], 'clusterroles')] },
  { id: 'rbac-escalation-verbs', verbs: ['impersonate'], targets: [t([''], 'serviceaccounts')] },
  {
    id: 'rbac-escalation-verbs',
    verbs: ['impersonate'],
    targets: [t([''], 'users'), t([''], 'groups'), t(['authentication.k8s.io'], 'userextras'), t(['authentication.k8s.io'], 'uids')],
    clusterOnly: true,
  },
  { id: 'rbac-token-create', verbs: ['create'], targets: [t([''], 'serviceaccounts/token')] },
  { id: 'rbac-nodes-proxy', verbs: ALL_VERBS, targets: [t([''], 'nodes/proxy')], clusterOnly: true },
  { id: 'rbac-csr-approve', verbs: ['update', 'patch'], targets: [t(['certificates.k8s.io'], 'certificatesigningrequests/approval')], clusterOnly: true },
  { id: 'rbac-csr-approve', verbs: ['approve'], targets: [t(['certificates.k8s.io'], 'signers')], clusterOnly: true },
  {
    id: 'rbac-webhook-write',
    verbs: ['create', 'update', 'patch', 'delete', 'deletecollection'],
    targets: [t(['admissionregistration.k8s.io'], 'mutatingwebhookconfigurations'), t(['admissionregistration.k8s.io'], 'validatingwebhookconfigurations')],
    clusterOnly: true,
  },
];

function splitResource(r: string): { resource: string; subresource?: string } {
  const i = r.indexOf('/');
  return i < 0 ? { resource: r } : { resource: r.slice(0, i), subresource: r.slice(i + 1) };
}

/** The requests of a probe that the rule allows (one per verb × target, in the rule's group), per the evaluator. */
function allowedRequests(rule: NormalizedRule, probe: RiskProbe): ResourceRequest[] {
  const out: ResourceRequest[] = [];
  for (const verb of probe.verbs) {
    for (const tg of probe.targets) {
      for (const g of tg.groups) {
        const base: ResourceRequest = { verb, apiGroup: g, ...splitResource(tg.resource) };
        if (rule.resourceNames.length === 0) {
          if (ruleAllows(rule, base)) {
            out.push(base);
            break;
          }
        } else {
          const named = rule.resourceNames.map((n) => ({ ...base, resourceName: n })).filter((req) => ruleAllows(rule, req));
          if (named.length) {
            out.push(...named);
            break;
          }
        }
      }
    }
  }
  return out;
}

const uniq = (l: string[]) => [...new Set(l)];

/** " (only Pods a, b)" when the rule is restricted by resourceNames. */
function only(rule: NormalizedRule, noun: string): string {
  return rule.resourceNames.length ? ` (only ${noun} ${rule.resourceNames.join(', ')})` : '';
}

function can(rule: NormalizedRule, verbs: string[], resources: string[]): string {
  const v = rule.verbs.includes('*') && verbs.length > 1 ? 'use any verb (*) on' : verbs.join('/');
  return `can ${v} ${resources.join(', ')}`;
}

/**
 * High-risk permissions granted by one rule, decided by ruleAllows() over RISK_PROBES. Wildcards count (`*` verbs include
 * create/exec…, `*` resources include secrets; `pods/*` grants nothing). Rules restricted by resourceNames do not count as
 * reading Secrets (least-privilege pattern), never allow create of an object (the request carries no name) and narrow
 * the message to the named objects. `namespaced`: the rule only applies inside a namespace (a Role, or any role through a
 * RoleBinding) — cluster-scoped resources (nodes/proxy, CSRs, signers, webhook configurations, users, groups) are then
 * not granted and not reported.
 */
export function classifyRule(rule: NormalizedRule, namespaced = false): RiskHit[] {
  if (rule.resources.length === 0) return [];
  const byId = new Map<RiskId, ResourceRequest[]>();
  for (const probe of RISK_PROBES) {
    if (namespaced && probe.clusterOnly) continue;
    if (probe.id === 'rbac-secrets-read' && rule.resourceNames.length) continue;
    const reqs = allowedRequests(rule, probe);
    if (reqs.length) byId.set(probe.id, [...(byId.get(probe.id) ?? []), ...reqs]);
  }
  const hits: RiskHit[] = [];
  for (const [id, requests] of byId) {
    const verbs = uniq(requests.map((r) => r.verb));
    const resources = uniq(requests.map((r) => (r.subresource ? `${r.resource}/${r.subresource}` : r.resource)));
    const hit = (text: string, why: string, field: RiskHit['field'] = 'resources') => hits.push({ id, text, why, field, verbs, resources, requests });
    switch (id) {
      case 'rbac-secrets-read': {
        const bulk = verbs.filter((v) => v !== 'get');
        hit(
          bulk.length ? `can ${bulk.join('/')} Secrets` : 'can get Secrets by name',
          bulk.length ? 'reads the contents of all Secrets in scope at once, including ServiceAccount tokens' : 'reads Secret contents, including ServiceAccount tokens',
        );
        break;
      }
      case 'rbac-pod-exec':
        hit(`${can(rule, verbs, resources)}${only(rule, 'Pods')}`, 'runs commands inside running containers and reads their mounted secrets');
        break;
      case 'rbac-create-pods':
        hit(`can create ${resources.join(', ')}`, 'a pod can mount any ServiceAccount and Secret of its namespace, so this is indirect access to all of them');
        break;
      case 'rbac-escalation-verbs':
        hit(`can ${verbs.join('/')} ${resources.join(', ')}${only(rule, 'named')}`, "privilege escalation that bypasses RBAC's own escalation checks", 'verbs');
        break;
      case 'rbac-token-create':
        hit(
          rule.resourceNames.length ? `can create tokens for ServiceAccounts ${rule.resourceNames.join(', ')}` : 'can create tokens for any ServiceAccount (serviceaccounts/token)',
          rule.resourceNames.length ? 'acts as those ServiceAccounts for as long as the tokens live' : 'mints tokens for any ServiceAccount in scope',
        );
        break;
      case 'rbac-nodes-proxy':
        hit(`${can(rule, verbs, resources)}${only(rule, 'Nodes')}`, 'direct kubelet API access: exec into any pod on the node, bypassing audit and admission');
        break;
      case 'rbac-csr-approve': {
        const a = requests.filter((r) => r.resource === 'certificatesigningrequests');
        const s = requests.filter((r) => r.resource === 'signers');
        const parts = [
          a.length ? `${uniq(a.map((r) => r.verb)).join('/')} certificatesigningrequests/approval` : '',
          s.length ? 'approve signers' : '',
        ].filter(Boolean);
        hit(`can ${parts.join(' and ')}${only(rule, 'named')}`, 'may get client certificates issued for arbitrary identities');
        break;
      }
      case 'rbac-webhook-write':
        hit(`${can(rule, verbs, resources)}${only(rule, 'configurations')}`, 'can intercept, mutate or disable admission of every object');
        break;
    }
  }
  const order = (h: RiskHit) => RISK_ORDER.indexOf(h.id);
  return hits.sort((a, b) => order(a) - order(b));
}

const RISK_ORDER: RiskId[] = [
  'rbac-secrets-read',
  'rbac-pod-exec',
  'rbac-create-pods',
  'rbac-escalation-verbs',
  'rbac-token-create',
  'rbac-nodes-proxy',
  'rbac-csr-approve',
  'rbac-webhook-write',
];

/** Rule fields holding a wildcard: "*" anywhere, or a subresource wildcard ("*\/scale"). `pods/*` is no wildcard. */
export function wildcardFields(rule: NormalizedRule): ('verbs' | 'resources' | 'apiGroups' | 'nonResourceURLs')[] {
  const out: ('verbs' | 'resources' | 'apiGroups' | 'nonResourceURLs')[] = [];
  if (rule.verbs.includes('*')) out.push('verbs');
  if (rule.resources.some((r) => r === '*' || r.startsWith('*/'))) out.push('resources');
  if (rule.apiGroups.includes('*')) out.push('apiGroups');
  if (rule.nonResourceURLs.includes('*')) out.push('nonResourceURLs');
  return out;
}
