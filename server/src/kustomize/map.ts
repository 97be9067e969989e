/**
 * Rendered kustomizations inside a WorkspaceIndex, and the way back from a
 * finding on a rendered object to the line that wrote the offending field:
 *
 * 1. the last patch of the kustomization chain that sets the field
 *    (strategic-merge patch file or inline patch, or a JSON 6902 operation
 *    whose path covers it);
 * 2. else the resource file the object came from (kustomize's
 *    `config.kubernetes.io/origin` annotation), at the field or — when the
 *    field is missing — its deepest existing ancestor; a patch that wrote
 *    more of that ancestry (say, the container it added) wins;
 * 3. else the kustomization file itself.
 *
 * List items are matched by their merge key (a container's `name`…), as a
 * strategic merge does, so index 1 in the rendered list may be index 0 in
 * the patch.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as jsyaml from 'js-yaml';
import type { Finding } from '../engine';
import { loadSourceFile, Resource, SourceFile } from '../engine';
import type { RenderedSources, RenderFailure } from '../engine';
import { Position, Range } from '../engine';
import type { WorkspaceIndex } from '../engine';
import { KUBERNETES_SCHEMA, YamlDocument, YPath } from '../engine';
import { Kustomization, kustomizationChain, Layout, patchChain, PatchRef, PatchTarget } from './layout';

const ORIGIN = 'config.kubernetes.io/origin';
const BUILD_ANNOTATIONS = [ORIGIN, 'alpha.config.kubernetes.io/transformations'];
export const RENDERED_SCHEME = 'k8s-guardrails-rendered:';

/** Where file paths go: the CLI shows paths, the language server uses file URIs. */
export interface MapHost {
  uriOf(abs: string): string;
  /** The text of a source file (default: read from disk). */
  read?(abs: string): string | undefined;
}

interface RenderedObject {
  object: Record<string, any>;
  /** The resource file it came from (absolute), unless generated or remote. */
  origin?: string;
  root: Kustomization;
  /** Its resource in the origin file (looked up once; null when not found). */
  source?: Resource | null;
}

/** A place in some source file: where a finding lands. */
interface Spot {
  uri: string;
  range: Range;
  /** How many segments of the finding's path the source wrote. */
  depth: number;
  exact: boolean;
}

/** A file (or an inline patch) as a locator of paths. */
interface PatchSource {
  docs: Resource[];
  uri: string;
  /** Map a range in the parsed text to the real file (inline patches live inside a block scalar). */
  toReal(r: Range): Range;
}

const MERGE_KEYS = ['name', 'mountPath', 'containerPort', 'devicePath', 'ip', 'topologyKey'];

function isObj(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * `path` (into `from`) as a path into `to`, matching list items by merge
 * key; stops where `to` has no such field. Returns the translated prefix.
 */
export function translate(from: unknown, to: unknown, p: YPath): (string | number)[] {
  const out: (string | number)[] = [];
  let a = from;
  let b = to;
  for (const seg of p) {
    if (typeof seg === 'number') {
      if (!Array.isArray(a) || !Array.isArray(b)) break;
      const item = a[seg];
      let j = -1;
      const key = isObj(item) ? MERGE_KEYS.find((k) => item[k] !== undefined && typeof item[k] !== 'object') : undefined;
      if (key) j = b.findIndex((x) => isObj(x) && x[key] === item[key]);
      else if (seg < b.length && !isObj(item)) j = b.findIndex((x) => x === item);
      if (j < 0) break;
      out.push(j);
      a = item;
      b = b[j];
    } else {
      if (!isObj(a) || !isObj(b) || !Object.prototype.hasOwnProperty.call(b, seg)) break;
      out.push(seg);
      a = a[seg];
      b = b[seg];
    }
  }
  return out;
}

function regexMatch(pattern: string | undefined, value: string | undefined): boolean {
  if (pattern === undefined) return true;
  if (value === undefined) return false;
  try {
    return new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    return pattern === value;
  }
}

function selectorMatch(selector: string | undefined, labels: Record<string, unknown>): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const t = term.trim();
    let m: RegExpExecArray | null;
    if ((m = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(t))) return m[2] === '!=' ? labels[m[1]] !== m[3] : labels[m[1]] === m[3];
    if ((m = /^!(\S+)$/.exec(t))) return !(m[1] in labels);
    if ((m = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(t))) {
      const vals = m[3].split(',').map((s) => s.trim());
      const has = vals.includes(String(labels[m[1]]));
      return m[2] === 'in' ? has : !has;
    }
    return t === '' || t in labels;
  });
}

/** A name as written at some level of the chain: the rendered name is prefix + it + suffix. */
const nameFits = (written: string | undefined, rendered: string, base: string | undefined) =>
  written === undefined || written === rendered || written === base || (written !== '' && rendered.includes(written));

function targetMatches(t: PatchTarget, obj: Record<string, any>, baseName: string | undefined): boolean {
  const [group, version] = String(obj.apiVersion ?? '').includes('/') ? String(obj.apiVersion).split('/', 2) : ['', String(obj.apiVersion ?? '')];
  const name = String(obj.metadata?.name ?? '');
  return (
    (t.group === undefined || t.group === group) &&
    (t.version === undefined || t.version === version) &&
    regexMatch(t.kind, obj.kind) &&
    (t.name === undefined || regexMatch(t.name, name) || regexMatch(t.name, baseName) || (baseName !== undefined && name.includes(t.name))) &&
    (t.namespace === undefined || regexMatch(t.namespace, obj.metadata?.namespace)) &&
    selectorMatch(t.labelSelector, isObj(obj.metadata?.labels) ? obj.metadata.labels : {}) &&
    selectorMatch(t.annotationSelector, isObj(obj.metadata?.annotations) ? obj.metadata.annotations : {})
  );
}

/** JSON pointer → path segments. */
function pointer(p: string): string[] {
  if (!p.startsWith('/')) return [];
  return p.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const segEqual = (op: string, seg: string | number) => (typeof seg === 'number' ? op === '-' || op === String(seg) : op === seg);

export class RenderedSet implements RenderedSources {
  readonly failures: RenderFailure[] = [];
  /** rendered uri → per document, the object it holds */
  private readonly rendered = new Map<string, { file: SourceFile; objects: Map<YamlDocument, RenderedObject> }>();
  private readonly sources = new Map<string, SourceFile | null>();
  private readonly patchSources = new Map<PatchRef, PatchSource | null>();
  private readonly chains = new Map<Kustomization, PatchRef[]>();

  constructor(private readonly layout: Layout, private readonly host: MapHost) {}

  static renderedUri(host: MapHost, root: Kustomization): string {
    return RENDERED_SCHEME + host.uriOf(root.file);
  }

  isRendered(uri: string): boolean {
    return this.rendered.has(uri);
  }

  /** Rendered uris, e.g. to remove them from a workspace before a new render. */
  uris(): string[] {
    return [...this.rendered.keys()];
  }

  /** Put a kustomization's rendered output into `ws` (as one virtual file); returns how many objects it rendered. */
  add(ws: WorkspaceIndex, root: Kustomization, output: string, wrapperDir: string): number {
    const objects: RenderedObject[] = [];
    let docs: unknown[];
    try {
      docs = jsyaml.loadAll(output, undefined, { schema: KUBERNETES_SCHEMA });
    } catch (e) {
      this.fail(root, `cannot read kustomize's output: ${(e as Error).message}`);
      return 0;
    }
    for (const d of docs) {
      if (!isObj(d)) continue;
      const annotations = isObj(d.metadata?.annotations) ? d.metadata.annotations : undefined;
      let origin: string | undefined;
      if (annotations) {
        const o = annotations[ORIGIN];
        if (typeof o === 'string') {
          try {
            const parsed = jsyaml.load(o) as Record<string, unknown>;
            if (isObj(parsed) && typeof parsed.path === 'string' && !parsed.repo) origin = path.resolve(wrapperDir, parsed.path);
            else if (isObj(parsed) && typeof parsed.configuredIn === 'string') origin = path.resolve(wrapperDir, parsed.configuredIn);
          } catch {
            /* no origin */
          }
        }
        for (const a of BUILD_ANNOTATIONS) delete annotations[a];
        if (Object.keys(annotations).length === 0) delete d.metadata.annotations;
      }
      objects.push({ object: d, origin, root });
    }
    // JSON is YAML whose strings are always quoted: no YAML 1.1 surprises when the engine re-reads it. `{{` can only
    // be inside a string there (say, a Grafana dashboard in a ConfigMap): escaped, so that rendered output is never
    // taken for an unrendered Helm template.
    const text = objects.map((o) => JSON.stringify(o.object, null, 1)).join('\n---\n').replace(/\{\{/g, '{\\u007b') + '\n';
    const uri = RenderedSet.renderedUri(this.host, root);
    const file = ws.set(uri, text);
    const map = new Map<YamlDocument, RenderedObject>();
    file.documents.forEach((doc, i) => objects[i] && map.set(doc, objects[i]));
    this.rendered.set(uri, { file, objects: map });
    return objects.length;
  }

  fail(root: Kustomization, message: string): void {
    const uri = this.host.uriOf(root.file);
    const text = this.read(root.file) ?? '';
    this.failures.push({ file: loadSourceFile(uri, text, undefined, { maxFileBytes: Number.MAX_SAFE_INTEGER }), message });
  }

  remap(f: Finding): Finding {
    const entry = this.rendered.get(f.uri);
    const res = f.resource;
    const obj = res && entry?.objects.get(res.doc);
    if (!entry || !res || !obj) return f;
    const spot = this.locate(obj, f.path ?? []);
    const out: Finding = { ...f, uri: spot.uri, range: spot.range, kustomization: this.host.uriOf(obj.root.file) };
    delete out.fixes;
    if (f.related) out.related = f.related.map((r) => (this.isRendered(r.uri) ? { ...r, ...this.remapRange(r.uri, r.range) } : r));
    return out;
  }

  /** A range in a rendered file (e.g. related information) → the resource it falls in, at its source. */
  private remapRange(uri: string, range: Range): { uri: string; range: Range } {
    const entry = this.rendered.get(uri)!;
    const offset = entry.file.lines.offset(range.start);
    for (const [doc, obj] of entry.objects) if (offset >= doc.start && offset <= doc.end) return this.locate(obj, []);
    const root = [...entry.objects.values()][0]?.root;
    return root ? this.kustomizationSpot(root) : { uri, range };
  }

  /** Where the source of a field of a rendered resource is (e.g. the label that set a Namespace's Pod Security level). */
  sourceOf(res: Resource, p: YPath): { uri: string; range: Range } | undefined {
    const obj = this.rendered.get(res.file.uri)?.objects.get(res.doc);
    if (!obj) return undefined;
    const { uri, range } = this.locate(obj, p);
    return { uri, range };
  }

  private locate(obj: RenderedObject, p: YPath): Spot {
    const written = this.fromTransformer(obj, p);
    if (written) return written;
    const base = this.fromOrigin(obj, p);
    let chain = this.chains.get(obj.root);
    if (!chain) this.chains.set(obj.root, (chain = patchChain(this.layout, obj.root)));
    let exact: Spot | undefined;
    let deepest: Spot | undefined = base;
    for (const patch of chain) {
      for (const spot of this.fromPatch(patch, obj, p, base)) {
        if (spot.exact) exact = spot; // the last patch that writes the field wins
        else if (!deepest || spot.depth > deepest.depth) deepest = spot;
      }
    }
    if (base?.exact && !exact) return base;
    return exact ?? deepest ?? this.kustomizationSpot(obj.root);
  }

  /**
   * A label, annotation or namespace that a kustomization's own fields set (`labels`, `commonLabels`,
   * `commonAnnotations`, `namespace`): the outermost kustomization that sets the rendered value wrote it.
   */
  private fromTransformer(obj: RenderedObject, p: YPath): Spot | undefined {
    const n = p.length;
    const isNamespace = n === 2 && p[0] === 'metadata' && p[1] === 'namespace';
    const map = n >= 3 && p[n - 3] === 'metadata' ? p[n - 2] : undefined;
    const key = p[n - 1];
    if (!isNamespace && ((map !== 'labels' && map !== 'annotations') || typeof key !== 'string')) return undefined;
    const value = getIn(obj.object, p);
    if (value === undefined || value === null || typeof value === 'object') return undefined;
    const same = (v: unknown) => v !== undefined && v !== null && typeof v !== 'object' && String(v) === String(value);
    const chain = kustomizationChain(this.layout, obj.root);
    for (let i = chain.length - 1; i >= 0; i--) {
      const kres = this.source(chain[i].file)?.resources[0];
      const d = kres?.object;
      if (!kres || !isObj(d)) continue;
      let at: YPath | undefined;
      if (isNamespace) at = same(d.namespace) ? ['namespace'] : undefined;
      else if (map === 'annotations') at = isObj(d.commonAnnotations) && same(d.commonAnnotations[key]) ? ['commonAnnotations', key] : undefined;
      else {
        const templates = n > 3; // a pod template's labels: `labels` entries only with includeTemplates
        if (Array.isArray(d.labels))
          for (let j = d.labels.length - 1; j >= 0 && !at; j--) {
            const e = d.labels[j];
            if (isObj(e) && isObj(e.pairs) && same(e.pairs[key as string]) && (!templates || e.includeTemplates === true)) at = ['labels', j, 'pairs', key];
          }
        if (!at && isObj(d.commonLabels) && same(d.commonLabels[key as string])) at = ['commonLabels', key];
      }
      if (at) return { uri: kres.file.uri, range: kres.range(at), depth: n, exact: true };
    }
    return undefined;
  }

  private kustomizationSpot(root: Kustomization): Spot {
    const file = this.source(root.file);
    const range = file ? firstLine(file) : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    return { uri: this.host.uriOf(root.file), range, depth: 0, exact: false };
  }

  /** The object's own resource in its origin file, if it can be found there. */
  private originResource(obj: RenderedObject): Resource | undefined {
    if (obj.source === undefined) obj.source = this.findOriginResource(obj) ?? null;
    return obj.source ?? undefined;
  }

  private findOriginResource(obj: RenderedObject): Resource | undefined {
    const file = obj.origin ? this.source(obj.origin) : undefined;
    if (!file) return undefined;
    const name = String(obj.object.metadata?.name ?? '');
    const sameKind = file.resources.filter((r) => r.kind === obj.object.kind);
    let best: Resource | undefined;
    for (const r of sameKind) {
      if (r.name === name) return r;
      if (r.name && name.includes(r.name) && (!best || r.name.length > best.name.length)) best = r;
    }
    return best ?? (sameKind.length === 1 ? sameKind[0] : undefined);
  }

  private fromOrigin(obj: RenderedObject, p: YPath): Spot | undefined {
    const res = this.originResource(obj);
    if (!res) {
      if (!obj.origin) return undefined;
      const file = this.source(obj.origin);
      return file ? { uri: this.host.uriOf(obj.origin), range: firstLine(file), depth: 0, exact: false } : undefined;
    }
    const t = translate(obj.object, res.object, p);
    return { uri: res.file.uri, range: res.range(t), depth: t.length, exact: t.length === p.length };
  }

  private *fromPatch(patch: PatchRef, obj: RenderedObject, p: YPath, base: Spot | undefined): Generator<Spot> {
    const src = this.patchSource(patch);
    if (!src) return;
    const baseName = this.originResource(obj)?.name;
    if (patch.target && !targetMatches(patch.target, obj.object, baseName)) return;
    for (const doc of src.docs) {
      const value = doc.object as unknown;
      if (Array.isArray(value)) {
        // JSON 6902: operations that wrote the field or something inside it.
        if (!patch.target) continue;
        for (let i = 0; i < value.length; i++) {
          const op = value[i];
          if (!isObj(op) || typeof op.path !== 'string' || !['add', 'replace', 'copy', 'move', 'remove'].includes(op.op)) continue;
          const segs = pointer(op.path);
          const n = Math.min(segs.length, p.length);
          let k = 0;
          while (k < n && segEqual(segs[k], p[k])) k++;
          if (k < n) continue;
          if (segs.length > p.length) continue; // it wrote inside the field, not the field
          const last = segs[segs.length - 1];
          const item = last === '-' || /^\d+$/.test(last ?? '');
          if (op.op === 'remove') {
            // A finding on a missing field: the remove of that field (or of an ancestor) made it missing — unless
            // something put it back later, or it removed a list item (the next item now has that index).
            if (item || getIn(obj.object, p.slice(0, segs.length)) !== undefined) continue;
            yield { uri: src.uri, range: src.toReal(doc.range([i])), depth: p.length, exact: true };
            continue;
          }
          // A list item it added or replaced is that item only (`-` matches any index): same merge key, or same scalar.
          if (item && 'value' in op && !sameItem(op.value, getIn(obj.object, p.slice(0, segs.length)))) continue;
          // The operation's value holds the field (or its deepest ancestor).
          const rest = p.slice(segs.length);
          const t = 'value' in op ? translate(getIn(obj.object, p.slice(0, segs.length)), op.value, rest) : [];
          const at = 'value' in op ? [i, 'value', ...t] : [i];
          yield { uri: src.uri, range: src.toReal(doc.range(at)), depth: segs.length + t.length, exact: segs.length + t.length === p.length };
        }
      } else if (isObj(value)) {
        if (!patch.target) {
          if (value.kind !== undefined && value.kind !== obj.object.kind) continue;
          if (!nameFits(value.metadata?.name, String(obj.object.metadata?.name ?? ''), baseName)) continue;
        }
        const t = translate(obj.object, value, p);
        // Every patch repeats the path down to what it changes (spec, template…) and the keys that identify
        // objects and list items: a patch writes a scalar it sets, or a collection the base does not have.
        const full = t.length === p.length;
        const node = full ? getIn(value, t) : undefined;
        const writes = full && !identifies(p) && (node === null || typeof node !== 'object' || !base || base.depth < p.length);
        if (writes || !base || t.length > base.depth)
          yield { uri: src.uri, range: src.toReal(doc.range(t)), depth: t.length, exact: writes };
      }
    }
  }

  private read(abs: string): string | undefined {
    if (this.host.read) return this.host.read(abs);
    try {
      return fs.readFileSync(abs, 'utf8');
    } catch {
      return undefined;
    }
  }

  private source(abs: string): SourceFile | undefined {
    let f = this.sources.get(abs);
    if (f === undefined) {
      const text = this.read(abs);
      f = text === undefined ? null : loadSourceFile(this.host.uriOf(abs), text, undefined, { maxFileBytes: Number.MAX_SAFE_INTEGER });
      this.sources.set(abs, f);
      if (f) for (const doc of f.documents) if (doc.value !== null && typeof doc.value === 'object' && !f.resources.some((r) => r.doc === doc)) f.resources.push(new Resource(f, doc, [], doc.value as Record<string, any>));
    }
    return f ?? undefined;
  }

  private patchSource(patch: PatchRef): PatchSource | undefined {
    let s = this.patchSources.get(patch);
    if (s !== undefined) return s ?? undefined;
    s = null;
    const file = this.source(patch.file);
    if (file && !patch.inline) {
      s = { docs: file.resources, uri: file.uri, toReal: (r) => r };
    } else if (file && patch.inline) {
      s = this.inlineSource(file, patch.inline);
    }
    this.patchSources.set(patch, s);
    return s ?? undefined;
  }

  /** An inline patch: parsed on its own, positions mapped into the block scalar of the kustomization file. */
  private inlineSource(kfile: SourceFile, inline: { text: string; path: (string | number)[] }): PatchSource | null {
    const kres = kfile.resources[0];
    if (!kres) return null;
    const [from, to] = kres.span(inline.path);
    const whole = kfile.lines.range(from, to);
    const parsed = loadSourceFile(kfile.uri, inline.text, undefined, { maxFileBytes: Number.MAX_SAFE_INTEGER });
    const docs: Resource[] = [];
    for (const doc of parsed.documents) if (doc.value !== null && typeof doc.value === 'object') docs.push(new Resource(parsed, doc, [], doc.value as Record<string, any>));
    const indicator = kfile.text.slice(from, to).trimStart()[0];
    let toReal: (r: Range) => Range = () => whole;
    if (indicator === '|') {
      // Literal block: content line k is source line (indicator line + 1 + k), shifted by the block's indentation.
      const first = whole.start.line + 1;
      let line = first;
      while (line < kfile.lines.lineCount && kfile.text.slice(kfile.lines.lineStart(line), kfile.lines.lineEnd(line)).trim() === '') line++;
      const lineText = kfile.text.slice(kfile.lines.lineStart(line), kfile.lines.lineEnd(line));
      const indent = lineText.length - lineText.trimStart().length;
      const pos = (p: Position): Position => ({ line: first + p.line, character: indent + p.character });
      toReal = (r) => ({ start: pos(r.start), end: pos(r.end) });
    }
    return { docs, uri: kfile.uri, toReal };
  }
}

function firstLine(file: SourceFile): Range {
  return file.lines.range(0, file.lines.lineEnd(0));
}

/** Fields a strategic-merge patch repeats to say what it patches, not to change them. */
function identifies(p: YPath): boolean {
  const last = p[p.length - 1];
  if (p.length === 1) return last === 'apiVersion' || last === 'kind';
  if (p.length === 2 && p[0] === 'metadata') return last === 'name' || last === 'namespace';
  return typeof p[p.length - 2] === 'number' && MERGE_KEYS.includes(String(last));
}

/** Is `rendered` (a list item) the item `value` wrote? Matched by merge key, else by equality for scalars. */
function sameItem(value: unknown, rendered: unknown): boolean {
  if (!isObj(value)) return value === rendered;
  if (!isObj(rendered)) return false;
  const key = MERGE_KEYS.find((k) => value[k] !== undefined && typeof value[k] !== 'object');
  return key ? rendered[key] === value[key] : true;
}

function getIn(v: unknown, p: YPath): unknown {
  let cur = v;
  for (const seg of p) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg as string];
  }
  return cur;
}
