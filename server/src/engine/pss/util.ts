/**
 * Defensive accessors over untrusted, YAML-parsed data.
 *
 * The Go implementation works on a decoded corev1.Pod. These helpers emulate
 * what the Kubernetes decoder would have produced, roughly:
 *  - a field of the wrong type is treated as "not set" (Go would fail to
 *    decode the whole object; for a linter "not set / not matching" is the
 *    safest approximation),
 *  - `null` is "not set" (nil pointer / zero value),
 *  - a `null` element of a list of structs decodes to the zero struct,
 *  - scalars destined for a Go string field are stringified the way
 *    sigs.k8s.io/yaml does for numbers/booleans,
 *  - booleans additionally accept the YAML 1.1 spellings (yes/no/on/off/y/n)
 *    that kubectl's YAML 1.1 parser turns into JSON booleans but which a YAML
 *    1.2 parser (js-yaml, yaml) leaves as strings.
 */

export type PathSeg = string | number;
export type Path = PathSeg[];
export type Obj = Record<string, unknown>;

const hasOwn = Object.prototype.hasOwnProperty;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value as an object (Go: non-nil pointer to struct), else undefined. */
export function obj(v: unknown): Obj | undefined {
  return isObj(v) ? v : undefined;
}

/** Own property lookup (never walks the prototype chain). */
export function get(o: unknown, key: string): unknown {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return undefined; // (isObj, inlined: called for every field read)
  try {
    return hasOwn.call(o, key) ? (o as Obj)[key] : undefined;
  } catch {
    return undefined;
  }
}

/** Nested object field (Go: *Struct), undefined when absent/null/wrong type. */
export function objField(o: unknown, key: string): Obj | undefined {
  const v = get(o, key);
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

/** Go *bool: true/false when set, undefined when nil or not decodable. */
export function bool(v: unknown): boolean | undefined {
  // The YAML layer already resolves unquoted YAML 1.1 booleans (yes/on/…) as kubectl does;
  // a quoted "yes" is a string, which the API server would reject for a bool field.
  return typeof v === 'boolean' ? v : undefined;
}

/** Go string / *string: undefined when nil or not decodable. */
export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : undefined;
  if (typeof v === 'boolean') return String(v);
  return undefined;
}

/** Go int32/int64 (*int64): undefined when nil or not an integer. */
export function int(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'bigint') {
    // Only the zero/non-zero distinction matters to the checks.
    return v === BigInt(0) ? 0 : Number(v);
  }
  return undefined;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** A list of structs: null elements decode to the zero struct; other wrong-typed elements are skipped. */
export function structList(v: unknown): { item: Obj; index: number }[] {
  const out: { item: Obj; index: number }[] = [];
  const a = arr(v);
  for (let i = 0; i < a.length; i++) {
    const e = a[i];
    if (e === null || e === undefined) out.push({ item: {}, index: i });
    else if (isObj(e)) out.push({ item: e, index: i });
  }
  return out;
}

/** A list of strings: null elements decode to ""; objects/arrays are skipped. */
export function stringList(v: unknown): { value: string; index: number }[] {
  const out: { value: string; index: number }[] = [];
  const a = arr(v);
  for (let i = 0; i < a.length; i++) {
    const e = a[i];
    if (e === null || e === undefined) out.push({ value: '', index: i });
    else {
      const s = str(e);
      if (s !== undefined) out.push({ value: s, index: i });
    }
  }
  return out;
}

/** Go's sort.Strings order: byte-wise over UTF-8. */
export function goCompare(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** sets.NewString(...).List(): deduplicated, sorted. */
export function sortedSet(values: Iterable<string>): string[] {
  return Array.from(new Set(values)).sort(goCompare);
}

/** joinQuote from the policy package. */
export function joinQuote(items: string[]): string {
  if (items.length === 0) return '';
  return '"' + items.join('", "') + '"';
}

export function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Go's strconv.Quote (fmt %q), close enough for annotation values. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    switch (ch) {
      case '"': out += '\\"'; continue;
      case '\\': out += '\\\\'; continue;
      case '\x07': out += '\\a'; continue;
      case '\b': out += '\\b'; continue;
      case '\f': out += '\\f'; continue;
      case '\n': out += '\\n'; continue;
      case '\r': out += '\\r'; continue;
      case '\t': out += '\\t'; continue;
      case '\v': out += '\\v'; continue;
    }
    if (cp >= 0xd800 && cp <= 0xdfff) {
      out += '\\ufffd'; // lone surrogate: invalid UTF-8 in Go terms
    } else if (PRINTABLE.test(ch)) {
      out += ch;
    } else if (cp < 0x80) {
      out += '\\x' + cp.toString(16).padStart(2, '0');
    } else if (cp < 0x10000) {
      out += '\\u' + cp.toString(16).padStart(4, '0');
    } else {
      out += '\\U' + cp.toString(16).padStart(8, '0');
    }
  }
  return out + '"';
}
