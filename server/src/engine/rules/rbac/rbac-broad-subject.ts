import { defineRbacRule } from './common';

export default defineRbacRule({
  id: 'rbac-broad-subject',
  title: "High-risk RBAC permission given to a broad group",
  defaultSeverity: 'error',
  docs: {
    summary: "A RoleBinding or ClusterRoleBinding gives `system:authenticated`, `system:unauthenticated`, `system:serviceaccounts` or `system:serviceaccounts:<namespace>` a role whose effective rules (aggregation resolved, resourceNames respected) hold a high-risk permission — one of the rbac-secrets-read, rbac-pod-exec, rbac-create-pods, rbac-escalation-verbs, rbac-token-create, rbac-nodes-proxy, rbac-csr-approve or rbac-webhook-write permissions; reported on `roleRef`, naming each permission, with the group subjects and the risky rules as related locations. A role equivalent to cluster-admin is reported by rbac-cluster-admin-binding instead.",
    why: "Every member of these groups gets the permission: every user and ServiceAccount that can authenticate, anonymous requests, or every pod's token in the cluster or namespace. One compromised pod, or anyone with network access to the API server for `system:unauthenticated`, can then read Secrets, run code in pods, mint tokens or escalate. Bind the role to the named users, groups or ServiceAccounts that need it.",
    insecure: "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: all-sa-read-secrets\n  namespace: shop\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: secret-reader\nsubjects:\n- kind: Group\n  apiGroup: rbac.authorization.k8s.io\n  name: system:serviceaccounts:shop",
    hardened: "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: backup-read-secrets\n  namespace: shop\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: secret-reader\nsubjects:\n- kind: ServiceAccount\n  name: backup\n  namespace: shop",
    references: ["https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-subjects"],
  },
});
