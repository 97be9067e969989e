import { defineRbacRule, wildcardVerbFixes } from './common';

export default defineRbacRule({
  id: 'rbac-wildcard',
  title: "Wildcard in an RBAC rule",
  defaultSeverity: 'warning',
  docs: {
    summary: "A Role or ClusterRole rule uses `*` in `verbs`, `resources` (also `*/subresource`), `apiGroups` or `nonResourceURLs`; reported on the first wildcard field, once per rule. A rule with `*` verbs on `*` resources in `*` API groups is one finding, called cluster-admin equivalent, listing the high-risk permissions it implies (no separate rbac-secrets-read, rbac-pod-exec, … findings for it). `pods/*` is not a wildcard: the authorizer only honours `*` and `*/<subresource>`, so `pods/*` grants no subresource at all (list `pods/exec`, `pods/log`, … instead).",
    why: "A wildcard grants every present and future verb, resource or API group, including ones added later by CRDs and new Kubernetes versions (a `*` on resources includes secrets, `pods/exec` and RBAC objects themselves; `*/scale` includes the scale subresource of every present and future resource). Listing what the workload needs keeps the grant reviewable. The quick fix replaces wildcard verbs with the read-only `get, list, watch` (or an explicit read-write list); wildcards in resources and API groups have to be replaced by hand, and a `*`/`*`/`*` rule gets no quick fix (read-only verbs on every resource still read every Secret).",
    insecure: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: app\n  namespace: shop\nrules:\n- apiGroups: [\"\"]\n  resources: [configmaps]\n  verbs: [\"*\"]",
    hardened: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: app\n  namespace: shop\nrules:\n- apiGroups: [\"\"]\n  resources: [configmaps]\n  verbs: [get, list, watch]",
    references: [],
  },
  // Not for a `*`/`*`/`*` rule: explicit verbs on every resource still read every Secret, exec into pods, … (the risks it
  // implies would surface as new findings); its resources have to be listed by hand.
  fixes: (res, f) => (f.data?.clusterAdminEquivalent ? [] : wildcardVerbFixes(res, f)),
});
