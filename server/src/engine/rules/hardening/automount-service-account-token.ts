import { Resource } from '../../model';
import { setIn } from '../../fix/edits';
import { RelatedInfo, defineRule } from '../types';
import { WorkspaceIndex } from '../../workspace';
import { CIS, configuredSeverity, workloads, kindName } from './util';

const ID = 'automount-service-account-token';

/** The ServiceAccount name a pod spec runs as (`default` when unset). */
export function serviceAccountName(spec: Record<string, any>): { name: string; explicit: 'serviceAccountName' | 'serviceAccount' | undefined } {
  if (typeof spec.serviceAccountName === 'string' && spec.serviceAccountName !== '') return { name: spec.serviceAccountName, explicit: 'serviceAccountName' };
  if (typeof spec.serviceAccount === 'string' && spec.serviceAccount !== '') return { name: spec.serviceAccount, explicit: 'serviceAccount' };
  return { name: 'default', explicit: undefined };
}

export function findServiceAccount(ws: WorkspaceIndex, namespace: string | undefined, name: string): Resource | undefined {
  return ws.find('ServiceAccount', namespace ?? 'default', name);
}

function where(res: Resource): string {
  return `${res.file.uri.split('/').pop()}:${res.range([]).start.line + 1}`;
}

export default defineRule({
  id: ID,
  family: 'hardening',
  title: 'Service account token mounted',
  defaultSeverity: 'info',
  fixable: true,
  docs: {
    summary:
      'A pod gets a Kubernetes API token mounted: neither its spec nor its ServiceAccount (when defined in the workspace) sets `automountServiceAccountToken: false`; also reported on every ServiceAccount that does not set it to false.',
    why:
      'By default every container gets a token for its ServiceAccount at `/var/run/secrets/kubernetes.io/serviceaccount/token`. Most applications never call the Kubernetes API, but an attacker who gets code execution can read the token and act with the ServiceAccount\'s RBAC permissions, or probe the API server for misconfigurations. Opt out on the ServiceAccount (every pod using it) or on the pod spec (which overrides the ServiceAccount); pods that need the API can opt back in explicitly (CIS Kubernetes Benchmark 5.1.6: ensure that ServiceAccount tokens are only mounted where necessary). Reported as a warning when the pod explicitly sets `automountServiceAccountToken: true`. The quick fix is not part of "fix all": applications that talk to the API server (operators, controllers) need the token.',
    insecure: 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n---\n# pod template\nspec:\n  serviceAccountName: web',
    hardened: 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\nautomountServiceAccountToken: false\n---\n# pod template\nspec:\n  serviceAccountName: web\n  automountServiceAccountToken: false',
    references: [
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting',
      'https://kubernetes.io/docs/concepts/security/service-accounts/',
      CIS,
    ],
  },
  checkResource(res, ctx) {
    if (res.kind === 'ServiceAccount') {
      const v = res.object.automountServiceAccountToken;
      if (v === false) return;
      const path = res.has(['automountServiceAccountToken']) ? ['automountServiceAccountToken'] : ['metadata', 'name'];
      ctx.report({
        resource: res,
        path,
        message: `${kindName(res)} ${v === true ? 'sets automountServiceAccountToken: true' : 'does not set automountServiceAccountToken: false'}: every pod using it gets an API token mounted unless its spec opts out; set automountServiceAccountToken: false on the ServiceAccount.`,
        fixes: () => {
          const edit = setIn(res, ['automountServiceAccountToken'], false);
          return edit ? [{ title: `Set automountServiceAccountToken: false on ${kindName(res)}`, edits: [edit], preferred: true }] : [];
        },
      });
      return;
    }
    for (const w of workloads(res)) {
      if (w.tpl.noPodFields) continue;
      const spec = w.tpl.spec;
      const own = spec.automountServiceAccountToken;
      if (own === false) continue;
      const path = [...w.specPath, 'automountServiceAccountToken'];
      const sa = serviceAccountName(spec);
      const fixes = () => {
        const edit = setIn(res, path, false);
        return edit ? [{ title: `Set automountServiceAccountToken: false on the pod spec of ${kindName(res, w)}`, edits: [edit], preferred: true }] : [];
      };
      const saRes = findServiceAccount(ctx.workspace, res.namespace, sa.name);
      if (own === true) {
        ctx.report({
          resource: res,
          path,
          severity: configuredSeverity(ctx, ID) ?? 'warning',
          message: `${kindName(res, w)} sets automountServiceAccountToken: true: every container gets an API token of ServiceAccount ${sa.name}, whatever the ServiceAccount says; set it to false on the pod spec unless the application calls the Kubernetes API.`,
          fixes,
        });
        continue;
      }
      if (saRes?.object.automountServiceAccountToken === false) continue;
      let message: string;
      let related: RelatedInfo[] | undefined;
      if (saRes) {
        message = `${kindName(res, w)} gets an API token of ServiceAccount ${sa.name} mounted: neither its pod spec nor ServiceAccount ${sa.name} sets automountServiceAccountToken: false; set it on the pod spec (this workload only) or on ServiceAccount ${sa.name} (every pod using it).`;
        related = [{ uri: saRes.file.uri, range: saRes.range(['metadata', 'name']), message: `ServiceAccount ${sa.name} (${where(saRes)})` }];
      } else {
        message = `${kindName(res, w)} gets an API token of ServiceAccount ${sa.name} mounted: its pod spec does not set automountServiceAccountToken: false (ServiceAccount ${sa.name} is not defined in the workspace); set it on the pod spec unless the application calls the Kubernetes API.`;
      }
      ctx.report({ resource: res, path, message, related, fixes });
    }
  },
});
