/**
 * Defensive accessors for untrusted, YAML-parsed data. None of these throw on wrong types.
 */
export type Path = (string | number)[];

export type PlainObject = Record<string, unknown>;

export function isObj(x: unknown): x is PlainObject {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Own property only (never the prototype chain: "constructor", "__proto__" …). */
export function get(x: unknown, key: string): unknown {
  if (!isObj(x)) return undefined;
  return Object.prototype.hasOwnProperty.call(x, key) ? x[key] : undefined;
}

export function has(x: unknown, key: string): boolean {
  return isObj(x) && Object.prototype.hasOwnProperty.call(x, key);
}

export function getIn(x: unknown, path: Path): unknown {
  let cur: unknown = x;
  for (const seg of path) {
    if (typeof seg === 'number') cur = Array.isArray(cur) ? cur[seg] : undefined;
    else cur = get(cur, seg);
    if (cur === undefined) return undefined;
  }
  return cur;
}

export function str(x: unknown): string | undefined {
  return typeof x === 'string' ? x : undefined;
}

/** Non-empty string, else undefined. */
export function name(x: unknown): string | undefined {
  return typeof x === 'string' && x.length > 0 ? x : undefined;
}

/** Scalars (string / number / boolean) as strings — YAML turns `"true"` into `true` when unquoted. */
export function scalarString(x: unknown): string | undefined {
  if (typeof x === 'string') return x;
  if (typeof x === 'number' && Number.isFinite(x)) return String(x);
  if (typeof x === 'boolean') return x ? 'true' : 'false';
  return undefined;
}

/**
 * A list of strings. Lenient: a lone string is treated as a one-element list (the API server would reject it,
 * but for security analysis a `verbs: "*"` must not be silently ignored). Non-string elements are dropped.
 */
export function strList(x: unknown): string[] {
  if (typeof x === 'string') return [x];
  if (!Array.isArray(x)) return [];
  const out: string[] = [];
  for (const e of x) if (typeof e === 'string') out.push(e);
  return out;
}

export function arr(x: unknown): unknown[] {
  return Array.isArray(x) ? x : [];
}

export function labelsOf(metadata: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const labels = get(metadata, 'labels');
  if (!isObj(labels)) return out;
  for (const k of Object.keys(labels)) {
    const v = scalarString(labels[k]);
    if (v !== undefined) out.set(k, v);
  }
  return out;
}

/** Deep clone of plain JSON-like data (cycles and non-plain values are dropped). */
export function cloneData<T>(x: T, seen: Set<unknown> = new Set()): T {
  if (Array.isArray(x)) {
    if (seen.has(x)) return undefined as unknown as T;
    seen.add(x);
    const r = x.map((e) => cloneData(e, seen));
    seen.delete(x);
    return r as unknown as T;
  }
  if (isObj(x)) {
    if (seen.has(x)) return undefined as unknown as T;
    seen.add(x);
    const r: PlainObject = {};
    for (const k of Object.keys(x)) {
      const v = cloneData(x[k], seen);
      if (v !== undefined) r[k] = v;
    }
    seen.delete(x);
    return r as T;
  }
  return x;
}

export function key2(a: string, b: string): string {
  return a + '\u0000' + b;
}
