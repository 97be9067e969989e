import { Resource } from '../../model';
import { setIn } from '../../fix/edits';
import { Fix, RelatedInfo, defineRule } from '../types';
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
  fix: 'always',
  docs: {
    summary:
      'A workload gets a Kubernetes API token mounted without anyone having decided so: neither its pod spec nor its ServiceAccount (when defined in the workspace) sets `automountServiceAccountToken`. One finding per workload, on its pod spec; ServiceAccounts are not reported on their own (the token is mounted into pods, and a ServiceAccount used only by operator-created pods, such as kube-prometheus\' `prometheus-k8s`, needs it). An explicit `automountServiceAccountToken: true` on the pod spec (or, when the pod spec says nothing, on its ServiceAccount) is an informed choice and is not reported; set `hardening.reportExplicitAutomountToken: true` in `.k8s-guardrails.yaml` to report it too (as a warning unless the rule\'s severity is configured).',
    why:
      'By default every container gets a token for its ServiceAccount at `/var/run/secrets/kubernetes.io/serviceaccount/token`. Most applications never call the Kubernetes API, but an attacker who gets code execution can read the token and act with the ServiceAccount\'s RBAC permissions, or probe the API server for misconfigurations. Opt out on the ServiceAccount (every pod using it) or on the pod spec (which overrides the ServiceAccount); pods that need the API opt back in explicitly, which silences the finding (CIS Kubernetes Benchmark 5.1.6: ensure that ServiceAccount tokens are only mounted where necessary). The quick fixes (on the pod spec, or on the ServiceAccount when it is in the workspace) are not part of "fix all": applications that talk to the API server (operators, controllers) need the token.',
    insecure: 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n---\n# pod template\nspec:\n  serviceAccountName: web',
    hardened: 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\nautomountServiceAccountToken: false\n---\n# pod template\nspec:\n  serviceAccountName: web\n  automountServiceAccountToken: false',
    references: [
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting',
      'https://kubernetes.io/docs/concepts/security/service-accounts/',
      CIS,
    ],
  },
  podSpecsOnly: true,
  checkResource(res, ctx) {
    const reportExplicit = ctx.settings.hardening?.reportExplicitAutomountToken === true;
    for (const w of workloads(res)) {
      if (w.tpl.noPodFields) continue;
      const spec = w.tpl.spec;
      const own = spec.automountServiceAccountToken;
      if (own === false) continue;
      const path = [...w.specPath, 'automountServiceAccountToken'];
      const sa = serviceAccountName(spec);
      const saRes = findServiceAccount(ctx.workspace, res.namespace, sa.name);
      const saSays = saRes?.object.automountServiceAccountToken;
      const name = kindName(res, w);
      const fixes = () => {
        const out: Fix[] = [];
        const edit = setIn(res, path, false);
        if (edit) out.push({ title: `Set automountServiceAccountToken: false on the pod spec of ${name}`, edits: [edit], preferred: true });
        if (saRes && own === undefined) {
          const e2 = setIn(saRes, ['automountServiceAccountToken'], false);
          if (e2) out.push({ title: `Set automountServiceAccountToken: false on ServiceAccount ${sa.name} (every pod using it)`, edits: [e2] });
        }
        return out;
      };
      const related: RelatedInfo[] | undefined = saRes ? [{ uri: saRes.file.uri, range: saRes.range(['metadata', 'name']), message: `ServiceAccount ${sa.name} (${where(saRes)})` }] : undefined;
      if (own === true || (own === undefined && saSays === true)) {
        if (!reportExplicit) continue;
        ctx.report({
          resource: res,
          path: own === true ? path : w.specPath,
          severity: configuredSeverity(ctx, ID) ?? 'warning',
          message:
            own === true
              ? `${name} sets automountServiceAccountToken: true: every container gets an API token of ServiceAccount ${sa.name}, whatever the ServiceAccount says; set it to false on the pod spec unless the application calls the Kubernetes API (reported because hardening.reportExplicitAutomountToken is on).`
              : `${name} gets an API token of ServiceAccount ${sa.name} mounted because the ServiceAccount sets automountServiceAccountToken: true; set it to false on the pod spec unless the application calls the Kubernetes API (reported because hardening.reportExplicitAutomountToken is on).`,
          related,
          fixes,
        });
        continue;
      }
      if (saSays === false) continue;
      const message = saRes
        ? `${name} gets an API token of ServiceAccount ${sa.name} mounted: neither its pod spec nor ServiceAccount ${sa.name} sets automountServiceAccountToken; set it to false on the pod spec (this workload only) or on ServiceAccount ${sa.name} (every pod using it), or to true on the pod spec if the application calls the Kubernetes API.`
        : `${name} gets an API token of ServiceAccount ${sa.name} mounted: its pod spec does not set automountServiceAccountToken (ServiceAccount ${sa.name} is not defined in the workspace); set it to false unless the application calls the Kubernetes API (then set it to true).`;
      ctx.report({ resource: res, path, message, related, fixes });
    }
  },
});
