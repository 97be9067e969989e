import { isObject } from '../../model';
import { WorkspaceIndex } from '../../workspace';
import { defineRule } from '../types';
import { quoteList, workloadContainers, containerWhere } from './util';

function has(m: unknown, key: string): boolean {
  return isObject(m) && m[key] !== undefined && m[key] !== null && m[key] !== '';
}

/** Default container limits a LimitRange of the namespace (in the workspace) fills in. */
function limitRangeDefaults(ws: WorkspaceIndex, namespace: string | undefined): { cpu: boolean; memory: boolean; request: boolean } {
  const out: { cpu: boolean; memory: boolean; request: boolean } = { cpu: false, memory: false, request: false };
  for (const lr of ws.resourcesOfKind('LimitRange')) {
    if (lr.namespace !== (namespace ?? 'default') || !Array.isArray(lr.object.spec?.limits)) continue;
    for (const l of lr.object.spec.limits) {
      if (!isObject(l) || l.type !== 'Container') continue;
      if (has(l.default, 'cpu')) out.cpu = true;
      if (has(l.default, 'memory')) out.memory = true;
      if (isObject(l.defaultRequest) && Object.keys(l.defaultRequest).length) out.request = true;
    }
  }
  return out;
}

export default defineRule({
  id: 'missing-resource-limits',
  family: 'hardening',
  title: 'Container without resource limits',
  defaultSeverity: 'info',
  fix: 'none',
  docs: {
    summary:
      'A container or init container has no `resources.limits.memory` or no `resources.limits.cpu` (the message says which) and, when it has no requests either, says so too. Limits that a LimitRange of the namespace (in the workspace) fills in by default count as set.',
    why:
      'Without a memory limit one compromised or leaking container can exhaust the node\'s memory and get other pods evicted or OOM-killed; without a CPU limit it can starve its neighbours (a cheap denial of service, or a cryptominer on your bill). Without requests the scheduler cannot place the pod sensibly and it is the first to be evicted. Set requests and limits from measured usage, or give the namespace a LimitRange with defaults and a ResourceQuota. No quick fix: the values depend on the application.',
    insecure: 'containers:\n- name: app\n  image: nginx:1.27',
    hardened: 'containers:\n- name: app\n  image: nginx:1.27\n  resources:\n    requests:\n      cpu: 100m\n      memory: 64Mi\n    limits:\n      cpu: 500m\n      memory: 128Mi',
    references: [
      'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
      'https://kubernetes.io/docs/concepts/policy/limit-range/',
      'https://kubernetes.io/docs/concepts/security/security-checklist/#pod-security',
    ],
  },
  podSpecsOnly: true,
  checkResource(res, ctx) {
    let defaults: ReturnType<typeof limitRangeDefaults> | undefined;
    for (const c of workloadContainers(res)) {
      if (c.field === 'ephemeralContainers') continue; // ephemeral containers cannot have resources
      const r = c.container.resources;
      const limits = isObject(r) ? r.limits : undefined;
      const requests = isObject(r) ? r.requests : undefined;
      if (has(limits, 'memory') && has(limits, 'cpu')) continue;
      defaults ??= limitRangeDefaults(ctx.workspace, res.namespace);
      const missing: string[] = [];
      if (!has(limits, 'memory') && !defaults.memory) missing.push('memory limit');
      if (!has(limits, 'cpu') && !defaults.cpu) missing.push('CPU limit');
      if (!missing.length) continue;
      // Limits also default the requests; only report requests when nothing sets any.
      const noRequests = !(isObject(requests) && Object.keys(requests).length) && !(isObject(limits) && Object.keys(limits).length) && !defaults.request;
      if (noRequests) missing.push('resource requests');
      ctx.report({
        resource: res,
        path: [...c.full, 'resources'],
        message: `${containerWhere(res, c)} has ${quoteList(missing.map((m) => `no ${m}`))}: ${missing.includes('memory limit') ? 'it can use all of the node\'s memory' : 'it can use all of the node\'s CPU'} and starve or evict other pods; set resources${noRequests ? '.requests and resources.limits' : '.limits'}.`,
      });
    }
  },
});
