import { defineRbacRule } from './common';

export default defineRbacRule({
  id: 'rbac-csr-approve',
  title: "RBAC rule can approve certificate signing requests",
  defaultSeverity: 'warning',
  docs: {
    summary: "A ClusterRole that can approve certificate signing requests: it allows both `update`/`patch` on `certificatesigningrequests/approval` and `approve` on a signer (the API server requires both); each of the two rules is reported. A ClusterRole holding only one half approves nothing and is not reported, nor is one bound only by RoleBindings (CSRs are cluster-scoped).",
    why: "Approving CSRs lets a subject get client certificates signed by the cluster CA, for example for `system:masters` or a node identity, which authenticates it as that user or node: full cluster compromise through the `kubernetes.io/kube-apiserver-client` signer.",
    insecure: "rules:\n- apiGroups: [certificates.k8s.io]\n  resources: [certificatesigningrequests/approval]\n  verbs: [update]",
    hardened: "rules:\n- apiGroups: [certificates.k8s.io]\n  resources: [certificatesigningrequests]\n  verbs: [get, list]",
    references: ["https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/#authorization"],
  },
});
