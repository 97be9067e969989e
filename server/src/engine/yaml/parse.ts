/**
 * YAML text → documents with a light position tree.
 *
 * A document is first read by the fast path (`fast.ts`, #24): a hand-written reader of the block-style
 * subset Kubernetes manifests are written in, which gives up on anything else and must stay observably
 * identical to the js-yaml path below (test/unit/yaml-fastpath.test.ts compares them; `setFastPath`
 * turns it off). Otherwise, and for every error, parsing uses js-yaml with its `listener` hook, which
 * reports every node's open/close and is the fastest way we measured to get both the data and
 * source spans (≈1.3× a bare `loadAll`; the `yaml` package's full document
 * model costs ≈9×). It runs js-yaml's loader vendored with allocation fixes
 * (`server/src/vendor/js-yaml/`: same results, ≈4× less garbage). The
 * comment-preserving `yaml` CST is used only by fixes.
 *
 * A file is first split into documents on `---`/`...` lines so that a syntax
 * error in one document does not hide the others, and so that an edit only
 * re-parses the document it touched (see `DocumentCache`).
 */
import * as jsyaml from 'js-yaml';
import { implicitTypeOf, loadAll } from '../../vendor/js-yaml/loader';
import { parseFast } from './fast';

export type YPath = readonly (string | number)[];

export interface YNode {
  kind: 'map' | 'seq' | 'scalar' | 'alias';
  /** Offsets relative to the document chunk. */
  start: number;
  end: number;
  value: unknown;
  /** map: key, value, key, value…; seq: items. */
  children?: YNode[];
}

export interface YamlError {
  message: string;
  /** Offset relative to the document chunk. */
  offset: number;
}

export interface DuplicateKey {
  key: string;
  node: YNode;
  first: YNode;
}

/**
 * One parsed document, position-independent (offsets relative to its chunk)
 * so it can be cached by text. Node spans are recorded during parsing in a
 * flat typed array (post-order, see `Spans`); `locateSpan` walks it directly,
 * and the `YNode` tree is built only when a caller asks for `root`.
 */
export class ParsedChunk {
  private tree: YNode | undefined | null = null;
  private dups: DuplicateKey[] | undefined;

  constructor(
    readonly value: unknown,
    readonly error: YamlError | undefined,
    /** True when the chunk holds no document (only comments/whitespace). */
    readonly empty: boolean,
    /** Undefined when the chunk has an error or no node. */
    readonly spans: Spans | undefined,
    /** Set when some mapping has fewer keys than pairs (a duplicate, or an overriding merge). */
    private readonly suspectDuplicates: boolean,
  ) {}

  get root(): YNode | undefined {
    if (this.tree === null) this.tree = this.spans ? buildTree(this.spans) : undefined;
    return this.tree;
  }

  get duplicates(): DuplicateKey[] {
    if (!this.dups) {
      this.dups = [];
      const root = this.suspectDuplicates ? this.root : undefined;
      if (root) collectDuplicates(root, this.dups);
    }
    return this.dups;
  }
}

export class YamlDocument {
  constructor(
    readonly chunk: ParsedChunk,
    readonly index: number,
    /** Offset of the chunk in the file. */
    readonly start: number,
    readonly end: number,
  ) {}
  get value(): unknown {
    return this.chunk.value;
  }
  get root(): YNode | undefined {
    return this.chunk.root;
  }
  get error(): YamlError | undefined {
    return this.chunk.error;
  }
  get duplicates(): DuplicateKey[] {
    return this.chunk.duplicates;
  }
  get empty(): boolean {
    return this.chunk.empty;
  }
}

/**
 * Node spans in post-order, as the js-yaml listener closes them: node `i`
 * is `data[base + i * STRIDE + …]` (start, end, kind, size of its subtree including
 * itself, number of direct children). A node's children are the nodes
 * `i - size + 1 … i - 1`; its last child is `i - 1`, and the child before a
 * child `c` is `c - size(c)`.
 *
 * Values are not kept per node: a scalar whose value is a string equal to its
 * source text (most keys and values: plain scalars) is flagged `PLAIN` in its
 * kind and read from `text`; the other scalar and alias values are in
 * `others` (see `spanValue`).
 */
export interface Spans {
  /** A buffer shared by the documents of one parse (see `SpanArena`): this document's nodes start at `base`. */
  data: Int32Array;
  /** Where node 0 is in `data` (an index into it, not a node number). */
  base: number;
  /** Number of nodes. */
  count: number;
  /** The chunk text the offsets are relative to. */
  text: string;
  /** Node index, value, node index, value… for scalars and aliases not flagged PLAIN, by increasing index. */
  others: unknown[];
  /** Index of the first document's root node. */
  root: number;
  /** Children of long sequences by position, built on first use (item i in O(1), not O(count)). */
  items?: Map<number, Int32Array>;
}

/** Sequences with more items than this get an item table on first lookup. */
const ITEM_TABLE_MIN = 16;

function itemTable(sp: Spans, node: number, count: number): Int32Array {
  let table = sp.items?.get(node);
  if (!table) {
    const d = sp.data;
    const b = sp.base;
    table = new Int32Array(count);
    let c = node - 1;
    for (let i = count - 1; i >= 0; i--) {
      table[i] = c;
      c -= d[b + c * STRIDE + S_SIZE];
    }
    (sp.items ??= new Map()).set(node, table);
  }
  return table;
}

const STRIDE = 5;
const S_START = 0;
const S_END = 1;
const S_KIND = 2;
const S_SIZE = 3;
const S_COUNT = 4;

/** Flag on S_KIND: the node's value is its source text (a string scalar written plainly). */
const PLAIN = 4;
const KIND_MASK = 3;

const KIND_NAMES: YNode['kind'][] = ['map', 'seq', 'scalar', 'alias'];

/** The value of node `i`: the parsed scalar or alias value, undefined for collections. */
export function spanValue(sp: Spans, i: number): unknown {
  const o = sp.base + i * STRIDE;
  const kind = sp.data[o + S_KIND];
  if (kind & PLAIN) return sp.text.slice(sp.data[o + S_START], sp.data[o + S_END]);
  if ((kind & KIND_MASK) < 2) return undefined;
  const others = sp.others;
  let lo = 0;
  let hi = (others.length >> 1) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = others[mid * 2] as number;
    if (at === i) return others[mid * 2 + 1];
    if (at < i) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

function buildTree(sp: Spans): YNode | undefined {
  const d = sp.data;
  const stack: YNode[] = [];
  const n = sp.count;
  for (let i = 0; i <= sp.root && i < n; i++) {
    const o = sp.base + i * STRIDE;
    const count = d[o + S_COUNT];
    const kind = d[o + S_KIND] & KIND_MASK;
    const node: YNode = { kind: KIND_NAMES[kind], start: d[o + S_START], end: d[o + S_END], value: spanValue(sp, i) };
    if (count > 0) node.children = stack.splice(stack.length - count, count);
    else if (kind < 2) node.children = [];
    stack.push(node);
  }
  // One root per document js-yaml read; the chunk's value is the first document's.
  return stack[0];
}

/** A node of `Spans` found by `locateSpan`: indexes, -1 for none. */
export interface LocatedSpan {
  node: number;
  /** The key node when the last matched segment is a map key. */
  key: number;
  depth: number;
}

/** `locate` on the flat spans: the node at `path`, or the deepest existing ancestor (no tree built). */
export function locateSpan(sp: Spans, path: YPath, from = 0, to = path.length): LocatedSpan {
  const d = sp.data;
  const b = sp.base;
  const text = sp.text;
  let node = sp.root;
  let key = -1;
  let depth = 0;
  for (let p = from; p < to; p++) {
    const seg = path[p];
    const o = b + node * STRIDE;
    const kind = d[o + S_KIND] & KIND_MASK;
    const count = d[o + S_COUNT];
    if (kind > 1) break;
    let next = -1;
    let nextKey = -1;
    if (kind === 0) {
      const want = typeof seg === 'string' ? seg : String(seg);
      // Last one wins, as in the parsed data (duplicate keys override); children are walked from the last.
      let c = node - 1;
      for (let i = count - 1; i > 0; i -= 2) {
        const v = c;
        const k = v - d[b + v * STRIDE + S_SIZE];
        const ko = b + k * STRIDE;
        let match: boolean;
        if (d[ko + S_KIND] & PLAIN) {
          // Compared in place: no string is built for the key.
          match = d[ko + S_END] - d[ko + S_START] === want.length && text.startsWith(want, d[ko + S_START]);
        } else {
          const kv = spanValue(sp, k);
          match = (typeof kv === 'string' ? kv : String(kv)) === want;
        }
        if (match) {
          next = v;
          nextKey = k;
          break;
        }
        c = k - d[ko + S_SIZE];
      }
    } else if (typeof seg === 'number') {
      if (seg >= 0 && seg < count && Number.isInteger(seg)) {
        if (count > ITEM_TABLE_MIN) next = itemTable(sp, node, count)[seg];
        else {
          let c = node - 1;
          for (let i = count - 1; i > seg; i--) c -= d[b + c * STRIDE + S_SIZE];
          next = c;
        }
      }
    }
    if (next < 0) break;
    node = next;
    key = nextKey;
    depth++;
  }
  return { node, key: depth === to - from ? key : -1, depth };
}

/** Start, end and kind (0 map, 1 seq, 2 scalar, 3 alias) of node `i`. */
export function spanStart(sp: Spans, i: number): number {
  return sp.data[sp.base + i * STRIDE + S_START];
}
export function spanEnd(sp: Spans, i: number): number {
  return sp.data[sp.base + i * STRIDE + S_END];
}
export function spanKind(sp: Spans, i: number): number {
  return sp.data[sp.base + i * STRIDE + S_KIND] & KIND_MASK;
}

const MAX_DEPTH = 200;

/**
 * kubectl and the API server read YAML through sigs.k8s.io/yaml (go-yaml v2,
 * YAML 1.1), where `yes`/`no`/`on`/`off`/`y`/`n` are booleans. Match that, so
 * `privileged: yes` is seen as true, as the cluster would.
 */
// Replaces the core bool type (same tag), so it lists the core spellings too.
const YAML11_TRUE = new Set(['true', 'True', 'TRUE', 'y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON']);
const YAML11_FALSE = new Set(['false', 'False', 'FALSE', 'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF']);
/** First letters of the YAML 1.1 booleans (t, f, y, n, o in both cases). */
const BOOL_FIRST = new Set([116, 84, 102, 70, 121, 89, 110, 78, 111, 79]);
const yaml11Bool = new jsyaml.Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  // Every plain scalar is tried against each implicit type: reject most without hashing the string.
  resolve: (data: string) => data.length <= 5 && BOOL_FIRST.has(data.charCodeAt(0)) && (YAML11_TRUE.has(data) || YAML11_FALSE.has(data)),
  construct: (data: string) => YAML11_TRUE.has(data),
  predicate: (v: unknown) => typeof v === 'boolean',
  represent: { lowercase: (v: unknown) => (v ? 'true' : 'false') },
  defaultStyle: 'lowercase',
});
/**
 * js-yaml's float and timestamp types with a first-character test before their regular expressions (which
 * every plain scalar, every key and name included, would otherwise run): same results, less work.
 */
function prechecked(name: 'float' | 'timestamp', canStart: (data: string) => boolean): jsyaml.Type {
  // Not in @types/js-yaml: the built-in types, and a Type's options as fields.
  const t = (jsyaml as unknown as { types: Record<string, any> }).types[name];
  const options = { kind: t.kind, multi: t.multi, construct: t.construct, instanceOf: t.instanceOf, predicate: t.predicate, represent: t.represent, representName: t.representName, defaultStyle: t.defaultStyle, styleAliases: t.styleAliases };
  return new jsyaml.Type(t.tag, { ...options, resolve: (data: unknown) => (typeof data === 'string' && !canStart(data) ? false : t.resolve(data)) });
}
const isDigit = (c: number) => c >= 48 && c <= 57;
/** `2.5`, `-1e3`, `+.inf`, `.nan`: a digit, sign or dot first. */
const fastFloat = prechecked('float', (d) => {
  const c = d.charCodeAt(0);
  return isDigit(c) || c === 45 || c === 43 || c === 46;
});
/** `2001-12-14` and longer: four digits and a dash first. */
const fastTimestamp = prechecked('timestamp', (d) => d.length >= 8 && isDigit(d.charCodeAt(0)) && d.charCodeAt(4) === 45);
export const KUBERNETES_SCHEMA = jsyaml.DEFAULT_SCHEMA.extend({ implicit: [yaml11Bool, fastFloat, fastTimestamp] });

/**
 * True when no implicit type of `KUBERNETES_SCHEMA` resolves the plain scalar `s` (the vendored loader's
 * `plainString`): a letter first, and not a null (`null`, up to 4 characters) or a YAML 1.1 boolean (up to
 * 5, first letter n, t, f, y or o); ints, floats and timestamps start with a digit, sign or dot, `~` is
 * null, `<<` a merge key. Most keys and names pass, and skip trying each type.
 */
export function staysString(s: string): boolean {
  const c = s.charCodeAt(0);
  if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90))) return false;
  if (s.length > 5) return true;
  const l = c | 0x20;
  return l !== 110 /* n */ && l !== 116 /* t */ && l !== 102 /* f */ && l !== 121 /* y */ && l !== 111; /* o */
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Skip whitespace and comments from `pos` forwards. */
function skipTrivia(text: string, pos: number, limit: number): number {
  while (pos < limit) {
    const c = text.charCodeAt(pos);
    if (isSpace(c)) pos++;
    else if (c === 35 /* # */) {
      while (pos < limit && text.charCodeAt(pos) !== 10 && text.charCodeAt(pos) !== 13) pos++;
    } else break;
  }
  return pos;
}

function trimEnd(text: string, start: number, end: number): number {
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  return end;
}

// The chunk being parsed (parsing is synchronous and never re-entered) writes its nodes straight into its
// arena's buffer, `scratch`, from index `B` on; per open node, `opens` holds where it opened, how many nodes
// were closed before, and its number of children.
const NO_SPANS = new Int32Array(0);
let scratch: Int32Array = NO_SPANS;
let B = 0;
let opens = new Int32Array(3 * 256);

/**
 * Where the chunks of one file parse keep their spans: a few large buffers, each chunk's nodes at an offset
 * in one (`Spans.base`), instead of one buffer per document (an ArrayBuffer each, which costs an
 * allocation and GC bookkeeping) and with no copy. A buffer lives as long as any chunk using it (a chunk
 * reused by DocumentCache keeps the buffer it was parsed into), so the memory held is at most what one
 * parse of the file needed, with under 2× slack.
 */
export class SpanArena {
  buf: Int32Array;
  used = 0;

  constructor(capacity: number) {
    this.buf = new Int32Array(Math.max(1024, capacity));
  }
}

/** Room for `need` nodes of the chunk being parsed, which has `have`: when full, a larger buffer with this chunk's nodes moved to its start. */
function reserve(have: number, need: number): void {
  if (B + need * STRIDE <= scratch.length) return;
  const grown = new Int32Array(Math.max(scratch.length * 2, need * STRIDE * 2, 1024));
  grown.set(scratch.subarray(B, B + have * STRIDE));
  scratch = grown;
  B = 0;
}

/** The implicit types of `KUBERNETES_SCHEMA`, in the order the loader tries them. */
const IMPLICIT_TYPES = (KUBERNETES_SCHEMA as unknown as { compiledImplicit: jsyaml.Type[] }).compiledImplicit;

/** A plain scalar's value as the loader types it (its own `implicitTypeOf`, with the `staysString` shortcut). */
function resolvePlain(s: string): unknown {
  const type = implicitTypeOf(IMPLICIT_TYPES, staysString, s) as jsyaml.Type | null;
  return type === null ? s : type.construct(s);
}

let fastPath = true;

/** Turns the fast path (`fast.ts`) on or off, for the test that compares it with js-yaml; returns the previous setting. */
export function setFastPath(on: boolean): boolean {
  const was = fastPath;
  fastPath = on;
  return was;
}

export function parseChunk(text: string, arena: SpanArena = new SpanArena(Math.ceil(text.length / 2))): ParsedChunk {
  if (fastPath) {
    const fast = parseFast(text, arena.buf, arena.used, resolvePlain);
    if (fast) {
      arena.buf = fast.data;
      arena.used = fast.base + fast.count * STRIDE;
      const spans: Spans = { data: fast.data, base: fast.base, count: fast.count, text, others: fast.others, root: fast.count - 1 };
      return new ParsedChunk(fast.value, undefined, false, spans, false);
    }
  }
  scratch = arena.buf;
  B = arena.used;
  const others: unknown[] = [];
  let n = 0; // nodes closed so far
  let depth = 0; // open nodes
  let root = -1;
  let suspect = false;
  const textLength = text.length;
  const bom = text.charCodeAt(0) === 0xfeff;
  // The last node pushed and its value (to recognise a node that is only a wrapper of it).
  let lastIndex = -1;
  let lastResult: unknown;

  const listener = (event: 'open' | 'close', state: any): void => {
    if (event === 'open') {
      if ((depth + 1) * 3 > opens.length) {
        const grown = new Int32Array(opens.length * 2);
        grown.set(opens);
        opens = grown;
      }
      const q = depth * 3;
      // js-yaml appends a line break to input that lacks one: positions can be one past the text.
      const pos: number = state.position;
      opens[q] = pos < textLength ? pos : textLength;
      opens[q + 1] = n;
      opens[q + 2] = 0;
      depth++;
      return;
    }
    depth--;
    const q = depth * 3;
    const open = opens[q];
    let nChildren = opens[q + 2];
    if (depth > 0) opens[q - 1]++;
    const pos: number = state.position;
    const closeAt = pos < textLength ? pos : textLength;
    const kind: string | null = state.kind;
    let lo = B + (n - 1) * STRIDE; // the last child, when there is one
    let sp = scratch;
    if (nChildren === 1 && n - 1 === lastIndex && (kind === 'mapping' || kind === 'sequence') && typeof state.result === 'object' && state.result !== null && state.result === lastResult) {
      // A flow collection as a block sequence item or document root: js-yaml reads it as a possible
      // key and keeps it as the node's value. It is this node: no wrapper (whose one child is no pair).
      if (depth === 0 && root < 0) root = lastIndex;
      return;
    }
    if (kind === 'mapping' && nChildren % 2 === 1 && sp[lo + S_KIND] === 2 && sp[lo + S_START] === sp[lo + S_END] && sp[lo + S_COUNT] === 0 && others[others.length - 2] === n - 1 && others[others.length - 1] === null) {
      // A block mapping followed by `...` makes js-yaml try one more key there and give up: not a node.
      n--;
      others.length -= 2;
      nChildren--;
      lo -= STRIDE;
    }
    if (kind === 'scalar' && nChildren === 1 && n - 1 === lastIndex && lastResult === null && state.result !== null && sp[lo + S_START] === sp[lo + S_END] && others[others.length - 2] === n - 1) {
      // A block scalar as a sequence item or document root (`- |`): js-yaml first tries the item as an
      // implicit key and reads nothing there. That empty attempt is not the scalar: drop it, so the
      // node spans the scalar's text below (not zero width at its indicator).
      n--;
      others.length -= 2;
      nChildren--;
      lo -= STRIDE;
    }
    if (kind === 'sequence' && Array.isArray(state.result) && state.result.length > nChildren) {
      const added = addEmptyItems(text, others, opens[q + 1], n, nChildren, state.result.length, skipTrivia(text, open, closeAt), closeAt);
      n += added;
      nChildren += added;
      lo = B + (n - 1) * STRIDE;
      sp = scratch;
    }
    const start = skipTrivia(text, open, closeAt);
    let k: number;
    let s = start;
    let e: number;
    if (kind === 'mapping' || kind === 'sequence') {
      k = kind === 'mapping' ? 0 : 1;
      const first = text.charCodeAt(start);
      const flow = first === 123 /* { */ || first === 91; /* [ */
      e = flow || nChildren === 0 ? trimEnd(text, start, closeAt) : sp[lo + S_END];
      if (k === 0 && !suspect && nChildren > 1) {
        let keys = 0;
        for (const _ in state.result as object) keys++;
        if (keys < nChildren >> 1) suspect = true;
      }
    } else if (nChildren === 1 && kind === 'scalar') {
      // js-yaml composed a scalar through a nested call (a plain key that turned out not to be a key).
      k = 2;
      s = sp[lo + S_START];
      e = sp[lo + S_END];
    } else if (start >= closeAt) {
      // Empty node (`key:` with no value): zero-width at where it would be.
      k = 2;
      s = e = open;
    } else {
      k = text.charCodeAt(start) === 42 /* * */ ? 3 : 2;
      e = trimEnd(text, start, closeAt);
    }
    reserve(n, n + 1);
    const o = B + n * STRIDE;
    scratch[o + S_START] = s;
    scratch[o + S_END] = e;
    const result = state.result;
    // A plain scalar the loader read in one piece from s to e is that text (no comparison needed), unless
    // the loader dropped a byte order mark (its positions are then not the text's).
    if (k === 2 && typeof result === 'string' && result.length === e - s && ((state.plainStart === s && state.plainEnd === e && !bom) || text.startsWith(result, s))) k |= PLAIN;
    else if (k >= 2) others.push(n, result);
    scratch[o + S_KIND] = k;
    scratch[o + S_SIZE] = n - opens[q + 1] + 1;
    scratch[o + S_COUNT] = nChildren;
    if (depth === 0 && root < 0) root = n;
    lastIndex = n;
    lastResult = state.result;
    n++;
  };

  let value: unknown;
  let error: YamlError | undefined;
  let count = 0;
  try {
    loadAll(
      text,
      (doc: unknown) => {
        count++;
        if (count === 1) value = doc;
      },
      { json: true, listener, maxDepth: MAX_DEPTH, schema: KUBERNETES_SCHEMA, plainString: staysString } as jsyaml.LoadOptions,
    );
  } catch (e) {
    const ex = e as { reason?: string; message?: string; mark?: { position?: number } };
    // "Unexpected end of stream" errors point past the last line: keep them on the document's last content.
    const contentEnd = trimEnd(text, 0, text.length);
    let offset = Math.max(0, Math.min(ex.mark?.position ?? 0, text.length));
    if (offset >= contentEnd) offset = Math.max(0, contentEnd - 1);
    error = { message: ex.reason ?? ex.message ?? String(e), offset };
    value = undefined;
  }
  if (!error && count > 1) {
    // Chunks end at `---`/`...` lines, so js-yaml found a second document only after a `...` with content
    // on its line (`... - x`), which YAML does not allow (the marker ends its line); js-yaml starts a new
    // document there, whose data would be lost.
    const m = /^\.\.\.[ \t]+[^ \t#\r\n]/m.exec(text);
    error = { message: 'a document end marker (...) must be followed by a line break or a comment', offset: m ? m.index + m[0].length - 1 : 0 };
    value = undefined;
  }
  const spans = !error && n > 0 && root >= 0 ? { data: scratch, base: B, count: n, text, others, root } : undefined;
  // The arena keeps the nodes of a chunk with spans (in the buffer they were written to, larger when it filled up).
  arena.buf = scratch;
  arena.used = spans ? B + n * STRIDE : B;
  scratch = NO_SPANS; // not held here after the parse
  return new ParsedChunk(value, error, count === 0 && !error, spans, suspect);
}

/**
 * The item indicators (`-` offsets) between `from` and `to`, where only trivia, dashes and node properties
 * (`&anchor`, `!tag`) may be; undefined when something else is there.
 */
function dashesIn(text: string, from: number, to: number): number[] | undefined {
  const out: number[] = [];
  let p = from;
  while (p < to) {
    const c = text.charCodeAt(p);
    if (isSpace(c)) p++;
    else if (c === 35 /* # */) {
      while (p < to && text.charCodeAt(p) !== 10 && text.charCodeAt(p) !== 13) p++;
    } else if (c === 45 /* - */ && (p + 1 >= text.length || isSpace(text.charCodeAt(p + 1)))) {
      out.push(p);
      p++;
    } else if (c === 38 /* & */ || c === 33 /* ! */) {
      while (p < to && !isSpace(text.charCodeAt(p))) p++;
    } else return undefined;
  }
  return out;
}

/**
 * js-yaml reads an empty block sequence item (a `-` with nothing after it before the next item or the
 * end of the sequence) as null without composing a node: no listener event marks it. Add a zero-width
 * node after each such dash (as for an empty `key:` value), so item i of the data is child i of the
 * sequence and the sequence ends at its last item. The sequence's children are the nodes `first … n - 1`;
 * `from`/`to` bound its text. Returns the number of nodes added: 0 when the text between the children
 * does not account for exactly the missing items (the spans then stay as they were).
 */
function addEmptyItems(text: string, others: unknown[], first: number, n: number, nChildren: number, items: number, from: number, to: number): number {
  const d = scratch;
  const roots: number[] = new Array(nChildren);
  for (let c = n - 1, i = nChildren - 1; i >= 0; i--) {
    roots[i] = c;
    c -= d[B + c * STRIDE + S_SIZE];
  }
  // The empty items' dashes before each child (the last dash before a child is the child's own) and after the last.
  const empties: number[][] = [];
  let total = 0;
  for (let j = 0; j <= nChildren; j++) {
    const dashes = dashesIn(text, j === 0 ? from : d[B + roots[j - 1] * STRIDE + S_END], j < nChildren ? d[B + roots[j] * STRIDE + S_START] : to);
    if (!dashes || (j < nChildren && dashes.pop() === undefined)) return 0;
    empties.push(dashes);
    total += dashes.length;
  }
  if (total !== items - nChildren) return 0;
  reserve(n, n + total);
  const sp = scratch;
  // Move each child's subtree up by the number of empty items before it (the last child first).
  const shift: number[] = new Array(nChildren);
  for (let j = 0, s = 0; j < nChildren; j++) shift[j] = s += empties[j].length;
  for (let j = nChildren - 1; j >= 0; j--) {
    const lo = roots[j] - sp[B + roots[j] * STRIDE + S_SIZE] + 1;
    if (shift[j]) sp.copyWithin(B + (lo + shift[j]) * STRIDE, B + lo * STRIDE, B + (roots[j] + 1) * STRIDE);
  }
  // Values not kept in the text, by node index: the children's move with them; the empty items' are null.
  let t = others.length;
  while (t > 0 && (others[t - 2] as number) >= first) t -= 2;
  const tail = others.splice(t);
  let k = 0;
  let at = first;
  for (let j = 0; j <= nChildren; j++) {
    for (const dash of empties[j]) {
      const o = B + at * STRIDE;
      sp[o + S_START] = sp[o + S_END] = Math.min(dash + 1, text.length);
      sp[o + S_KIND] = 2;
      sp[o + S_SIZE] = 1;
      sp[o + S_COUNT] = 0;
      others.push(at, null);
      at++;
    }
    if (j === nChildren) break;
    const end = roots[j];
    while (k < tail.length && (tail[k] as number) <= end) {
      others.push((tail[k] as number) + shift[j], tail[k + 1]);
      k += 2;
    }
    at = end + shift[j] + 1;
  }
  return total;
}

function collectDuplicates(node: YNode, out: DuplicateKey[]): void {
  // Iterative walk: documents can be deep and wide.
  const todo: YNode[] = [node];
  while (todo.length) {
    const n = todo.pop()!;
    const children = n.children;
    if (!children) continue;
    if (n.kind === 'map') {
      let seen: Map<string, YNode> | undefined;
      for (let i = 0; i + 1 < children.length; i += 2) {
        const k = children[i];
        const key = String(k.value);
        if (key === '<<') continue;
        seen ??= new Map();
        const first = seen.get(key);
        if (first) out.push({ key, node: k, first });
        else seen.set(key, k);
      }
    }
    for (const c of children) if (c.children) todo.push(c);
  }
}

export interface Chunk {
  text: string;
  start: number;
}

const DOC_START = /^---(?=[ \t\r\n]|$)/;
const DOC_END = /^\.\.\.(?=[ \t\r\n]|$)/;

/** Split a YAML stream into one chunk per document, on `---`/`...` lines at column 0. */
export function splitDocuments(text: string): Chunk[] {
  const chunks: Chunk[] = [];
  let chunkStart = 0;
  let sawContent = false; // a directive-free content line or a `---` in the current chunk
  let afterEnd = false; // the current chunk follows a `...` line
  let pos = 0;
  let cr = text.indexOf('\r');
  while (pos < text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    // A lone CR ends a line too (YAML and LSP both say so): old Mac files must still split.
    if (cr >= 0 && cr < pos) cr = text.indexOf('\r', pos);
    if (cr >= 0 && cr < nl && text.charCodeAt(cr + 1) !== 10) nl = cr;
    const c = text.charCodeAt(pos);
    if (c === 45 /* - */ && DOC_START.test(text.slice(pos, Math.min(nl + 1, pos + 5)))) {
      if (sawContent) {
        chunks.push({ text: text.slice(chunkStart, pos), start: chunkStart });
        chunkStart = pos;
      }
      sawContent = true;
    } else if (c === 46 /* . */ && DOC_END.test(text.slice(pos, Math.min(nl + 1, pos + 5)))) {
      chunks.push({ text: text.slice(chunkStart, nl + 1), start: chunkStart });
      chunkStart = nl + 1;
      sawContent = false;
      afterEnd = true;
    } else if (!sawContent && c !== 35 /* # */ && c !== 37 /* % */) {
      // Indented comments are trivia too (a `---` after them opens the first document, not a second one).
      let p = pos;
      while (p < nl && (text.charCodeAt(p) === 32 || text.charCodeAt(p) === 9)) p++;
      if (p < nl && text.charCodeAt(p) !== 35 && text.slice(p, nl).trim() !== '') sawContent = true;
    }
    pos = nl + 1;
  }
  if (chunkStart < text.length || chunks.length === 0) {
    // Only comments/blank lines after a final `...`: YAML reads no further document there (js-yaml would
    // read one null document from them alone), so they stay with the document they follow.
    if (afterEnd && !sawContent) chunks[chunks.length - 1].text += text.slice(chunkStart);
    else chunks.push({ text: text.slice(chunkStart), start: chunkStart });
  }
  return chunks;
}

/**
 * Parses files document by document, reusing the previous parse of any
 * document whose text did not change.
 */
export class DocumentCache {
  /** The documents of the last parse, looked up by text only when the file is parsed again. */
  private last: { text: string; parsed: ParsedChunk }[] = [];

  parse(text: string): YamlDocument[] {
    const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    const body = bom ? text.slice(1) : text;
    const docs: YamlDocument[] = [];
    const chunks = splitDocuments(body);
    // A first parse (each file of a scan, each file a server indexes) hashes no document's text.
    const previous = this.last.length ? new Map(this.last.map((d) => [d.text, d.parsed])) : undefined;
    let toParse = 0;
    for (const chunk of chunks) if (!previous?.has(chunk.text)) toParse += chunk.text.length;
    // Room for the spans of the documents to parse: about one number per 2 characters of YAML.
    const arena = toParse > 0 ? new SpanArena(Math.ceil(toParse / 2)) : undefined;
    const next: { text: string; parsed: ParsedChunk }[] = [];
    for (const chunk of chunks) {
      const parsed = previous?.get(chunk.text) ?? parseChunk(chunk.text, arena);
      next.push({ text: chunk.text, parsed });
      if (parsed.empty) continue;
      docs.push(new YamlDocument(parsed, docs.length, chunk.start + bom, chunk.start + bom + chunk.text.length));
    }
    this.last = next;
    return docs;
  }
}

export function parseYaml(text: string): YamlDocument[] {
  return new DocumentCache().parse(text);
}

export interface Located {
  /** The node at the deepest path segment that exists. */
  node: YNode;
  /** The key node when the last matched segment is a map key. */
  key?: YNode;
  /** How many segments of the path exist. */
  depth: number;
}

/** Find the node at `path`, or the deepest existing ancestor. */
export function locate(root: YNode, path: YPath): Located {
  let node = root;
  let key: YNode | undefined;
  let depth = 0;
  for (const seg of path) {
    const children = node.children;
    if (!children) break;
    let next: YNode | undefined;
    let nextKey: YNode | undefined;
    if (node.kind === 'map') {
      const want = String(seg);
      // Last one wins, as in the parsed data (duplicate keys override).
      for (let i = children.length - 2; i >= 0; i -= 2) {
        if (String(children[i].value) === want) {
          nextKey = children[i];
          next = children[i + 1];
          break;
        }
      }
    } else if (node.kind === 'seq' && typeof seg === 'number') {
      next = children[seg];
    }
    if (!next) break;
    node = next;
    key = nextKey;
    depth++;
  }
  return { node, key: depth === path.length ? key : undefined, depth };
}

/** The key/value pairs of a map node. */
export function* entries(node: YNode): Generator<[YNode, YNode]> {
  if (node.kind !== 'map' || !node.children) return;
  for (let i = 0; i + 1 < node.children.length; i += 2) yield [node.children[i], node.children[i + 1]];
}
