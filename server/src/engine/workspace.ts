/**
 * All files of a workspace (the editor's folders, or every file given to the
 * CLI) and the cross-file facts rules need: namespaces, policies, RBAC.
 * Derived indexes are rebuilt lazily after a change.
 */
import { DocumentCache } from './yaml/parse';
import { loadSourceFile, LoadOptions, notAnalysedFile, Resource, SourceFile } from './model';
import { Position } from './text';
import type { RenderedSources } from './rendered';

const NONE: readonly Resource[] = [];

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
  /** Kustomize renders in this workspace: maps findings on rendered objects back to their sources. */
  rendered: RenderedSources | undefined;

  constructor(private readonly options: LoadOptions = {}) {}

  /** Add or replace a file; returns its parsed form. Re-parses only documents whose text changed. */
  set(uri: string, text: string): SourceFile {
    let cache = this.caches.get(uri);
    if (!cache) this.caches.set(uri, (cache = new DocumentCache()));
    const file = loadSourceFile(uri, text, cache, this.options);
    this.put(file);
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

  private put(file: SourceFile): void {
    if (!this.files.has(file.uri)) this.order = undefined;
    this.files.set(file.uri, file);
    this.invalidate();
  }

  delete(uri: string): boolean {
    this.caches.delete(uri);
    const had = this.files.delete(uri);
    if (had) {
      this.order = undefined;
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
