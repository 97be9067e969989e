/** The containers that run for the life of a long-running pod: what the probe rules check. */
import { isObject, Resource } from '../../model';
import { Workload, WorkloadContainer, workloads } from './util';

/** Built-in kinds whose pods run until replaced (a Pod only with restartPolicy Always, the default). */
const SERVING_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Pod']);

/** Argo Rollouts' Rollout is a Deployment with another rollout strategy. */
function isRollout(res: Resource): boolean {
  return res.kind === 'Rollout' && res.apiVersion.startsWith('argoproj.io/');
}

function ownedByJob(res: Resource): boolean {
  const owners = res.object.metadata?.ownerReferences;
  return Array.isArray(owners) && owners.some((o) => isObject(o) && (o.kind === 'Job' || o.kind === 'CronJob'));
}

/**
 * The pod specs of `res` that run until replaced: Deployments, StatefulSets, DaemonSets, ReplicaSets,
 * ReplicationControllers, Argo Rollouts, and bare Pods with restartPolicy Always (the default) not owned by a
 * Job. Jobs, CronJobs, Pods that run to completion (restartPolicy Never or OnFailure) and the pod specs of other
 * kinds (JobSet, Argo Workflows, Tekton, KServe…: batch or managed by their operator) are not.
 */
function servingWorkloads(res: Resource): readonly Workload[] {
  if (!SERVING_KINDS.has(res.kind) && !isRollout(res)) return [];
  const list = workloads(res);
  if (res.kind !== 'Pod') return list;
  return list.filter((w) => {
    const policy = w.tpl.spec.restartPolicy;
    return (policy === undefined || policy === 'Always') && !ownedByJob(res);
  });
}

/**
 * Their app containers and sidecar containers (init containers with restartPolicy Always, which run beside
 * them and whose probes the kubelet runs too); not ordinary init containers, which run to completion before
 * them, nor ephemeral containers.
 */
export function longRunningContainers(res: Resource): WorkloadContainer[] {
  const out: WorkloadContainer[] = [];
  for (const w of servingWorkloads(res))
    for (const c of w.containers)
      if (c.field === 'containers' || (c.field === 'initContainers' && c.container.restartPolicy === 'Always')) out.push(c);
  return out;
}

