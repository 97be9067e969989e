import { defineRbacRule } from './common';

export default defineRbacRule({
  id: 'rbac-escalation-verbs',
  title: "RBAC rule allows escalate, bind or impersonate",
  defaultSeverity: 'warning',
  docs: {
    summary: "A Role or ClusterRole rule allows `escalate` or `bind` on roles/clusterroles, or `impersonate` on users, groups, serviceaccounts, userextras or uids.",
    why: "`escalate` lets a subject create or edit roles with permissions it does not hold; `bind` lets it bind any role (including cluster-admin) to itself; `impersonate` lets it act as another user, group or ServiceAccount. Each bypasses the RBAC privilege-escalation prevention and is equivalent to the highest privilege reachable.",
    insecure: "rules:\n- apiGroups: [rbac.authorization.k8s.io]\n  resources: [clusterroles]\n  verbs: [bind, escalate]",
    hardened: "rules:\n- apiGroups: [rbac.authorization.k8s.io]\n  resources: [clusterroles]\n  verbs: [get, list]",
    references: ["https://kubernetes.io/docs/concepts/security/rbac-good-practices/#escalate-verb", "https://kubernetes.io/docs/concepts/security/rbac-good-practices/#bind-verb", "https://kubernetes.io/docs/concepts/security/rbac-good-practices/#impersonate-verb"],
  },
});
