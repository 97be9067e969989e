import { defineRbacRule, wildcardVerbFixes } from './common';

export default defineRbacRule({
  id: 'rbac-wildcard',
  title: "Wildcard in an RBAC rule",
  defaultSeverity: 'warning',
  docs: {
    summary: "A Role or ClusterRole rule uses `*` in `verbs`, `resources` (also `*/subresource` and `resource/*`), `apiGroups` or `nonResourceURLs`; reported on the first wildcard field, once per rule.",
    why: "A wildcard grants every present and future verb, resource or API group, including ones added later by CRDs and new Kubernetes versions (a `*` on resources includes secrets, `pods/exec` and RBAC objects themselves). Listing what the workload needs keeps the grant reviewable. The quick fix replaces wildcard verbs with the read-only `get, list, watch` (or an explicit read-write list); wildcards in resources and API groups have to be replaced by hand.",
    insecure: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: app\n  namespace: shop\nrules:\n- apiGroups: [\"\"]\n  resources: [configmaps]\n  verbs: [\"*\"]",
    hardened: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: app\n  namespace: shop\nrules:\n- apiGroups: [\"\"]\n  resources: [configmaps]\n  verbs: [get, list, watch]",
    references: [],
  },
  fixes: (res, f) => wildcardVerbFixes(res, f),
});
