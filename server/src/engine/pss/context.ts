import { bool, get, isObj, objField, str, Obj, Path } from './util';
import type { PssCheckId } from './index';

export interface PssLocation {
  /** Relative to the pod-like object {metadata, spec}. */
  path: (string | number)[];
  /** True when a required field is absent: path is where it should be. */
  missing?: boolean;
  /** Short human text for this location. */
  message: string;
  /**
   * On a location of a restricted check that overrides a baseline check (restrictedVolumes,
   * capabilities_restricted, seccompProfile_restricted, procMount_restricted): the overridden baseline
   * check, when it flags the same field at the same version — the lowest level the field violates.
   * Set by evaluatePss; the check functions never set it.
   */
  baselineCheck?: PssCheckId;
}

export type ContainerKind = 'initContainers' | 'containers' | 'ephemeralContainers';

export interface ContainerRef {
  kind: ContainerKind;
  index: number;
  /** The decoded container (a null list element is an empty container, as in Go). */
  c: Obj;
  /** container.Name as Go sees it ("" when absent). */
  name: string;
  /** ['spec', kind, index] */
  path: Path;
  /** containers' securityContext when it is an object. */
  sc: Obj | undefined;
  /** e.g. `container "app"`, `init container "setup"`, `ephemeral container "debug"`. */
  label: string;
}

export interface PodContext {
  meta: Obj | undefined;
  spec: Obj;
  /** metadata.annotations decoded as map[string]string (non-scalar values dropped). */
  annotations: Map<string, string>;
  podSC: Obj | undefined;
  /** initContainers, containers, ephemeralContainers — the upstream visitContainers order. */
  containers: ContainerRef[];
  /** spec.os.name == "windows" */
  windows: boolean;
  /** spec.hostUsers == false */
  userNamespace: boolean;
  /** The pod's volumes (helpers.ts `volumes`, decoded on first use). */
  volumes?: readonly { v: Obj; index: number; name: string }[];
}

const CONTAINER_KINDS = ['initContainers', 'containers', 'ephemeralContainers'] as const;
const SKIP: Obj = {};

const KIND_LABEL: Record<ContainerKind, string> = {
  initContainers: 'init container',
  containers: 'container',
  ephemeralContainers: 'ephemeral container',
};

export function buildContext(pod: unknown): PodContext {
  const meta = objField(pod, 'metadata');
  const spec = objField(pod, 'spec') ?? {};
  const annotations = new Map<string, string>();
  const rawAnn = objField(meta, 'annotations');
  if (rawAnn) {
    for (const key of Object.keys(rawAnn)) {
      const v = get(rawAnn, key);
      if (v === null || v === undefined) annotations.set(key, '');
      else {
        const s = str(v);
        if (s !== undefined) annotations.set(key, s);
      }
    }
  }
  const containers: ContainerRef[] = [];
  for (const kind of CONTAINER_KINDS) {
    const list = get(spec, kind);
    if (!Array.isArray(list)) continue;
    for (let index = 0; index < list.length; index++) {
      // structList, inlined: null elements decode to the zero struct; other non-objects are skipped.
      const e: unknown = list[index];
      const item: Obj = e === null || e === undefined ? {} : isObj(e) ? e : SKIP;
      if (item === SKIP) continue;
      const name = str(get(item, 'name')) ?? '';
      containers.push({
        kind,
        index,
        c: item,
        name,
        path: ['spec', kind, index],
        sc: objField(item, 'securityContext'),
        label: `${KIND_LABEL[kind]} "${name}"`,
      });
    }
  }
  return {
    meta,
    spec,
    annotations,
    podSC: objField(spec, 'securityContext'),
    containers,
    windows: str(get(objField(spec, 'os'), 'name')) === 'windows',
    userNamespace: bool(get(spec, 'hostUsers')) === false,
    volumes: undefined,
  };
}
