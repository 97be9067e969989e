/**
 * Suppression by annotation on the resource — valid YAML that travels with
 * the object, unlike comment pragmas:
 *
 *     metadata:
 *       annotations:
 *         ignore.k8s-guardrails.io/privileged-container: "CNI agent; reviewed by platform security"
 *
 * or for one container of a pod (the others are still reported):
 *
 *         ignore.k8s-guardrails.io/privileged-container.cilium-agent: "reviewed"
 *
 * The reason is required: an empty one is itself reported (`ignore-without-reason`).
 * Ignores can also live in `.k8s-guardrails.yaml` (`ignore:` entries, see
 * config.ts); `ConfigIgnores` matches findings against them.
 */
import { isObject, Resource } from './model';
import { YPath } from './yaml/parse';
import { IgnoreEntry } from './config';
import { nameGlob, pathGlob } from './glob';
import { setIn } from './fix/edits';
import { Fix } from './rules/types';

export const IGNORE_PREFIX = 'ignore.k8s-guardrails.io/';

/** The reason when `rule` is suppressed on `res` by a non-empty annotation. */
export function suppressedBy(res: Resource, rule: string): string | undefined {
  return annotationIgnore(res, rule)?.reason;
}

/** The annotation (per-container first, then for the whole resource) that ignores `rule` on `res`. */
export function annotationIgnore(res: Resource, rule: string, container?: string): { key: string; reason: string } | undefined {
  if (!res.hasIgnoreAnnotations) return undefined;
  const keys = container !== undefined ? [`${IGNORE_PREFIX}${rule}.${container}`, IGNORE_PREFIX + rule] : [IGNORE_PREFIX + rule];
  const annotations = res.annotations;
  for (const key of keys) {
    const v = annotations[key];
    if (typeof v === 'string' && v.trim() !== '') return { key, reason: v };
  }
  return undefined;
}

/** `<rule-id>` or `<rule-id>.<container>` from an ignore annotation key (rule ids have no dots). */
export function parseIgnoreKey(key: string): { rule: string; container?: string } | undefined {
  if (!key.startsWith(IGNORE_PREFIX)) return undefined;
  const rest = key.slice(IGNORE_PREFIX.length);
  const dot = rest.indexOf('.');
  return dot < 0 ? { rule: rest } : { rule: rest.slice(0, dot), container: rest.slice(dot + 1) };
}

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/** The name of the container a field path (relative to the resource) is under, if any. */
export function containerOf(res: Resource, path: YPath | undefined): string | undefined {
  if (!path) return undefined;
  let node: unknown = res.object;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (typeof seg === 'string' && CONTAINER_LISTS.has(seg) && typeof path[i + 1] === 'number') {
      const list = isObject(node) ? node[seg] : undefined;
      const c = Array.isArray(list) ? list[path[i + 1] as number] : undefined;
      const name = isObject(c) ? c.name : undefined;
      if (typeof name === 'string') return name;
    }
    node = Array.isArray(node) ? node[seg as number] : isObject(node) ? node[seg as string] : undefined;
    if (node === undefined) return undefined;
  }
  return undefined;
}

/** What a finding is matched on. */
export interface IgnoreSubject {
  rule: string;
  resource?: Resource;
  /** The file, relative to the config file's directory (forward slashes). */
  file?: string;
  container?: string;
}

/** The `ignore:` entries of the config file, with the use of each recorded. */
export class ConfigIgnores {
  private readonly compiled: { entry: IgnoreEntry; test: (s: IgnoreSubject) => boolean; expired: boolean }[];
  readonly used = new Set<IgnoreEntry>();

  constructor(entries: IgnoreEntry[], now: Date) {
    const today = now.toISOString().slice(0, 10);
    this.compiled = entries.map((entry) => {
      const rule = nameGlob(entry.rule);
      const sel: [(v: string) => boolean, (s: IgnoreSubject) => string | undefined][] = [];
      if (entry.kind !== undefined) sel.push([nameGlob(entry.kind), (s) => s.resource?.kind]);
      if (entry.namespace !== undefined) sel.push([nameGlob(entry.namespace), (s) => s.resource?.namespace]);
      if (entry.name !== undefined) sel.push([nameGlob(entry.name), (s) => s.resource?.name]);
      if (entry.container !== undefined) sel.push([nameGlob(entry.container), (s) => s.container]);
      if (entry.path !== undefined) sel.push([pathGlob(entry.path.replace(/^\.\//, '')), (s) => s.file]);
      return {
        entry,
        expired: entry.expires !== undefined && today > entry.expires,
        test: (s: IgnoreSubject) =>
          rule(s.rule) &&
          sel.every(([matches, get]) => {
            const v = get(s);
            return v !== undefined && matches(v);
          }),
      };
    });
  }

  /** The first live entry that matches, else the first expired one (so the finding can say so). */
  match(s: IgnoreSubject): { entry: IgnoreEntry; expired: boolean } | undefined {
    let expired: IgnoreEntry | undefined;
    for (const c of this.compiled) {
      if (!c.test(s)) continue;
      this.used.add(c.entry);
      if (!c.expired) return { entry: c.entry, expired: false };
      expired ??= c.entry;
    }
    return expired && { entry: expired, expired: true };
  }
}

export function suppressFix(res: Resource, rule: string): Fix | undefined {
  const edit = setIn(res, ['metadata', 'annotations', IGNORE_PREFIX + rule], '');
  return edit ? { title: `Ignore ${rule} for ${res.kind} ${res.name} (annotation; add the reason)`, edits: [edit], suppression: true } : undefined;
}
