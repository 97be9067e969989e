/**
 * Authorization as kube-apiserver does it with `--authorization-mode=RBAC`: the `system:masters` group is
 * allowed by the privileged-groups authorizer before RBAC; otherwise the RBAC authorizer (plugin/pkg/auth/
 * authorizer/rbac) walks ClusterRoleBindings, then the RoleBindings of the request's namespace, and allows on
 * the first rule that covers the request. Rules are evaluated by the engine's rbac/v1 evaluator (`ruleAllows`,
 * exact per pkg/apis/rbac/v1/evaluation_helpers.go). Objects are read from the simulator's store.
 */
import { normalizeRule, ruleAllows, ruleAllowsNonResource } from '../../server/src/engine/rbac/match';
import { KObj, Store, T } from './store';

export interface UserInfo { name: string; groups: string[] }

export interface Attributes {
  verb: string;
  /** resource requests */
  apiGroup?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** non-resource requests (e.g. /healthz) */
  path?: string;
}

export interface Decision { allowed: boolean; reason: string }

function subjectMatches(s: KObj, user: UserInfo, bindingNs: string | undefined): boolean {
  if (s.kind === 'User') return s.name === user.name;
  if (s.kind === 'Group') return user.groups.includes(s.name);
  if (s.kind === 'ServiceAccount') {
    const ns = s.namespace || bindingNs;
    return !!ns && user.name === `system:serviceaccount:${ns}:${s.name}`;
  }
  return false;
}

function describeSubject(s: KObj, bindingNs: string | undefined): string {
  if (s.kind === 'ServiceAccount') return `ServiceAccount "${s.namespace || bindingNs}/${s.name}"`;
  return `${s.kind} "${s.name}"`;
}

function rulesAllow(rules: KObj[] | undefined, a: Attributes): boolean {
  for (const r of rules ?? []) {
    const rule = normalizeRule(r);
    if (a.path !== undefined ? ruleAllowsNonResource(rule, a.verb, a.path)
      : ruleAllows(rule, { verb: a.verb, apiGroup: a.apiGroup ?? '', resource: a.resource ?? '', subresource: a.subresource || undefined, resourceName: a.name || undefined })) return true;
  }
  return false;
}

/** The apiserver's decision (privileged groups, then RBAC) for one request. */
export function authorizeRbac(store: Store, user: UserInfo, a: Attributes): Decision {
  if (user.groups.includes('system:masters')) return { allowed: true, reason: '' };
  const CR = T('clusterroles', 'rbac.authorization.k8s.io');
  for (const b of store.peek(T('clusterrolebindings', 'rbac.authorization.k8s.io'))) {
    const s = (b.subjects ?? []).find((x: KObj) => subjectMatches(x, user, undefined));
    if (!s || b.roleRef?.kind !== 'ClusterRole') continue;
    const role = store.peek(CR).find((r) => r.metadata.name === b.roleRef.name);
    if (role && rulesAllow(role.rules, a)) {
      return { allowed: true, reason: `RBAC: allowed by ClusterRoleBinding "${b.metadata.name}" of ClusterRole "${role.metadata.name}" to ${describeSubject(s, undefined)}` };
    }
  }
  if (a.namespace && a.path === undefined) {
    for (const b of store.peek(T('rolebindings', 'rbac.authorization.k8s.io'), a.namespace)) {
      const s = (b.subjects ?? []).find((x: KObj) => subjectMatches(x, user, a.namespace));
      if (!s) continue;
      const role = b.roleRef?.kind === 'Role'
        ? store.peek(T('roles', 'rbac.authorization.k8s.io'), a.namespace).find((r) => r.metadata.name === b.roleRef.name)
        : b.roleRef?.kind === 'ClusterRole' ? store.peek(CR).find((r) => r.metadata.name === b.roleRef.name) : undefined;
      if (role && rulesAllow(role.rules, a)) {
        return { allowed: true, reason: `RBAC: allowed by RoleBinding "${b.metadata.name}/${a.namespace}" of ${b.roleRef.kind} "${role.metadata.name}" to ${describeSubject(s, a.namespace)}` };
      }
    }
  }
  return { allowed: false, reason: '' };
}

/** Groups of a ServiceAccount user (k8s.io/apiserver/pkg/authentication/serviceaccount.MakeGroupNames). */
export function serviceAccountGroups(username: string): string[] | undefined {
  const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(username);
  return m ? ['system:serviceaccounts', `system:serviceaccounts:${m[1]}`] : undefined;
}

/** The Forbidden message of k8s.io/apiserver/pkg/endpoints/handlers/responsewriters.forbiddenMessage. */
export function forbiddenMessage(user: UserInfo, a: Attributes): string {
  if (a.path !== undefined) return `forbidden: User "${user.name}" cannot ${a.verb} path "${a.path}"`;
  const res = a.apiGroup ? `${a.resource}.${a.apiGroup}` : a.resource;
  const what = a.name ? `${res} "${a.name}"` : res;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  return `${what} is forbidden: User "${user.name}" cannot ${a.verb} resource "${resource}" in API group "${a.apiGroup ?? ''}" ${scope}`;
}
