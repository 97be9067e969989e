/**
 * PolicyRule matching — exactly the rbac/v1 evaluation helpers (VerbMatches, APIGroupMatches, ResourceMatches,
 * ResourceNameMatches in kubernetes pkg/apis/rbac/v1/evaluation_helpers.go) — and high-risk classification built on it.
 *
 * Only `*` and `*\/<subresource>` are resource wildcards: `pods/*` is a literal resource name that no request carries,
 * so it grants nothing. A request to create an object carries no name, so a rule restricted by resourceNames never
 * allows it (creating a subresource, e.g. serviceaccounts/token, names its parent object and can match).
 */
import type { NormalizedRule } from './types';
import { RISK_IDS, RISK_ROWS, type RbacGrant, type RiskId, type RiskRow } from '../rules/rbac/table';
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
// Risk classification: the risk rows of the RBAC table (rules/rbac/table.ts) decided by ruleAllows(), the evaluator
// who-can uses.

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
  /** Indexes of the row's grants the rule holds. */
  grants: number[];
}

/** One grant of a risk row, flattened (tests recompute the classification from these). */
export interface RiskProbe {
  id: RiskId;
  verbs: readonly string[];
  targets: readonly { groups: readonly string[]; resource: string }[];
  /** Only cluster-wide (ClusterRole bound by a ClusterRoleBinding). */
  clusterOnly?: boolean;
  /** The one object the risk is about (requests name it; namespaced grants count only in its namespace). */
  object?: { namespace: string; name: string };
}

export const RISK_PROBES: readonly RiskProbe[] = RISK_ROWS.flatMap((row) =>
  row.grants.map((g) => ({
    id: row.id,
    verbs: g.verbs,
    targets: g.targets.map(([groups, resource]) => ({ groups, resource })),
    ...(g.scope === 'cluster' ? { clusterOnly: true } : {}),
    ...(row.object ? { object: row.object } : {}),
  })),
);

/** Risks that take all their grants, with how many: a role holding only some of them holds none. */
export const ALL_GRANTS: ReadonlyMap<RiskId, number> = new Map(RISK_ROWS.filter((row) => row.allGrants).map((row) => [row.id, row.grants.length]));

/** Whether a risk row is a high-risk permission (workload, broad-subject and cluster-admin-equivalent findings). */
export function isHighRisk(id: RiskId): boolean {
  return RISK_IDS.includes(id);
}

function splitResource(r: string): { resource: string; subresource?: string } {
  const i = r.indexOf('/');
  return i < 0 ? { resource: r } : { resource: r.slice(0, i), subresource: r.slice(i + 1) };
}

/** The requests of a grant that the rule allows (one per verb × target, in the first group that matches), per the evaluator. */
function allowedRequests(rule: NormalizedRule, row: RiskRow, grant: RbacGrant): ResourceRequest[] {
  const out: ResourceRequest[] = [];
  for (const verb of grant.verbs) {
    // A verb the rule does not have allows no request (ruleAllows checks it first): no requests built for it.
    if (!verbMatches(rule, verb)) continue;
    for (const [groups, resource] of grant.targets) {
      for (const g of groups) {
        const base: ResourceRequest = { verb, apiGroup: g, ...splitResource(resource) };
        if (row.object) {
          const req = { ...base, resourceName: row.object.name };
          if (ruleAllows(rule, req)) {
            out.push(req);
            break;
          }
        } else if (rule.resourceNames.length === 0) {
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

/** Rows only cluster-wide grants hold (all their grants are cluster-scoped). */
const CLUSTER_ONLY: ReadonlySet<RiskId> = new Set(RISK_ROWS.filter((row) => row.grants.every((g) => g.scope === 'cluster')).map((row) => row.id));

/**
 * The risks one rule holds, decided by ruleAllows() over the risk rows of the RBAC table. Wildcards count (`*` verbs
 * include create/exec…, `*` resources include secrets; `pods/*` grants nothing). Rules restricted by resourceNames do not
 * count as reading Secrets (least-privilege pattern), never allow create of an object (the request carries no name) and
 * narrow the message to the named objects.
 *
 * `where` the rule applies: `false` — wherever it is bound, cluster-wide included (a ClusterRole); `true` — only inside
 * some namespace (a Role, or any role through a RoleBinding); a list — only in these namespaces. Namespaced, the
 * cluster-scoped grants (nodes/proxy, CSRs, signers, webhook configurations, users, groups, cluster-wide deletion) are
 * not granted and not reported, and a risk about one object counts only in the object's namespace.
 * Hits come in table order, the risks a namespaced role can hold first.
 */
export function classifyRule(rule: NormalizedRule, where: boolean | readonly string[] = false): RiskHit[] {
  if (rule.resources.length === 0) return [];
  const namespaced = where !== false;
  const hits: RiskHit[] = [];
  for (const row of RISK_ROWS) {
    if (row.unlessNamed && rule.resourceNames.length) continue;
    if (row.object && namespaced && !(Array.isArray(where) && where.includes(row.object.namespace))) continue;
    const requests: ResourceRequest[] = [];
    const grants: number[] = [];
    row.grants.forEach((grant, i) => {
      if (namespaced && grant.scope === 'cluster') return;
      const reqs = allowedRequests(rule, row, grant);
      if (reqs.length) {
        requests.push(...reqs);
        grants.push(i);
      }
    });
    if (!requests.length) continue;
    const verbs = uniq(requests.map((r) => r.verb));
    const resources = uniq(requests.map((r) => (r.subresource ? `${r.resource}/${r.subresource}` : r.resource)));
    const { text, why } = row.describe({ rule, verbs, resources, requests });
    hits.push({ id: row.id, text, why, field: row.field, verbs, resources, requests, grants });
  }
  const rank = (h: RiskHit) => (CLUSTER_ONLY.has(h.id) ? 1 : 0);
  return hits.sort((a, b) => rank(a) - rank(b));
}

/** Rule fields holding a wildcard: "*" anywhere, or a subresource wildcard ("*\/scale"). `pods/*` is no wildcard. */
export function wildcardFields(rule: NormalizedRule): ('verbs' | 'resources' | 'apiGroups' | 'nonResourceURLs')[] {
  const out: ('verbs' | 'resources' | 'apiGroups' | 'nonResourceURLs')[] = [];
  if (rule.verbs.includes('*')) out.push('verbs');
  if (rule.resources.some((r) => r === '*' || r.startsWith('*/'))) out.push('resources');
  if (rule.apiGroups.includes('*')) out.push('apiGroups');
  if (rule.nonResourceURLs.includes('*')) out.push('nonResourceURLs');
  return out;
}
