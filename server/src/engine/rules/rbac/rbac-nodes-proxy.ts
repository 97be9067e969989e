import { defineRbacRule } from './common';

export default defineRbacRule({
  id: 'rbac-nodes-proxy',
  title: "RBAC rule allows nodes/proxy",
  defaultSeverity: 'warning',
  docs: {
    summary: "A ClusterRole rule allows any verb on `nodes/proxy` (namespaced Roles cannot grant it).",
    why: "`nodes/proxy` gives direct access to the kubelet API of every node, bypassing audit logging and admission control: it allows running commands in any pod on the node (`/exec`, `/run`). Monitoring agents usually need only `nodes/metrics` or `nodes/stats`.",
    insecure: "rules:\n- apiGroups: [\"\"]\n  resources: [nodes/proxy]\n  verbs: [get]",
    hardened: "rules:\n- apiGroups: [\"\"]\n  resources: [nodes/metrics, nodes/stats]\n  verbs: [get]",
    references: ["https://kubernetes.io/docs/concepts/security/rbac-good-practices/#access-to-proxy-subresource-of-nodes"],
  },
});
