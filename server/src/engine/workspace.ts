/**
 * All files of a workspace (the editor's folders, or every file given to the
 * CLI) and the cross-file facts rules need: namespaces, policies, RBAC.
 * Derived indexes are rebuilt lazily after a change.
 */
import { DocumentCache, locateSpan, spanEnd, spanStart, YPath } from './yaml/parse';
import { loadSourceFile, LoadOptions, notAnalysedFile, Resource, SourceFile } from './model';
import { Position } from './text';
import type { RenderedSources } from './rendered';

const NONE: readonly Resource[] = [];

const factsMemo = new WeakMap<SourceFile, readonly string[]>();
const objectFacts = new WeakMap<object, string>();
const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/**
 * What the rules may read of a file's resources when they check other resources (cross-file and
 * cross-document facts), as strings: first the file's line count and last line, then per resource the line
 * it starts on, its object without what only its own findings depend on (its containers' fields other than
 * `name` and `ports`), and its text with its container lists cut out (replaced by their line counts), for
 * the places other resources' findings point to. A skipped file has its reason. Compare with `sameFacts`.
 */
export function factsOf(file: SourceFile): readonly string[] {
  let f = factsMemo.get(file);
  if (f !== undefined) return f;
  // The line count and the last line: where fixes that append to the file insert.
  const last = file.text.lastIndexOf('\n');
  const parts: string[] = [`${file.skipped ?? ''}:${file.lines.position(file.text.length).line}:${file.text.slice(last + 1)}`];
  for (const r of file.resources) {
    let o = objectFacts.get(r.object);
    if (o === undefined) objectFacts.set(r.object, (o = objectText(r)));
    parts.push(`${file.lines.position(r.doc.start).line}:${r.prefix.join('.')}:`, o);
  }
  factsMemo.set(file, (f = parts));
  return f;
}

/**
 * Whether two files' facts are the same. Part by part: an unchanged resource (its parsed object handed on by
 * the re-parse) has the very same string, so that a keystroke compares only what the edited document's parts
 * hold, not the whole file's facts.
 */
export function sameFacts(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function objectText(r: Resource): string {
  const lists: YPath[] = [];
  const json = serialize(r.object, new Map(), false, [], lists);
  // The document's text with each container list cut out (by offset: from its first to its last line).
  const sp = r.doc.chunk.spans;
  const text = r.file.text.slice(r.doc.start, r.doc.end);
  if (!sp || !lists.length) return `${json}\n${text}`;
  const cuts: [number, number][] = [];
  for (const path of lists) {
    const full = [...r.prefix, ...path];
    const found = locateSpan(sp, full);
    if (found.depth === full.length) cuts.push([spanStart(sp, found.node), spanEnd(sp, found.node)]);
  }
  cuts.sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  for (const [s, e] of cuts) {
    if (s < at) continue; // nested in a cut already made
    const cut = text.slice(s, e);
    let lines = 0;
    for (let i = cut.indexOf('\n'); i >= 0; i = cut.indexOf('\n', i + 1)) lines++;
    out += `${text.slice(at, s)}<${lines}>`;
    at = e;
  }
  return `${json}\n${out}${text.slice(at)}`;
}

/** JSON-like text of a parsed value; a shared object (YAML alias) is written once, then named: alias bombs stay the size of their text. */
function serialize(v: unknown, seen: Map<object, number>, container: boolean, path: (string | number)[], lists: YPath[]): string {
  if (typeof v !== 'object' || v === null) return typeof v === 'string' ? JSON.stringify(v) : String(v) + (typeof v === 'bigint' ? 'n' : '');
  const id = seen.get(v);
  if (id !== undefined) return `*${id}`;
  seen.set(v, seen.size);
  if (v instanceof Date) return `D${v.getTime()}`;
  if (Array.isArray(v)) return `[${v.map((x, i) => serialize(x, seen, container, [...path, i], lists)).join(',')}]`;
  let out = '{';
  for (const k of Object.keys(v)) {
    // In a container, only what other resources' rules read: its name and ports (NetworkPolicy named ports).
    if (container && k !== 'name' && k !== 'ports') continue;
    const value = (v as Record<string, unknown>)[k];
    let text: string;
    if (!container && CONTAINER_LISTS.has(k) && Array.isArray(value)) {
      lists.push([...path, k]);
      text = `[${value.map((c, i) => serialize(c, seen, true, [...path, k, i], lists)).join(',')}]`;
    } else text = serialize(value, seen, container, [...path, k], lists);
    out += `${JSON.stringify(k)}:${text},`;
  }
  return out + '}';
}

export class WorkspaceIndex {
  private readonly files = new Map<string, SourceFile>();
  private readonly caches = new Map<string, DocumentCache>();
  private byKind: Map<string, Resource[]> | undefined;
  private namespacesByName: Map<string, Resource[]> | undefined;
  /** The files' uris in path order (rebuilt when a file is added or removed, not when one changes). */
  private order: string[] | undefined;
  private byKey = new Map<string, Map<string, Resource>>();
  /** Bumped on every change: tells the AnalysisHost (host.ts) that its snapshot is stale. */
  version = 0;
  /**
   * A new object whenever what a rule may read of other resources changes (see `factsOf`): files come
   * or go, a resource is added, removed or moved to another line, or its facts change. While it is the
   * same, a resource whose text did not change has the same findings (engine/analyze.ts replays them)
   * and the snapshot's derived models stay valid (host.ts).
   */
  facts: object = {};
  /** Kustomize renders in this workspace: maps findings on rendered objects back to their sources. */
  rendered: RenderedSources | undefined;

  constructor(private readonly options: LoadOptions = {}) {}

  /** Add or replace a file; returns its parsed form. Re-parses only documents whose text changed. */
  set(uri: string, text: string): SourceFile {
    let cache = this.caches.get(uri);
    if (!cache) this.caches.set(uri, (cache = new DocumentCache()));
    const previous = this.files.get(uri);
    // Before the re-parse, which moves the unchanged resources of `previous` to the new file.
    const before = previous && factsOf(previous);
    const file = loadSourceFile(uri, text, cache, this.options, previous);
    this.put(file, before);
    return file;
  }

  /**
   * Add a file that is not analysed (unreadable, a Helm chart template…): the analysis reports one
   * `not-analysed` error on it, with `reason`. `text` (may be empty) only gives that finding its first line.
   */
  setNotAnalysed(uri: string, reason: string, text = ''): SourceFile {
    this.caches.delete(uri);
    const file = notAnalysedFile(uri, text, reason);
    this.put(file);
    return file;
  }

  private put(file: SourceFile, factsBefore?: readonly string[]): void {
    const before = this.files.get(file.uri);
    if (!before) this.order = undefined;
    if (!before || !sameFacts(factsBefore ?? factsOf(before), factsOf(file))) this.facts = {};
    this.files.set(file.uri, file);
    this.invalidate();
  }

  delete(uri: string): boolean {
    this.caches.delete(uri);
    const had = this.files.delete(uri);
    if (had) {
      this.order = undefined;
      this.facts = {};
      this.invalidate();
    }
    return had;
  }

  get(uri: string): SourceFile | undefined {
    return this.files.get(uri);
  }

  has(uri: string): boolean {
    return this.files.has(uri);
  }

  /**
   * Every file, in path order (code-unit order of the uris): never in the order files were given or
   * found, so that whatever depends on order — which of two definitions of an object counts, the order
   * of findings — is the same for the same files.
   */
  *allFiles(): IterableIterator<SourceFile> {
    if (!this.order) this.order = [...this.files.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const uri of this.order) yield this.files.get(uri)!;
  }

  get size(): number {
    return this.files.size;
  }

  private invalidate(): void {
    this.version++;
    this.byKind = undefined;
    this.namespacesByName = undefined;
    this.byKey.clear();
  }

  resourcesOfKind(kind: string): readonly Resource[] {
    if (!this.byKind) {
      const m = new Map<string, Resource[]>();
      for (const f of this.allFiles())
        for (const r of f.resources) {
          let list = m.get(r.kind);
          if (!list) m.set(r.kind, (list = []));
          list.push(r);
        }
      this.byKind = m;
    }
    return this.byKind.get(kind) ?? [];
  }

  allResources(): Resource[] {
    const out: Resource[] = [];
    for (const f of this.allFiles()) for (const r of f.resources) out.push(r);
    return out;
  }

  /** The object of `kind` named `name` in `namespace` (when defined twice: the first in path order). */
  find(kind: string, namespace: string | undefined, name: string): Resource | undefined {
    let index = this.byKey.get(kind);
    if (!index) {
      index = new Map();
      for (const r of this.resourcesOfKind(kind)) {
        const key = `${r.namespace ?? ''}/${r.name}`;
        if (!index.has(key)) index.set(key, r);
      }
      this.byKey.set(kind, index);
    }
    return index.get(`${namespace ?? ''}/${name}`);
  }

  /** The resource whose document (or `List` item) contains `position` in file `uri`. */
  resourceAt(uri: string, position: Position): Resource | undefined {
    const file = this.files.get(uri);
    if (!file || file.skipped) return undefined;
    const offset = file.lines.offset(position);
    let best: Resource | undefined;
    for (const r of file.resources) {
      if (offset < r.doc.start || offset > r.doc.end) continue;
      const own = r.prefix.length ? r.locate([]) : undefined;
      if (own && (offset < r.doc.start + own.node.start || offset > r.doc.start + own.node.end)) continue;
      best = r;
    }
    return best;
  }

  /** The Namespace object named `name`, when one is defined in the workspace (when defined twice: the first in path order). */
  namespace(name: string): Resource | undefined {
    return this.namespaces(name)[0];
  }

  /** Every definition of the Namespace named `name`, in path order (more than one: `duplicate-resource`). */
  namespaces(name: string): readonly Resource[] {
    if (!this.namespacesByName) {
      this.namespacesByName = new Map();
      for (const ns of this.resourcesOfKind('Namespace')) {
        if (!ns.name) continue;
        const list = this.namespacesByName.get(ns.name);
        if (list) list.push(ns);
        else this.namespacesByName.set(ns.name, [ns]);
      }
    }
    return this.namespacesByName.get(name) ?? NONE;
  }
}
