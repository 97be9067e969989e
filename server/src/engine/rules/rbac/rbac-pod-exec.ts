import { defineRbacRule } from './common';

export default defineRbacRule({
  id: 'rbac-pod-exec',
  title: "RBAC rule allows exec/attach into pods",
  defaultSeverity: 'warning',
  docs: {
    summary: "A Role or ClusterRole rule allows `create` (or `get`, which older clients use over websockets) on `pods/exec` or `pods/attach` (or `*`, `*/exec`, `*/attach`; `pods/*` is not a wildcard and grants neither). With `resourceNames` the message names the only Pods it applies to.",
    why: "Exec and attach run commands inside any pod in scope, with that pod's ServiceAccount token, mounted Secrets and network access: effectively every permission of every workload in the namespace. Keep it to break-glass roles of humans, never to workloads.",
    insecure: "rules:\n- apiGroups: [\"\"]\n  resources: [pods/exec]\n  verbs: [create]",
    hardened: "rules:\n- apiGroups: [\"\"]\n  resources: [pods, pods/log]\n  verbs: [get, list]",
    references: ["https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation"],
  },
});
