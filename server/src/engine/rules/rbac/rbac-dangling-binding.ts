import { defineRbacRule } from './common';

export default defineRbacRule({
  id: 'rbac-dangling-binding',
  title: "Binding to a missing role or ServiceAccount",
  defaultSeverity: 'info',
  docs: {
    summary: "A binding's `roleRef` names a role that is neither built-in nor defined in the workspace (including a Role of another namespace, a ClusterRoleBinding referencing a Role, or a bad kind), or a ServiceAccount subject is not defined in the workspace or has no namespace. Namespace-less objects (an install applied with `kubectl apply -n X`) are placed in the namespace their explicit bindings name, when exactly one does (README, \"Namespace-less installs\"). Built-in objects exist without being in the files: the default ClusterRoles (cluster-admin, admin, edit, view, `system:*`, `system:controller:*`), the Roles of kube-system and kube-public (`extension-apiserver-authentication-reader`, `system::leader-locking-kube-controller-manager`, `system::leader-locking-kube-scheduler`, `system:controller:bootstrap-signer`, …), every namespace's `default` ServiceAccount and the controller ServiceAccounts of kube-system (`replicaset-controller`, `leader-election-controller`, …).",
    why: "A binding to something that does not exist grants nothing today, but it grants the permissions to whoever creates that role or ServiceAccount later, which is an easy way to hide an escalation. It is also often a typo that leaves the intended workload without its permissions. Files applied separately (another repository, a Helm chart) make this informational.",
    insecure: "roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: app-reader   # not defined anywhere",
    hardened: "# define the Role app-reader in the same namespace, or fix the name",
    references: [],
  },
});
