import { defineRbacRule, toRoleBindingFixes } from './common';

export default defineRbacRule({
  id: 'rbac-cluster-admin-binding',
  title: "cluster-admin (or equivalent) bound to a ServiceAccount or broad group",
  defaultSeverity: 'error',
  docs: {
    summary: "A ClusterRoleBinding or RoleBinding grants `cluster-admin`, or a role whose effective rules contain `*` verbs on `*` resources in `*` API groups (aggregation resolved), to a ServiceAccount or to a broad group (`system:authenticated`, `system:unauthenticated`, `system:serviceaccounts[:ns]`, user `system:anonymous`); reported on `roleRef`, with the subjects and the wildcard rule as related locations.",
    why: "A ServiceAccount token is a bearer credential stored in every pod that mounts it: anyone who compromises one of those pods (or can read its token) owns the whole cluster (ClusterRoleBinding) or namespace (RoleBinding). Broad groups hand that power to everyone. Bind a dedicated least-privilege role instead; the quick fix turns a ClusterRoleBinding into a RoleBinding in one namespace (one action per namespace of the subjects and the workspace), limiting the damage while a proper role is written.",
    insecure: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: ci\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: cluster-admin\nsubjects:\n- kind: ServiceAccount\n  name: ci\n  namespace: ci",
    hardened: "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: ci\n  namespace: ci\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: edit\nsubjects:\n- kind: ServiceAccount\n  name: ci\n  namespace: ci",
    references: ["https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles"],
  },
  fixes: (res, _f, ctx) => toRoleBindingFixes(res, ctx.workspace),
});
