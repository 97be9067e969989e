import { defineRbacRule } from './common';

export default defineRbacRule({
  id: 'rbac-webhook-write',
  title: "RBAC rule can change admission webhooks",
  defaultSeverity: 'warning',
  docs: {
    summary: "A ClusterRole rule allows create, update, patch, delete or deletecollection on `mutatingwebhookconfigurations` or `validatingwebhookconfigurations`.",
    why: "Admission webhooks see, and mutating ones can change, every object sent to the API server, including Secrets. Whoever can register a webhook can read those objects, inject containers into every new pod, or disable the policy webhooks that enforce security.",
    insecure: "rules:\n- apiGroups: [admissionregistration.k8s.io]\n  resources: [mutatingwebhookconfigurations]\n  verbs: [create, update, patch]",
    hardened: "rules:\n- apiGroups: [admissionregistration.k8s.io]\n  resources: [mutatingwebhookconfigurations]\n  verbs: [get, list, watch]",
    references: ["https://kubernetes.io/docs/concepts/security/rbac-good-practices/#control-admission-webhooks"],
  },
});
