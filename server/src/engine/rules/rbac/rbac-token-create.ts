import { defineRbacRule } from './common';

export default defineRbacRule({
  id: 'rbac-token-create',
  title: "RBAC rule can mint ServiceAccount tokens",
  defaultSeverity: 'warning',
  docs: {
    summary: "A Role or ClusterRole rule allows `create` on `serviceaccounts/token` (or `*`, `*/token`; `serviceaccounts/*` is not a wildcard and does not grant it). A token request names its ServiceAccount, so `resourceNames` does restrict it: the message then names the only ServiceAccounts tokens can be minted for.",
    why: "The TokenRequest API issues tokens for any ServiceAccount in scope: a subject that can call it can act as every one of those ServiceAccounts, including more privileged ones (for example a controller's), for as long as the token lives.",
    insecure: "rules:\n- apiGroups: [\"\"]\n  resources: [serviceaccounts/token]\n  verbs: [create]",
    hardened: "# no rule: let the kubelet mount projected tokens instead",
    references: ["https://kubernetes.io/docs/reference/kubernetes-api/authentication-resources/token-request-v1/"],
  },
});
