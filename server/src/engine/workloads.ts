/** Where the pod template lives in each workload kind. */
import { isObject, Resource } from './model';
import { YPath } from './yaml/parse';

export interface PodTemplate {
  /** Path of the pod-like object ({metadata, spec}) inside the resource. */
  path: YPath;
  metadata: Record<string, any>;
  spec: Record<string, any>;
}

const TEMPLATE_PATHS: ReadonlyMap<string, YPath> = new Map<string, YPath>(Object.entries({
  Pod: [],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
  PodTemplate: ['template'],
}) as [string, YPath][]);

export const WORKLOAD_KINDS = [...TEMPLATE_PATHS.keys()].filter((k) => k !== 'PodTemplate');

function get(obj: unknown, path: YPath): unknown {
  let cur: unknown = obj;
  for (const seg of path) {
    if (!isObject(cur) && !Array.isArray(cur)) return undefined;
    cur = (cur as any)[seg];
  }
  return cur;
}

/**
 * The pod template of a resource: the built-in workload kinds, and any
 * other kind (e.g. an Argo Rollout) whose `spec.template.spec.containers` is a list.
 */
export function podTemplate(res: Resource): PodTemplate | undefined {
  // A Map, not an object: `kind: constructor` must not find Object.prototype members.
  let path = TEMPLATE_PATHS.get(res.kind);
  if (!path) {
    if (!Array.isArray(get(res.object, ['spec', 'template', 'spec', 'containers']))) return undefined;
    path = ['spec', 'template'];
  }
  const pod = get(res.object, path);
  if (!isObject(pod)) return undefined;
  return {
    path,
    metadata: isObject(pod.metadata) ? pod.metadata : {},
    spec: isObject(pod.spec) ? pod.spec : {},
  };
}

export type ContainerField = 'containers' | 'initContainers' | 'ephemeralContainers';
export const CONTAINER_FIELDS: readonly ContainerField[] = ['containers', 'initContainers', 'ephemeralContainers'];

export interface ContainerRef {
  field: ContainerField;
  index: number;
  container: Record<string, any>;
  name: string;
  /** Path relative to the pod-like object. */
  path: YPath;
}

export function containersOf(spec: Record<string, any>): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const field of CONTAINER_FIELDS) {
    const list = spec[field];
    if (!Array.isArray(list)) continue;
    list.forEach((c, index) => {
      if (!isObject(c)) return;
      out.push({ field, index, container: c, name: typeof c.name === 'string' ? c.name : `#${index}`, path: ['spec', field, index] });
    });
  }
  return out;
}
