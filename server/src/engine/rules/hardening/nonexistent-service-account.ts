import { Resource } from '../../model';
import { isBuiltinServiceAccount } from '../../rbac/builtin';
import type { WorkspaceIndex } from '../../workspace';
import { installNamespaces } from '../rbac/common';
import { defineRule } from '../types';
import { serviceAccountName } from './automount-service-account-token';
import { kindName, workloads } from './util';

interface Accounts {
  /** Effective namespace (namespace-less installs placed as the RBAC rules place them; else `default`) → ServiceAccount names. */
  byNamespace: Map<string, Set<string>>;
  /** Every name of `byNamespace`, whatever the namespace. */
  allNames: Set<string>;
  /** Names of ServiceAccounts that declare no namespace and no install places: applied with `-n`, they may be in any namespace. */
  anywhere: Set<string>;
  /** Where each file's namespace-less objects are applied (see `installNamespaces`). */
  installs: Map<object, string>;
  /** By namespace: the names the message shows (`a, b, c, d, e and 3 more`), built on first use. */
  shown: Map<string, string>;
}

const cache = new WeakMap<WorkspaceIndex, { version: number; accounts: Accounts }>();

function accounts(ws: WorkspaceIndex): Accounts {
  const hit = cache.get(ws);
  if (hit && hit.version === ws.version) return hit.accounts;
  const installs = installNamespaces(ws);
  const out: Accounts = { byNamespace: new Map(), allNames: new Set(), anywhere: new Set(), installs, shown: new Map() };
  for (const sa of ws.resourcesOfKind('ServiceAccount')) {
    if (sa.file.skipped || !sa.name) continue;
    const placed = installs.get(sa.file);
    if (!placed && sa.declaredNamespace === undefined) out.anywhere.add(sa.name);
    const ns = placed ?? sa.namespace ?? 'default';
    let names = out.byNamespace.get(ns);
    if (!names) out.byNamespace.set(ns, (names = new Set()));
    names.add(sa.name);
    out.allNames.add(sa.name);
  }
  cache.set(ws, { version: ws.version, accounts: out });
  return out;
}

/** True when `name` may exist in `namespace` for a workload (namespace-less workloads: in any namespace). */
function defined(a: Accounts, res: Resource, namespace: string, name: string): boolean {
  if (a.byNamespace.get(namespace)?.has(name) || a.anywhere.has(name)) return true;
  return res.declaredNamespace === undefined && !a.installs.get(res.file) && a.allNames.has(name);
}

export default defineRule({
  id: 'nonexistent-service-account',
  family: 'hardening',
  title: 'Workload runs as a ServiceAccount the workspace does not define',
  defaultSeverity: 'warning',
  fix: 'none',
  docs: {
    summary:
      'A pod template names a `serviceAccountName` (or the deprecated `serviceAccount`) that no ServiceAccount of the workspace defines in its namespace, while the workspace defines other ServiceAccounts in that namespace (so it is where the namespace\'s accounts are written; a workspace with none there is no evidence). `default` is never reported, nor the ServiceAccounts kube-system has in every cluster. Namespace-less objects count as the RBAC rules place them (README, "Namespace-less installs"); a ServiceAccount that declares no namespace and no install places counts for every namespace, and so does every ServiceAccount for a workload that declares none. Helm and Kustomize renders count.',
    why:
      'The ServiceAccount admission controller rejects a pod whose ServiceAccount does not exist: the Deployment is created, but its ReplicaSet never gets a pod (`error looking up service account`). Usually a typo or a renamed ServiceAccount; when a chart is told not to create its ServiceAccount (`serviceAccount.create: false`), it must be created elsewhere before the workload. Define it, or fix the name.',
    insecure: 'kind: ServiceAccount\nmetadata:\n  name: shop-api\n---\nkind: Deployment\nspec:\n  template:\n    spec:\n      serviceAccountName: shop-apii   # typo',
    hardened: 'kind: Deployment\nspec:\n  template:\n    spec:\n      serviceAccountName: shop-api',
    references: ['https://kubernetes.io/docs/concepts/security/service-accounts/', 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/'],
  },
  podSpecsOnly: true,
  checkResource(res, ctx) {
    const ws = workloads(res);
    if (!ws.length) return;
    for (const w of ws) {
      if (w.tpl.noPodFields) continue;
      const sa = serviceAccountName(w.tpl.spec);
      if (!sa.explicit) continue;
      const a = accounts(ctx.workspace);
      const namespace = a.installs.get(res.file) ?? res.namespace ?? 'default';
      if (isBuiltinServiceAccount(namespace, sa.name)) continue;
      const others = a.byNamespace.get(namespace);
      if (!others?.size || defined(a, res, namespace, sa.name)) continue;
      let shown = a.shown.get(namespace);
      if (shown === undefined) {
        const list = [...others].sort();
        a.shown.set(namespace, (shown = list.slice(0, 5).join(', ') + (list.length > 5 ? ` and ${list.length - 5} more` : '')));
      }
      ctx.report({
        resource: res,
        path: [...w.specPath, sa.explicit],
        message: `${kindName(res, w)} runs as ServiceAccount ${sa.name}, which the workspace does not define in namespace ${namespace} (it defines ${shown} there): the API server rejects its pods until that ServiceAccount exists. A typo, or is it created elsewhere?`,
      });
    }
  },
});
