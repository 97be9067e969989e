import { defineRbacRule } from './common';

export default defineRbacRule({
  id: 'rbac-create-pods',
  title: "RBAC rule can create workloads",
  defaultSeverity: 'warning',
  docs: {
    summary: "A Role or ClusterRole rule allows `create` on pods or on a pod controller: deployments, replicasets, statefulsets, daemonsets (apps/extensions), jobs, cronjobs (batch), replicationcontrollers. A rule restricted by `resourceNames` never allows `create` (a create request carries no object name), so it is not reported.",
    why: "Creating a pod means choosing its ServiceAccount, its volumes and its security context: whoever can create workloads in a namespace can mount any Secret of it, run as any of its ServiceAccounts, and (unless Pod Security admission forbids it) start a privileged pod that takes over the node. Give this only to deployment tooling, and enforce Pod Security Standards on the namespace.",
    insecure: "rules:\n- apiGroups: [apps]\n  resources: [deployments]\n  verbs: [get, list, create]",
    hardened: "rules:\n- apiGroups: [apps]\n  resources: [deployments]\n  verbs: [get, list]",
    references: ["https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation"],
  },
});
