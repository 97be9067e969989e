/**
 * Field management for server-side apply (k8s.io/apimachinery/pkg/util/managedfields + structured-merge-diff),
 * reduced to what kubectl observes:
 *
 * - every write records its field manager in `metadata.managedFields` (`FieldsV1`): a create or update
 *   (operation `Update`) owns the leaf fields it set or changed, and takes them from other managers;
 * - an apply (operation `Apply`) owns exactly the fields of its configuration; a field it sets to a value
 *   different from the live one while another manager owns it is a conflict (409, "Apply failed with 1
 *   conflict: conflict with \"kubectl-create\" using apps/v1: .spec.replicas") unless `force=true`, which
 *   takes the field over; fields the same manager applied before and no longer applies, and nobody else
 *   owns, are removed (map keys / struct fields; list items are left alone);
 * - entries are sorted like sortEncodedManagedFields (operation, time, manager).
 *
 * Leaves: scalars, atomic lists and atomic structs (labelSelectors); list items of associative lists are
 * keyed like the OpenAPI x-kubernetes-list-map-keys (`k:{"name":"nginx"}`).
 */
import { KObj, nowTimestamp } from './store';

type El = { f: string } | { k: KObj } | { i: number };
export type Path = El[];

const LIST_KEYS: Record<string, (item: KObj) => KObj | undefined> = {
  containers: (x) => ({ name: x.name }),
  initContainers: (x) => ({ name: x.name }),
  ephemeralContainers: (x) => ({ name: x.name }),
  volumes: (x) => ({ name: x.name }),
  env: (x) => ({ name: x.name }),
  imagePullSecrets: (x) => ({ name: x.name }),
  volumeMounts: (x) => ({ mountPath: x.mountPath }),
  ports: (x) => (x.containerPort !== undefined ? { containerPort: x.containerPort, protocol: x.protocol ?? 'TCP' } : x.port !== undefined ? { port: x.port, protocol: x.protocol ?? 'TCP' } : undefined),
  tolerations: () => undefined,
};
/** Structs that are atomic in the OpenAPI schema (x-kubernetes-map-type: atomic). */
const ATOMIC = new Set(['selector', 'roleRef']);
/** Map-typed fields: their node itself is a member of the set ("." in FieldsV1). */
const MAPS = new Set(['labels', 'annotations', 'data', 'stringData', 'binaryData', 'matchLabels', 'nodeSelector', 'limits', 'requests']);
const IGNORED_META = new Set(['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields', 'selfLink']);

function isObj(v: unknown): v is KObj { return typeof v === 'object' && v !== null && !Array.isArray(v); }

/** The leaf fields of an object (path key → value); `status` is left out when the kind has a status subresource. */
export function leaves(obj: KObj, opts: { skipStatus: boolean }): Map<string, { path: Path; value: unknown }> {
  const out = new Map<string, { path: Path; value: unknown }>();
  const walk = (v: unknown, path: Path, field: string | undefined) => {
    if (isObj(v) && !(field && ATOMIC.has(field)) && Object.keys(v).length > 0) {
      for (const [k, c] of Object.entries(v)) {
        if (c === undefined || c === null) continue;
        walk(c, [...path, { f: k }], k);
      }
      return;
    }
    if (Array.isArray(v) && field && LIST_KEYS[field] && v.length && v.every((x) => isObj(x) && LIST_KEYS[field](x))) {
      v.forEach((item) => walk(item, [...path, { k: LIST_KEYS[field](item)! }], undefined));
      return;
    }
    out.set(JSON.stringify(path), { path, value: v });
  };
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind' || v === undefined || v === null) continue;
    if (k === 'status' && opts.skipStatus) continue;
    if (k === 'metadata' && isObj(v)) {
      for (const [mk, mv] of Object.entries(v)) if (!IGNORED_META.has(mk) && mv !== undefined && mv !== null) walk(mv, [{ f: 'metadata' }, { f: mk }], mk);
      continue;
    }
    walk(v, [{ f: k }], k);
  }
  return out;
}

/**
 * Rewrites a strict-decoding path (`spec.template.spec.containers[0].foo`) the way structured-merge-diff names
 * it (`.spec.template.spec.containers[name="nginx"].foo`), looking the list items up in `obj`.
 */
export function smdPath(obj: KObj, path: string): string {
  let node: unknown = obj;
  let field = '';
  let out = '';
  for (const tok of path.match(/[^.[\]]+|\[\d+\]/g) ?? []) {
    if (tok.startsWith('[')) {
      const i = Number(tok.slice(1, -1));
      const item = Array.isArray(node) ? node[i] : undefined;
      const key = isObj(item) && LIST_KEYS[field] ? LIST_KEYS[field](item) : undefined;
      out += key ? `[${Object.entries(key).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]` : tok;
      node = item;
    } else {
      out += `.${tok}`;
      field = tok;
      node = isObj(node) ? node[tok] : undefined;
    }
  }
  return out;
}

/** structured-merge-diff's Path.String(): `.spec.template.spec.containers[name="nginx"].image`. */
export function pathString(p: Path): string {
  return p.map((e) => ('f' in e ? `.${e.f}` : 'k' in e ? `[${Object.entries(e.k).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]` : `[${e.i}]`)).join('');
}

function toFieldsV1(paths: Path[]): KObj {
  const root: KObj = {};
  for (const p of paths) {
    let node = root;
    p.forEach((e, idx) => {
      const key = 'f' in e ? `f:${e.f}` : 'k' in e ? `k:${JSON.stringify(e.k)}` : `i:${e.i}`;
      node[key] = node[key] ?? {};
      node = node[key];
      if (idx < p.length - 1 && ('k' in e || ('f' in e && MAPS.has(e.f)))) node['.'] = {};
    });
  }
  return root;
}

function fromFieldsV1(f: KObj | undefined): Path[] {
  const out: Path[] = [];
  const walk = (node: KObj, path: Path) => {
    const kids = Object.keys(node).filter((k) => k !== '.');
    if (kids.length === 0) { if (path.length) out.push(path); return; }
    for (const k of kids) {
      const el: El = k.startsWith('f:') ? { f: k.slice(2) } : k.startsWith('k:') ? { k: JSON.parse(k.slice(2)) } : { i: Number(k.slice(2)) };
      walk(node[k], [...path, el]);
    }
  };
  if (f) walk(f, []);
  return out;
}

interface Entry { manager: string; operation: 'Apply' | 'Update'; apiVersion: string; time: string; subresource?: string; paths: Map<string, Path> }

function readEntries(o: KObj | undefined): Entry[] {
  return ((o?.metadata?.managedFields ?? []) as KObj[]).map((m) => ({
    manager: m.manager ?? '', operation: m.operation, apiVersion: m.apiVersion, time: m.time, subresource: m.subresource,
    paths: new Map(fromFieldsV1(m.fieldsV1).map((p) => [JSON.stringify(p), p])),
  }));
}

function writeEntries(entries: Entry[]): KObj[] | undefined {
  const kept = entries.filter((e) => e.paths.size > 0 || e.operation === 'Apply');
  kept.sort((p, q) => (p.operation !== q.operation ? (p.operation < q.operation ? -1 : 1) : p.time !== q.time ? (p.time < q.time ? -1 : 1) : p.manager < q.manager ? -1 : p.manager > q.manager ? 1 : 0));
  if (!kept.length) return undefined;
  return kept.map((e) => ({
    manager: e.manager, operation: e.operation, apiVersion: e.apiVersion, time: e.time, fieldsType: 'FieldsV1', fieldsV1: toFieldsV1([...e.paths.values()]),
    ...(e.subresource ? { subresource: e.subresource } : {}),
  }));
}

function entryFor(entries: Entry[], manager: string, operation: Entry['operation'], apiVersion: string, subresource?: string): Entry {
  let e = entries.find((x) => x.manager === manager && x.operation === operation && (x.subresource ?? '') === (subresource ?? ''));
  if (!e) { e = { manager, operation, apiVersion, time: nowTimestamp(), subresource, paths: new Map() }; entries.push(e); }
  e.apiVersion = apiVersion;
  e.time = nowTimestamp();
  return e;
}

/** Records an Update by `manager`: it owns what it changed (or, on create, everything it set). */
export function recordUpdate(before: KObj | undefined, after: KObj, manager: string, apiVersion: string, skipStatus: boolean, subresource?: string): void {
  const entries = readEntries(before);
  const old = before ? leaves(before, { skipStatus }) : new Map();
  const now = leaves(after, { skipStatus });
  const changed = [...now].filter(([k, v]) => !old.has(k) || JSON.stringify(old.get(k)!.value) !== JSON.stringify(v.value)).map(([k]) => k);
  const removed = [...old.keys()].filter((k) => !now.has(k));
  for (const e of entries) for (const k of [...changed, ...removed]) e.paths.delete(k);
  if (changed.length) {
    const mine = entryFor(entries, manager, 'Update', apiVersion, subresource);
    for (const k of changed) mine.paths.set(k, now.get(k)!.path);
  }
  // a parent that became a scalar/atomic drops descendants owned by anyone
  for (const e of entries) for (const k of [...e.paths.keys()]) if (!now.has(k)) e.paths.delete(k);
  after.metadata.managedFields = writeEntries(entries);
  if (!after.metadata.managedFields) delete after.metadata.managedFields;
}

export interface ApplyConflict { manager: string; path: Path }

function describeManager(e: Entry): string {
  let s = JSON.stringify(e.manager);
  if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation === 'Update') s += ` using ${e.apiVersion}`;
  return s;
}

/** getConflictMessage in k8s.io/apimachinery/pkg/util/managedfields/internal/conflict.go. */
export function conflictMessage(conflicts: Array<{ manager: string; path: string }>): string {
  if (conflicts.length === 1) return `Apply failed with 1 conflict: conflict with ${conflicts[0].manager}: ${conflicts[0].path}`;
  const by = new Map<string, string[]>();
  for (const c of conflicts) by.set(c.manager, [...(by.get(c.manager) ?? []), c.path]);
  const lines: string[] = [];
  for (const m of [...by.keys()].sort()) { lines.push(`conflicts with ${m}:`); for (const p of by.get(m)!) lines.push(`- ${p}`); }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

/**
 * Server-side apply bookkeeping. `merged` is the live object with the configuration merged in; returns the
 * conflicts (nothing changed then) or sets `merged.metadata.managedFields` and removes fields the manager
 * dropped from its configuration.
 */
export function recordApply(live: KObj | undefined, config: KObj, merged: KObj, manager: string, apiVersion: string, force: boolean, skipStatus: boolean): Array<{ manager: string; path: string }> {
  const entries = readEntries(live);
  const applied = leaves(config, { skipStatus });
  const current = live ? leaves(live, { skipStatus }) : new Map();
  const conflicts: Array<{ manager: string; path: string }> = [];
  for (const [k, v] of applied) {
    const cur = current.get(k);
    if (!cur || JSON.stringify(cur.value) === JSON.stringify(v.value)) continue;
    for (const e of entries) {
      if (e.manager === manager && e.operation === 'Apply') continue;
      if (e.paths.has(k)) conflicts.push({ manager: describeManager(e), path: pathString(v.path) });
    }
  }
  if (conflicts.length && !force) return conflicts;
  if (force) {
    for (const [k, v] of applied) {
      const cur = current.get(k);
      if (cur && JSON.stringify(cur.value) === JSON.stringify(v.value)) continue;
      for (const e of entries) if (!(e.manager === manager && e.operation === 'Apply')) e.paths.delete(k);
    }
  }
  const mine = entryFor(entries, manager, 'Apply', apiVersion);
  const previous = [...mine.paths.values()];
  mine.paths = new Map([...applied].map(([k, v]) => [k, v.path]));
  for (const p of previous) {
    const k = JSON.stringify(p);
    if (applied.has(k) || entries.some((e) => e !== mine && e.paths.has(k))) continue;
    if (p.every((e) => 'f' in e)) removePath(merged, p.map((e) => (e as { f: string }).f));
  }
  const after = leaves(merged, { skipStatus });
  for (const e of entries) for (const k of [...e.paths.keys()]) if (!after.has(k)) e.paths.delete(k);
  merged.metadata.managedFields = writeEntries(entries);
  return [];
}

function removePath(o: KObj, fields: string[]): void {
  let node: KObj | undefined = o;
  for (const f of fields.slice(0, -1)) { node = node?.[f]; if (!isObj(node)) return; }
  if (node) delete node[fields[fields.length - 1]];
}

