/**
 * Patch implementations: JSON merge patch (RFC 7386), an approximation of
 * Kubernetes strategic merge patch, JSON patch (RFC 6902).
 */
import { ApiError, KObj, clone, errors } from './store';

function isObj(v: unknown): v is KObj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return clone(patch);
  const out: KObj = isObj(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** Merge keys for lists, as in the Kubernetes Go struct tags (patchMergeKey). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  ownerReferences: 'uid',
  conditions: 'type',
  containerStatuses: 'name',
  initContainerStatuses: 'name',
  ephemeralContainerStatuses: 'name',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  addresses: 'type',
  taints: 'key',
  ports: '__port__', // containerPort for containers, port for services
  podIPs: 'ip',
  hostIPs: 'ip',
  finalizers: '__primitive__',
};

/**
 * Strategic merge patch, approximated: maps merge like JSON merge patch, lists
 * with a known merge key are merged item-by-item (with `$patch: delete|replace`),
 * `$setElementOrder/...`, `$retainKeys`, `$deleteFromPrimitiveList/...` directives are honoured
 * or ignored sensibly; other lists are replaced.
 */
export function strategicMergePatch(target: unknown, patch: unknown, fieldName?: string): unknown {
  if (!isObj(patch)) return clone(patch);
  if (patch.$patch === 'replace') {
    const p = clone(patch);
    delete p.$patch;
    return stripDirectives(p);
  }
  if (patch.$patch === 'delete') return undefined;
  const out: KObj = isObj(target) ? clone(target) : {};
  const retain: string[] | undefined = Array.isArray(patch.$retainKeys) ? patch.$retainKeys : undefined;
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$setElementOrder/') || k === '$retainKeys' || k === '$patch') continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const f = k.slice('$deleteFromPrimitiveList/'.length);
      if (Array.isArray(out[f]) && Array.isArray(v)) out[f] = out[f].filter((x: unknown) => !v.includes(x));
      continue;
    }
    if (v === null) { delete out[k]; continue; }
    if (Array.isArray(v)) {
      const mk = MERGE_KEYS[k];
      if (mk && Array.isArray(out[k])) out[k] = mergeList(out[k], v, k, mk, fieldName);
      else out[k] = stripDirectives(v.filter((x) => !(isObj(x) && x.$patch === 'delete')));
      continue;
    }
    const merged = strategicMergePatch(out[k], v, k);
    if (merged === undefined) delete out[k];
    else out[k] = merged;
  }
  if (retain) for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
  return out;
}

function mergeList(current: unknown[], patch: unknown[], field: string, mk: string, parent?: string): unknown[] {
  if (mk === '__primitive__') {
    const out = [...current];
    for (const p of patch) if (!out.includes(p)) out.push(p);
    return out;
  }
  let key = mk;
  if (mk === '__port__') key = parent === 'spec' && patch.some((p) => isObj(p) && 'port' in p && !('containerPort' in p)) ? 'port' : 'containerPort';
  if (patch.some((p) => isObj(p) && p.$patch === 'replace')) {
    return stripDirectives(patch.filter((p) => !(isObj(p) && p.$patch === 'replace'))) as unknown[];
  }
  const out = current.map((c) => clone(c));
  for (const p of patch) {
    if (!isObj(p)) { out.push(p); continue; }
    const idx = out.findIndex((c) => isObj(c) && c[key] !== undefined && c[key] === p[key]);
    if (p.$patch === 'delete') { if (idx >= 0) out.splice(idx, 1); continue; }
    if (idx >= 0) out[idx] = strategicMergePatch(out[idx], p, field);
    else out.push(stripDirectives(p));
  }
  return out;
}

function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isObj(v)) return v;
  const o: KObj = {};
  for (const [k, x] of Object.entries(v)) {
    if (k.startsWith('$')) continue;
    if (x === null) continue;
    o[k] = stripDirectives(x);
  }
  return o;
}

// ---------------------------------------------------------------- JSON patch

function decodePointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw errors.badRequest(`invalid JSON pointer: ${p}`);
  return p.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function resolveParent(doc: unknown, path: string[]): { parent: KObj | unknown[]; key: string } {
  let cur: unknown = doc;
  for (const seg of path.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(seg)];
    else if (isObj(cur)) cur = cur[seg];
    else cur = undefined;
    if (cur === undefined) throw jsonPatchError(`doc is missing path: "/${path.join('/')}"`);
  }
  if (!Array.isArray(cur) && !isObj(cur)) throw jsonPatchError(`doc is missing path: "/${path.join('/')}"`);
  return { parent: cur, key: path[path.length - 1] };
}

function jsonPatchError(message: string): ApiError {
  return new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: ${message}`);
}

function getAt(doc: unknown, path: string[]): unknown {
  let cur: unknown = doc;
  for (const seg of path) {
    if (Array.isArray(cur)) cur = cur[seg === '-' ? cur.length : Number(seg)];
    else if (isObj(cur)) cur = cur[seg];
    else return undefined;
  }
  return cur;
}

export function jsonPatch(doc: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw errors.badRequest('json patch must be an array of operations');
  let out = clone(doc);
  for (const raw of ops) {
    if (!isObj(raw)) throw errors.badRequest('invalid json patch operation');
    const op = raw.op as string;
    const path = decodePointer(String(raw.path ?? ''));
    const remove = (p: string[]): unknown => {
      const { parent, key } = resolveParent(out, p);
      if (Array.isArray(parent)) {
        const i = Number(key);
        if (!(i >= 0 && i < parent.length)) throw jsonPatchError(`Unable to remove nonexistent key: ${key}: missing value`);
        return parent.splice(i, 1)[0];
      }
      if (!(key in parent)) throw jsonPatchError(`Unable to remove nonexistent key: ${key}: missing value`);
      const v = parent[key];
      delete parent[key];
      return v;
    };
    const add = (p: string[], value: unknown) => {
      if (p.length === 0) { out = clone(value); return; }
      const { parent, key } = resolveParent(out, p);
      if (Array.isArray(parent)) {
        const i = key === '-' ? parent.length : Number(key);
        if (!(i >= 0 && i <= parent.length)) throw jsonPatchError(`Unable to access invalid index: ${key}`);
        parent.splice(i, 0, clone(value));
      } else parent[key] = clone(value);
    };
    switch (op) {
      case 'add': add(path, raw.value); break;
      case 'remove': remove(path); break;
      case 'replace': {
        if (path.length === 0) { out = clone(raw.value); break; }
        const { parent, key } = resolveParent(out, path);
        if (Array.isArray(parent)) {
          const i = Number(key);
          if (!(i >= 0 && i < parent.length)) throw jsonPatchError(`replace operation does not apply: doc is missing key: /${path.join('/')}: missing value`);
          parent[i] = clone(raw.value);
        } else {
          if (!(key in parent)) throw jsonPatchError(`replace operation does not apply: doc is missing key: /${path.join('/')}: missing value`);
          parent[key] = clone(raw.value);
        }
        break;
      }
      case 'move': { const v = remove(decodePointer(String(raw.from))); add(path, v); break; }
      case 'copy': { const v = getAt(out, decodePointer(String(raw.from))); if (v === undefined) throw jsonPatchError(`copy from nonexistent path ${raw.from}`); add(path, v); break; }
      case 'test': {
        const v = getAt(out, path);
        if (JSON.stringify(v) !== JSON.stringify(raw.value)) throw jsonPatchError(`testing value /${path.join('/')} failed: test failed`);
        break;
      }
      default: throw errors.badRequest(`Unexpected kind: ${op}`);
    }
  }
  return out;
}
