import { defineRbacRule, automountFixes, leastPrivilegeFix } from './common';

export default defineRbacRule({
  id: 'rbac-workload-high-risk',
  title: "Workload runs with high-risk RBAC permissions",
  defaultSeverity: 'info',
  docs: {
    summary: "A workload mounts the API token of a ServiceAccount that holds a high-risk permission (one of the other rbac-* rules, or full `*`/`*`/`*` access) through bindings anywhere in the workspace; one finding per risk, on `serviceAccountName`, naming the permission and the binding → role → rule chain (related locations point at each element, in whatever file it is). Namespace-less objects (an install applied with `kubectl apply -n X`) are placed in the namespace their explicit bindings name, when exactly one does (README, \"Namespace-less installs\").",
    why: "Whoever gets code execution in the pod (a vulnerable dependency, an SSRF that reaches the token file) gets these permissions. Keep such permissions for the few workloads that need them, give every other workload its own ServiceAccount with a least-privilege Role, and do not mount the token where the API is not used. Quick fixes: generate a least-privilege ServiceAccount + Role + RoleBinding for the workload (the Role has a placeholder rule restricted by `resourceNames: [REPLACE-WITH-RESOURCE-NAME]` to fill in), and, when the rule automount-service-account-token is off, set `automountServiceAccountToken: false`.",
    insecure: "spec:\n  template:\n    spec:\n      serviceAccountName: deployer   # bound to cluster-admin in rbac.yaml",
    hardened: "spec:\n  template:\n    spec:\n      serviceAccountName: web\n      automountServiceAccountToken: false",
    references: ["https://kubernetes.io/docs/concepts/security/service-accounts/"],
  },
  fixes: (res, f, ctx, rw) => {
    // One finding per risk, all on serviceAccountName: offer the fixes once (on the first), not once per risk.
    if (rw.findings(res).find((x) => x.rule === 'rbac-workload-high-risk') !== f) return [];
    const lp = leastPrivilegeFix(res, ctx.workspace, rw);
    return [...(lp ? [lp] : []), ...automountFixes(res, f, ctx, rw)];
  },
});
