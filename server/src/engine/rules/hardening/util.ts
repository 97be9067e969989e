/** Helpers shared by the hardening rules (beyond Pod Security Standards). */
import { isObject, Resource, Severity } from '../../model';
import { ContainerRef, containersOf, podPath, podSpecWhere, podTemplates, PodMemo, PodTemplate } from '../../workloads';
import { YPath } from '../../yaml/parse';
import { RuleContext } from '../types';

export const CIS = 'https://www.cisecurity.org/benchmark/kubernetes';

const KIND_LABEL: Record<ContainerRef['field'], string> = {
  containers: 'container',
  initContainers: 'init container',
  ephemeralContainers: 'ephemeral container',
};

/** `container "web"`, `init container "setup"`, `ephemeral container "debug"`. */
export function containerLabel(c: ContainerRef): string {
  return `${KIND_LABEL[c.field]} "${c.name}"`;
}

export interface WorkloadContainer extends ContainerRef {
  /** Path relative to the resource (pod template prefix included). */
  full: YPath;
  label: string;
  /** For a pod spec embedded in another kind: ` in pod spec <path> of <Kind> <name>` (see `containerWhere`). */
  pod?: string;
}

export interface Workload {
  tpl: PodTemplate;
  containers: WorkloadContainer[];
  /** The pod spec's path relative to the resource. */
  specPath: YPath;
  windows: boolean;
  /** For a pod spec embedded in another kind (not a built-in workload): its path as text. */
  where?: string;
}

/** By the resource's parsed object, which an unchanged document keeps across re-parses of its file (no positions inside). */
const cache = new WeakMap<object, { kind: string; workloads: readonly Workload[] }>();
const NONE: readonly Workload[] = Object.freeze([]);

/**
 * Every pod spec of a resource (one for the built-in workload kinds, any number
 * for other kinds) and its containers, with paths relative to the resource
 * (computed once per resource).
 */
export function workloads(res: Resource): readonly Workload[] {
  // Every hardening rule asks for every resource: once per Resource, then once per parsed object across parses.
  const tpls = podTemplates(res); // (fills res.workloadMemo)
  const memo = res.workloadMemo as PodMemo;
  if (memo.workloads !== undefined) return memo.workloads as readonly Workload[];
  if (!tpls.length) return (memo.workloads = NONE);
  const cached = cache.get(res.object);
  if (cached && cached.kind === res.kind) return (memo.workloads = cached.workloads);
  let result = NONE;
  if (tpls.length) {
    const list: Workload[] = [];
    for (const tpl of tpls) {
      const pod = podSpecWhere(res, tpl);
      const containers: WorkloadContainer[] = [];
      for (const c of containersOf(tpl.spec)) {
        const w = c as WorkloadContainer; // the same object, completed (containersOf's result is not kept elsewhere)
        w.full = podPath(tpl, c.path);
        w.label = containerLabel(c);
        if (pod !== undefined) w.pod = pod;
        containers.push(w);
      }
      const os = tpl.spec.os;
      list.push({ tpl, containers, specPath: tpl.specPath, windows: isObject(os) && os.name === 'windows', ...(tpl.where !== undefined ? { where: tpl.where } : {}) });
    }
    result = list;
  }
  cache.set(res.object, { kind: res.kind, workloads: result });
  memo.workloads = result;
  return result;
}

/** The containers of every pod spec of the resource (of the non-Windows ones with `notWindows`), with paths relative to the resource. */
export function workloadContainers(res: Resource, opts?: { notWindows?: boolean }): readonly WorkloadContainer[] {
  const list = workloads(res);
  if (list.length === 1) return opts?.notWindows && list[0].windows ? [] : list[0].containers;
  const out: WorkloadContainer[] = [];
  for (const w of list) if (!(opts?.notWindows && w.windows)) out.push(...w.containers);
  return out;
}

/** The container's securityContext when it is a mapping. */
export function securityContextOf(c: ContainerRef): Record<string, any> | undefined {
  const sc = c.container.securityContext;
  return isObject(sc) ? sc : undefined;
}

/** The severity configured for a rule, when the user set one. */
export function configuredSeverity(ctx: RuleContext, id: string): Severity | undefined {
  const s = ctx.settings.rules[id];
  return s && s !== 'off' ? s : undefined;
}

/** `path` with trailing slashes, `//` and `.`/`..` segments normalised (POSIX host paths). */
export function normalizeHostPath(p: string): string {
  const abs = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return (abs ? '/' : '') + out.join('/') || (abs ? '/' : '.');
}

/** True when `dir` is `path` itself or one of its ancestors. */
export function isSameOrAncestor(dir: string, path: string): boolean {
  return dir === path || dir === '/' || path.startsWith(dir + '/');
}

export interface HostPathVolume {
  index: number;
  name: string;
  /** As written. */
  raw: string;
  /** Normalised. */
  path: string;
  /** Path of `hostPath.path`, relative to the resource. */
  at: YPath;
}

export function hostPathVolumes(w: Workload): HostPathVolume[] {
  const vols = w.tpl.spec.volumes;
  if (!Array.isArray(vols)) return [];
  const out: HostPathVolume[] = [];
  vols.forEach((v, index) => {
    if (!isObject(v) || !isObject(v.hostPath) || typeof v.hostPath.path !== 'string' || v.hostPath.path.trim() === '') return;
    const raw = v.hostPath.path.trim();
    out.push({ index, name: typeof v.name === 'string' ? v.name : `#${index}`, raw, path: normalizeHostPath(raw), at: [...w.specPath, 'volumes', index, 'hostPath', 'path'] });
  });
  return out;
}

/** Containers mounting volume `name`, and whether each mount is writable. */
export function mountsOf(w: Workload, name: string): { container: WorkloadContainer; writable: boolean }[] {
  const out: { container: WorkloadContainer; writable: boolean }[] = [];
  for (const c of w.containers) {
    const mounts = c.container.volumeMounts;
    if (!Array.isArray(mounts)) continue;
    for (const m of mounts) if (isObject(m) && m.name === name) out.push({ container: c, writable: m.readOnly !== true });
  }
  return out;
}

export function quoteList(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * `Deployment web`; `Pod (unnamed, line 12)` for a resource without a name, so that messages stay distinct;
 * with `w`, a pod spec embedded in another kind: `JobSet trainer (pod spec spec.replicatedJobs[0].template.spec.template.spec)`.
 */
export function kindName(res: Resource, w?: Workload): string {
  const name = res.name ? `${res.kind} ${res.name}` : `${res.kind} (unnamed, line ${res.range([]).start.line + 1})`;
  return w?.where === undefined ? name : `${name} (pod spec ${w.where})`;
}

/**
 * `container "web"`, plus the resource when it has no name (` of Pod (unnamed, line 12)`), or, in a pod spec
 * embedded in another kind, the pod spec and the resource (` in pod spec spec.predictor of InferenceService llm`).
 */
export function containerWhere(res: Resource, c: { label: string; pod?: string }): string {
  if (c.pod !== undefined) return c.label + c.pod;
  return res.name ? c.label : `${c.label} of ${kindName(res)}`;
}
