import { defineRbacRule } from './common';

export default defineRbacRule({
  id: 'rbac-default-sa-bound',
  title: "Role bound to a default ServiceAccount",
  defaultSeverity: 'warning',
  docs: {
    summary: "A RoleBinding or ClusterRoleBinding subject is a namespace's `default` ServiceAccount.",
    why: "Every pod of the namespace that does not set `serviceAccountName` runs as `default`, so a permission granted to it is silently granted to all of them, including pods added later. Create a dedicated ServiceAccount for the workload that needs the permission and bind the role to that.",
    insecure: "subjects:\n- kind: ServiceAccount\n  name: default\n  namespace: shop",
    hardened: "subjects:\n- kind: ServiceAccount\n  name: order-processor\n  namespace: shop",
    references: ["https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts"],
  },
});
