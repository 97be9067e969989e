/**
 * Workload objects the API server would reject as incomplete — typically a
 * Kustomize patch fragment that no kustomization lists (kubebuilder's
 * `config/default/manager_auth_proxy_patch.yaml`): a pod template without
 * containers or with a container without `image` (and, said along, a
 * Deployment without `spec.selector`). Such an object is one `incomplete-resource` finding instead of
 * a full set of workload findings about fields it never meant to set.
 *
 * Only the built-in kinds whose validation is certain are judged; objects
 * rendered by Kustomize are complete by construction of the build (their
 * fragments were merged into a base) and never judged.
 */
import { isObject, Resource } from './model';
import type { WorkspaceIndex } from './workspace';
import { podTemplates } from './workloads';
import type { PodMemo } from './workloads';

interface KindRule {
  apiVersions: readonly string[];
  /** Path of the pod spec ({containers, …}). */
  podSpec: readonly string[];
  /** apps/v1 requires a selector; Job generates one; a ReplicationController defaults it from the template. */
  selector: boolean;
}

const KINDS: ReadonlyMap<string, KindRule> = new Map(
  Object.entries({
    Pod: { apiVersions: ['v1'], podSpec: ['spec'], selector: false },
    Deployment: { apiVersions: ['apps/v1'], podSpec: ['spec', 'template', 'spec'], selector: true },
    StatefulSet: { apiVersions: ['apps/v1'], podSpec: ['spec', 'template', 'spec'], selector: true },
    DaemonSet: { apiVersions: ['apps/v1'], podSpec: ['spec', 'template', 'spec'], selector: true },
    ReplicaSet: { apiVersions: ['apps/v1'], podSpec: ['spec', 'template', 'spec'], selector: true },
    ReplicationController: { apiVersions: ['v1'], podSpec: ['spec', 'template', 'spec'], selector: false },
    Job: { apiVersions: ['batch/v1'], podSpec: ['spec', 'template', 'spec'], selector: false },
    CronJob: { apiVersions: ['batch/v1', 'batch/v1beta1'], podSpec: ['spec', 'jobTemplate', 'spec', 'template', 'spec'], selector: false },
  }),
);

/**
 * Why `res` is not a complete object (`no spec.selector, container "manager" has no image`), or undefined
 * when it is complete, not a workload kind judged here, or rendered by Kustomize.
 */
export function incompleteReason(res: Resource, ws?: WorkspaceIndex): string | undefined {
  // Asked for every report: judged once per Resource, kept in its pod-template memo (a slot, no WeakMap).
  podTemplates(res);
  const memo = res.workloadMemo as PodMemo;
  let r = memo.incomplete;
  if (r === undefined) memo.incomplete = r = judge(res) ?? null;
  if (r === null || ws?.rendered?.isRendered(res.file.uri)) return undefined;
  return r;
}

function judge(res: Resource): string | undefined {
  const rule = KINDS.get(res.kind);
  if (!rule || !rule.apiVersions.includes(res.apiVersion)) return undefined;
  // A missing selector alone is a hand-written object's mistake (its containers are still what would run); a
  // fragment shows in its pod spec: no containers, or containers without image. A Pod without any spec is
  // malformed, not a fragment (the other rules say what they can); so is one whose spec has no `containers` at all.
  const why: string[] = [];
  const spec = res.object.spec;
  if (res.kind === 'Pod' && !(isObject(spec) && Array.isArray(spec.containers))) return undefined;
  let pod: unknown = res.object;
  for (const seg of rule.podSpec) pod = isObject(pod) ? pod[seg] : undefined;
  const containers = isObject(pod) && Array.isArray(pod.containers) ? pod.containers : [];
  if (!containers.some(isObject)) why.push(isObject(pod) ? 'no containers' : `no ${rule.podSpec.join('.')}`);
  const imageless: string[] = [];
  for (const field of ['initContainers', 'containers'] as const) {
    const list = isObject(pod) && Array.isArray(pod[field]) ? pod[field] : [];
    list.forEach((c: unknown, i: number) => {
      if (!isObject(c) || (typeof c.image === 'string' && c.image.trim() !== '')) return;
      const name = typeof c.name === 'string' && c.name ? `"${c.name}"` : `#${i + 1}`;
      imageless.push(`${field === 'initContainers' ? 'init container' : 'container'} ${name}`);
    });
  }
  if (imageless.length) why.push(`${imageless.join(', ')} ${imageless.length === 1 ? 'has' : 'have'} no image`);
  if (!why.length) return undefined;
  if (rule.selector && !(isObject(spec) && isObject(spec.selector))) why.unshift('no spec.selector');
  return why.join(', ');
}
