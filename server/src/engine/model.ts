/**
 * The engine's data model: source files, their documents, and the
 * Kubernetes resources found in them, each able to map a field path back to
 * a source range.
 */
import { LineIndex, Range } from './text';
import { DocumentCache, locate, locateSpan, spanEnd, spanKind, spanStart, YamlDocument, YPath } from './yaml/parse';

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'hint'];

export interface SourceFile {
  uri: string;
  text: string;
  lines: LineIndex;
  documents: YamlDocument[];
  resources: Resource[];
  /**
   * Why the file is not analysed (too large, a template, unreadable…): the
   * analysis then reports one `not-analysed` error on its first line and
   * nothing else.
   */
  skipped?: string;
  /** True when at least one document is a Kubernetes object (apiVersion + kind). */
  isKubernetes: boolean;
}

export interface ResourceRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** Kinds that are not namespaced (the rest default to the `default` namespace). */
export const CLUSTER_SCOPED = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'StorageClass',
  'PriorityClass',
  'RuntimeClass',
  'IngressClass',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'APIService',
  'CertificateSigningRequest',
  'ComponentStatus',
  'VolumeAttachment',
  'CSIDriver',
  'CSINode',
]);

export class Resource {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** As written in the manifest (may be absent). */
  readonly declaredNamespace: string | undefined;
  /** True for kinds that are not namespaced (Namespace, ClusterRole, …). */
  readonly clusterScoped: boolean;
  /** The namespace the object lands in when applied without `-n` (undefined when cluster-scoped). */
  readonly namespace: string | undefined;
  /**
   * Per-resource results that rules ask for many times in one analysis (rules/pss/evaluate.ts,
   * rules/hardening/util.ts). Slots on the object: a property read, where a WeakMap lookup per rule ×
   * resource cost more than the rules themselves. Valid for this Resource, i.e. one parse of its file.
   */
  pssMemo: unknown = undefined;
  workloadMemo: unknown = undefined;
  /**
   * The per-resource rules' reports on this resource's text in the last analysis, and what they were
   * computed from (engine/analyze.ts replays them while that is unchanged). A re-parse that keeps the
   * document's text hands it to the new Resource (`loadSourceFile` with `previous`). Opaque outside analyze.ts.
   */
  reportCache: unknown = undefined;

  constructor(
    readonly file: SourceFile,
    readonly doc: YamlDocument,
    /** Path of the object inside its document (non-empty for items of a `List`). */
    readonly prefix: YPath,
    readonly object: Record<string, any>,
  ) {
    this.apiVersion = object.apiVersion;
    this.kind = object.kind;
    const meta = isObject(object.metadata) ? object.metadata : {};
    this.name = typeof meta.name === 'string' ? meta.name : typeof meta.generateName === 'string' ? meta.generateName : '';
    this.declaredNamespace = typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : undefined;
    // Read by most rules for every resource: computed once (kind and metadata never change).
    this.clusterScoped = CLUSTER_SCOPED.has(this.kind);
    this.namespace = this.clusterScoped ? undefined : this.declaredNamespace ?? 'default';
  }

  get ref(): ResourceRef {
    const ref: ResourceRef = { apiVersion: this.apiVersion, kind: this.kind, name: this.name };
    if (this.declaredNamespace !== undefined) ref.namespace = this.declaredNamespace;
    return ref;
  }

  get labels(): Record<string, string> {
    const l = this.object.metadata?.labels;
    return isObject(l) ? (l as Record<string, string>) : {};
  }

  get annotations(): Record<string, unknown> {
    const a = this.object.metadata?.annotations;
    return isObject(a) ? a : {};
  }

  private ignores: boolean | undefined;

  /** True when some annotation key starts with `ignore.k8s-guardrails.io/` (computed once). */
  get hasIgnoreAnnotations(): boolean {
    if (this.ignores === undefined) {
      this.ignores = false;
      for (const k in this.annotations)
        if (k.startsWith('ignore.k8s-guardrails.io/')) {
          this.ignores = true;
          break;
        }
    }
    return this.ignores;
  }

  /** Display name, e.g. `Deployment web (namespace shop)`. */
  get display(): string {
    return `${this.kind} ${this.name || '(unnamed)'}${this.namespace ? ` in namespace ${this.namespace}` : ''}`;
  }

  /** Node at `path` (relative to the object), or its deepest existing ancestor. */
  locate(path: YPath) {
    if (!this.doc.root) return undefined;
    return locate(this.doc.root, [...this.prefix, ...path]);
  }

  /** True when the path exists in the source. */
  has(path: YPath): boolean {
    const sp = this.doc.chunk.spans;
    if (!sp) return false;
    const prefix = this.prefix;
    const full = prefix.length ? [...prefix, ...path] : path;
    return locateSpan(sp, full).depth === full.length;
  }

  /**
   * The range to underline for a finding on `path`:
   * - the value when it is a scalar (`privileged: true` → `true`);
   * - the key when the value is a collection (`hostPath:` → `hostPath`);
   * - when the path does not exist, the key of the deepest existing ancestor,
   *   or the first line of a list item (`- name: app`).
   */
  range(path: YPath): Range {
    return this.file.lines.range(...this.span(path));
  }

  span(path: YPath): [number, number] {
    const base = this.doc.start;
    const sp = this.doc.chunk.spans;
    if (!sp) return [base, base];
    const full = this.prefix.length ? [...this.prefix, ...path] : path;
    const found = locateSpan(sp, full);
    if (found.depth === full.length) {
      const n = found.node;
      const collection = spanKind(sp, n) < 2;
      if (collection && found.key >= 0) return [base + spanStart(sp, found.key), base + spanEnd(sp, found.key)];
      if (collection) return firstLine(this.file, base, spanStart(sp, n), spanEnd(sp, n));
      return [base + spanStart(sp, n), base + spanEnd(sp, n)];
    }
    // Missing: point at the deepest existing ancestor, as narrowly as possible.
    const parent = found.depth > 0 ? locateSpan(sp, full, 0, found.depth) : found;
    if (parent.key >= 0) return [base + spanStart(sp, parent.key), base + spanEnd(sp, parent.key)];
    return firstLine(this.file, base, spanStart(sp, parent.node), spanEnd(sp, parent.node));
  }
}

/** The first line of a node (for a list item: `- name: app` → `name: app`). */
function firstLine(file: SourceFile, base: number, nodeStart: number, nodeEnd: number): [number, number] {
  const start = base + nodeStart;
  const line = file.lines.position(start).line;
  const end = Math.min(base + nodeEnd, file.lines.lineEnd(line));
  return [start, Math.max(start, end)];
}

export function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isKubernetesObject(v: unknown): v is Record<string, any> {
  return isObject(v) && typeof v.apiVersion === 'string' && typeof v.kind === 'string' && v.apiVersion !== '' && v.kind !== '';
}

export interface LoadOptions {
  /** Files larger than this are not analysed (one finding says so). */
  maxFileBytes?: number;
  /** What the size limit is called where it is set (shown when a file is over it). */
  maxFileSetting?: string;
}

export const DEFAULT_MAX_FILE_BYTES = 4 * 1024 * 1024;

/**
 * `{{ … }}` in a file that does not parse as YAML marks a Helm/Go template: not
 * YAML until rendered. In a file that parses, `{{` is only text inside values
 * (Grafana dashboards, PrometheusRules, Argo Workflows) and the file is analysed.
 */
const TEMPLATE = /\{\{[\s\S]*?\}\}/;

/** The `skipped` reason of a file over the size limit. */
export function overSizeLimit(size: number, max: number, setting: string): string {
  return `the file (${formatSize(size)}) is over the size limit of ${formatSize(max)} (${setting})`;
}

export function formatSize(n: number): string {
  if (n >= 1024 * 1024) return `${+(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

/** The prefix of a resource that is its whole document (shared: prefixes are never mutated). */
const NO_PREFIX: YPath = [];

/**
 * Parse a file into documents and resources. `cache` makes re-parses incremental per document;
 * `previous` (the file's former parse, with the same cache) lends the Resources of the documents whose
 * text did not change, moved to the new file (so their cached reports, engine/analyze.ts, carry over).
 */
export function loadSourceFile(uri: string, text: string, cache: DocumentCache = new DocumentCache(), options: LoadOptions = {}, previous?: SourceFile): SourceFile {
  const lines = new LineIndex(text);
  const file: SourceFile = { uri, text, lines, documents: [], resources: [], isKubernetes: false };
  const max = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (text.length > max) {
    file.skipped = overSizeLimit(text.length, max, options.maxFileSetting ?? 'k8sGuardrails.maxFileSize');
    return file;
  }
  const documents = cache.parse(text);
  // (`includes` first: a native scan of the text; the expression is only run on text that has a `{{`.)
  if (text.includes('{{') && TEMPLATE.test(text) && documents.some((d) => d.error || hasCollectionKey(d.value, 0))) {
    file.skipped = 'it is a template (Helm, Go): its {{ … }} are not inside YAML strings, so it is YAML only once rendered; render it and scan the output';
    return file;
  }
  file.documents = documents;
  // The former Resources by parsed chunk (the cache hands back the same chunk for the same text).
  let lend: Map<unknown, Resource[]> | undefined;
  if (previous?.resources.length && previous.uri === uri) {
    lend = new Map();
    for (const r of previous.resources) {
      const list = lend.get(r.doc.chunk);
      if (list) list.push(r);
      else lend.set(r.doc.chunk, [r]);
    }
  }
  for (const doc of file.documents) {
    const v = doc.value;
    if (!isKubernetesObject(v)) continue;
    file.isKubernetes = true;
    // Same text, same parsed object: the former resources' cached reports carry over (a List's items in order).
    const old = lend?.get(doc.chunk);
    const add = (r: Resource) => {
      const was = old?.shift();
      if (was && was.object === r.object) r.reportCache = was.reportCache;
      file.resources.push(r);
    };
    if (v.kind.endsWith('List') && Array.isArray(v.items)) {
      v.items.forEach((item: unknown, i: number) => {
        if (isKubernetesObject(item)) add(new Resource(file, doc, ['items', i], item));
      });
    } else {
      add(new Resource(file, doc, NO_PREFIX, v));
    }
  }
  // A document that does not parse may hide a Kubernetes object (bad indentation can swallow `kind`):
  // such a file is never taken for "not Kubernetes" and passed over.
  if (!file.isKubernetes) file.isKubernetes = file.documents.some((d) => d.error);
  return file;
}

/**
 * True when a mapping key is itself a mapping (js-yaml names it `[object Object]`): an unquoted
 * `{{ .Values.x }}` value parses that way. Kubernetes objects never have such keys.
 */
function hasCollectionKey(v: unknown, depth: number, seen: Set<object> = new Set()): boolean {
  // Each object once: aliases share objects, so an alias bomb is walked in the size of its text, not of its expansion.
  if (depth > 64 || typeof v !== 'object' || v === null || seen.has(v)) return false;
  seen.add(v);
  if (Array.isArray(v)) return v.some((x) => hasCollectionKey(x, depth + 1, seen));
  for (const k in v) if (k === '[object Object]' || hasCollectionKey((v as Record<string, unknown>)[k], depth + 1, seen)) return true;
  return false;
}

/** A file that is not analysed at all (unreadable, over a limit, a template): `reason` says why. */
export function notAnalysedFile(uri: string, text: string, reason: string): SourceFile {
  return { uri, text, lines: new LineIndex(text), documents: [], resources: [], isKubernetes: false, skipped: reason };
}
