import { defineRule } from '../types';
import { serviceAccountName } from './automount-service-account-token';
import { CIS, workloads, kindName } from './util';

export default defineRule({
  id: 'default-service-account',
  family: 'hardening',
  title: 'Pod uses the default ServiceAccount',
  defaultSeverity: 'info',
  fix: 'none',
  docs: {
    summary: 'A pod runs as its namespace\'s `default` ServiceAccount, explicitly (`serviceAccountName: default`) or because it names none.',
    why:
      'Every pod of a namespace that does not name a ServiceAccount shares `default`, so any permission granted to it (a RoleBinding "just to make it work", a Helm chart binding) is silently granted to all of them, and their API requests cannot be told apart in audit logs. Give each workload its own ServiceAccount with only the RBAC it needs, and set `automountServiceAccountToken: false` on `default` (CIS Kubernetes Benchmark 5.1.5: ensure that default service accounts are not actively used). No quick fix: the ServiceAccount and its RBAC have to be created.',
    insecure: 'spec:\n  containers:\n  - name: web\n    image: nginx:1.27',
    hardened:
      'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\nautomountServiceAccountToken: false\n---\n# pod template\nspec:\n  serviceAccountName: web\n  containers:\n  - name: web\n    image: nginx:1.27',
    references: [
      'https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts',
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/',
      CIS,
    ],
  },
  podSpecsOnly: true,
  checkResource(res, ctx) {
    for (const w of workloads(res)) {
      if (w.tpl.noPodFields) continue;
      const sa = serviceAccountName(w.tpl.spec);
      if (sa.name !== 'default') continue;
      ctx.report({
        resource: res,
        path: sa.explicit ? [...w.specPath, sa.explicit] : w.specPath,
        message: sa.explicit
          ? `${kindName(res, w)} runs as the namespace's default ServiceAccount (${sa.explicit}: default): it shares that identity and its RBAC permissions with every other pod that names no ServiceAccount; create a dedicated ServiceAccount.`
          : `${kindName(res, w)} names no ServiceAccount, so it runs as the namespace's default ServiceAccount: it shares that identity and its RBAC permissions with every other pod that names none; create a dedicated ServiceAccount and set serviceAccountName.`,
      });
    }
  },
});
