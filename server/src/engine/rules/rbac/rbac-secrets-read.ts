import { defineRbacRule } from './common';

export default defineRbacRule({
  id: 'rbac-secrets-read',
  title: "RBAC rule can read Secrets",
  defaultSeverity: 'warning',
  docs: {
    summary: "A Role or ClusterRole rule allows `get`, `list` or `watch` on `secrets` (directly or through a wildcard) without restricting it to named Secrets with `resourceNames`.",
    why: "Secrets hold credentials: ServiceAccount tokens of other workloads, registry and cloud credentials, TLS keys. Whoever can read them can usually act as whoever they belong to, so reading Secrets is a privilege-escalation path. `list` and `watch` return the contents of every Secret in scope, not just names. Restrict the rule with `resourceNames` to the Secrets the workload needs, or mount them into the pod instead of reading them through the API.",
    insecure: "rules:\n- apiGroups: [\"\"]\n  resources: [secrets]\n  verbs: [get, list, watch]",
    hardened: "rules:\n- apiGroups: [\"\"]\n  resources: [secrets]\n  resourceNames: [app-db-credentials]\n  verbs: [get]",
    references: ["https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets"],
  },
});
