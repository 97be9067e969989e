/**
 * YAML text → documents with a light position tree.
 *
 * Parsing uses js-yaml with its `listener` hook, which reports every node's
 * open/close and is the fastest way we measured to get both the data and
 * source spans (≈1.3× a bare `loadAll`; the `yaml` package's full document
 * model costs ≈9×). The comment-preserving `yaml` CST is used only by fixes.
 *
 * A file is first split into documents on `---`/`...` lines so that a syntax
 * error in one document does not hide the others, and so that an edit only
 * re-parses the document it touched (see `DocumentCache`).
 */
import * as jsyaml from 'js-yaml';

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

/** One parsed document, position-independent (offsets relative to its chunk) so it can be cached by text. */
export interface ParsedChunk {
  value: unknown;
  root: YNode | undefined;
  error: YamlError | undefined;
  duplicates: DuplicateKey[];
  /** True when the chunk holds no document (only comments/whitespace). */
  empty: boolean;
}

export interface YamlDocument extends ParsedChunk {
  index: number;
  /** Offset of the chunk in the file. */
  start: number;
  end: number;
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
const yaml11Bool = new jsyaml.Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (data: string) => YAML11_TRUE.has(data) || YAML11_FALSE.has(data),
  construct: (data: string) => YAML11_TRUE.has(data),
  predicate: (v: unknown) => typeof v === 'boolean',
  represent: { lowercase: (v: unknown) => (v ? 'true' : 'false') },
  defaultStyle: 'lowercase',
});
const KUBERNETES_SCHEMA = jsyaml.DEFAULT_SCHEMA.extend({ implicit: [yaml11Bool] });

interface Frame {
  open: number;
  children: YNode[];
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
      while (pos < limit && text.charCodeAt(pos) !== 10) pos++;
    } else break;
  }
  return pos;
}

function trimEnd(text: string, start: number, end: number): number {
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  return end;
}

export function parseChunk(text: string): ParsedChunk {
  const stack: Frame[] = [];
  let root: YNode | undefined;

  const listener = (event: 'open' | 'close', state: any): void => {
    if (event === 'open') {
      stack.push({ open: state.position, children: [] });
      return;
    }
    const frame = stack.pop()!;
    const closeAt: number = Math.min(state.position, text.length);
    const kind: string | null = state.kind;
    let node: YNode;
    const start = skipTrivia(text, frame.open, closeAt);
    if (kind === 'mapping' || kind === 'sequence') {
      const first = text.charCodeAt(start);
      const flow = first === 123 /* { */ || first === 91; /* [ */
      const last = frame.children[frame.children.length - 1];
      const end = flow || !last ? trimEnd(text, start, closeAt) : last.end;
      node = { kind: kind === 'mapping' ? 'map' : 'seq', start, end, value: state.result, children: frame.children };
    } else if (frame.children.length === 1 && kind === 'scalar') {
      // js-yaml composed a scalar through a nested call (a plain key that turned out not to be a key).
      const only = frame.children[0];
      node = { kind: 'scalar', start: only.start, end: only.end, value: state.result };
    } else if (start >= closeAt) {
      // Empty node (`key:` with no value): zero-width at where it would be.
      node = { kind: 'scalar', start: frame.open, end: frame.open, value: state.result };
    } else {
      node = {
        kind: text.charCodeAt(start) === 42 /* * */ ? 'alias' : 'scalar',
        start,
        end: trimEnd(text, start, closeAt),
        value: state.result,
      };
    }
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(node);
    else root = node;
  };

  let value: unknown;
  let error: YamlError | undefined;
  let count = 0;
  try {
    jsyaml.loadAll(
      text,
      (doc) => {
        count++;
        if (count === 1) value = doc;
      },
      { json: true, listener, maxDepth: MAX_DEPTH, schema: KUBERNETES_SCHEMA } as jsyaml.LoadOptions,
    );
  } catch (e) {
    const ex = e as { reason?: string; message?: string; mark?: { position?: number } };
    // "Unexpected end of stream" errors point past the last line: keep them on the document's last content.
    const contentEnd = trimEnd(text, 0, text.length);
    let offset = Math.max(0, Math.min(ex.mark?.position ?? 0, text.length));
    if (offset >= contentEnd) offset = Math.max(0, contentEnd - 1);
    error = { message: ex.reason ?? ex.message ?? String(e), offset };
    value = undefined;
    root = undefined;
  }
  const duplicates: DuplicateKey[] = [];
  if (root && !error) collectDuplicates(root, duplicates);
  return { value, root: error ? undefined : root, error, duplicates, empty: count === 0 && !error };
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
  let pos = 0;
  while (pos < text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
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
    } else if (!sawContent && c !== 35 /* # */ && c !== 37 /* % */ && text.slice(pos, nl).trim() !== '') {
      sawContent = true;
    }
    pos = nl + 1;
  }
  if (chunkStart < text.length || chunks.length === 0) chunks.push({ text: text.slice(chunkStart), start: chunkStart });
  return chunks;
}

/**
 * Parses files document by document, reusing the previous parse of any
 * document whose text did not change.
 */
export class DocumentCache {
  private cache = new Map<string, ParsedChunk>();

  parse(text: string): YamlDocument[] {
    const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    const body = bom ? text.slice(1) : text;
    const next = new Map<string, ParsedChunk>();
    const docs: YamlDocument[] = [];
    for (const chunk of splitDocuments(body)) {
      let parsed = this.cache.get(chunk.text) ?? next.get(chunk.text);
      if (!parsed) parsed = parseChunk(chunk.text);
      next.set(chunk.text, parsed);
      if (parsed.empty) continue;
      docs.push({ ...parsed, index: docs.length, start: chunk.start + bom, end: chunk.start + bom + chunk.text.length });
    }
    this.cache = next;
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
