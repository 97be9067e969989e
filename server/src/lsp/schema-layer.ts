/**
 * Kubernetes schema validation, completion and hover in the language server (server/src/schema, built on
 * yaml-language-server, offline: schemas are read from <extension>/schemas/v1.35 only).
 *
 * - The schema service lives in a worker thread (server/src/schema/worker.ts, bundled as
 *   server/out/schema-worker.js), started the first time the layer is needed: this thread never runs schema
 *   work, so a keystroke's re-analysis never waits for it. The worker is unref'd (it never keeps the server
 *   alive) and terminated by `dispose`. If it dies, the layer turns off with an error message (console and
 *   window); the engine's analysis is unaffected.
 * - Validation runs for OPEN YAML documents only (never for the rest of the workspace), debounced per
 *   document; the worker validates document by document (only those whose text changed) and stops when a
 *   newer version arrives; a result is kept only if the document still has the version it was computed for.
 *   Publishing a changed result is background work: it waits (`yieldTo`) while the engine's re-analysis of an
 *   edited open document is queued or being published.
 * - The diagnostics (source 'k8s-guardrails (schema)') are kept per uri; the server publishes them together
 *   with the engine's findings (`merge`), one publishDiagnostics per uri. When schema results change the
 *   layer asks the server to re-publish (`publish` callback).
 * - Completion and hover come from the schema service; `hover` merges another provider's hover (e.g. the
 *   NetworkPolicy explanation) into a single Hover.
 * - On/off: `k8sGuardrails.schema.enable`. The client resolves `auto` (see shared/settings/schema-enablement.ts)
 *   and sends `on`/`off`; a server whose client sends `auto` (another editor) treats it as `on`.
 *   The yaml-language-server code is loaded the first time the layer is needed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  CompletionItem,
  CompletionList,
  CompletionParams,
  CompletionTriggerKind,
  Connection,
  Diagnostic,
  Hover,
  HoverParams,
  MarkedString,
  MarkupContent,
  MarkupKind,
  ServerCapabilities,
  TextDocuments,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { FromWorker, SchemaWorkerData, ToWorker } from '../schema/worker';
import { splitYamlDocuments, aliasHeavy, shiftRange } from '../schema/documents';

export { splitYamlDocuments, aliasHeavy, MAX_SCHEMA_ALIASES } from '../schema/documents';
export type { DocumentChunk } from '../schema/documents';

export const SCHEMA_SOURCE = 'k8s-guardrails (schema)';
export const SCHEMA_VERSION_DIR = 'v1.35';
/** Characters that open completion: values after `key:` / `key: `, keys after `- `. */
export const COMPLETION_TRIGGER_CHARACTERS = [':', ' '];
const DEFAULT_DEBOUNCE_MS = 150;
const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

export interface SchemaLayerSettings {
  schema?: { enable?: unknown };
  debounceMs?: number;
  maxFileSize?: number;
}

export interface SchemaLayerOptions {
  /** Re-publish the merged diagnostics of `uri` (the schema set changed). */
  publish: (uri: string) => void;
  /** Directory of index.json & co.; default: found next to the bundle (see findSchemasDir). */
  schemasDir?: string;
  log?: (message: string) => void;
  /** Documents that are partial objects by design (Kustomize patches): not validated against the schemas. */
  partial?: (uri: string) => boolean;
  /**
   * More urgent work to let go first (the engine's re-analysis of the document just edited): a promise that
   * resolves when it is done, or undefined when there is none. Awaited before a new schema result is published.
   */
  yieldTo?: () => Promise<void> | undefined;
  /** The worker's script; default: found next to this module (see findWorkerScript). */
  workerScript?: string;
}

/**
 * The schema worker's script: `schema-worker.js` next to the bundle (server/out), or `../schema/worker.js`
 * next to the compiled sources (out/server/src/lsp).
 */
export function findWorkerScript(from: string = __dirname): string {
  const bundled = path.join(from, 'schema-worker.js');
  return fs.existsSync(bundled) ? bundled : path.join(from, '../schema/worker.js');
}

/**
 * `<extension>/schemas/v1.35`: the bundle is <extension>/server/out/main.js, so `../../schemas/v1.35`;
 * compiled sources (out/server/src/lsp) are deeper, so the first ancestor holding schemas/v1.35 wins.
 */
export function findSchemasDir(from: string = __dirname): string {
  const direct = path.join(from, '../../schemas', SCHEMA_VERSION_DIR);
  if (fs.existsSync(path.join(direct, 'index.json'))) return direct;
  let dir = from;
  for (let i = 0; i < 8; i++) {
    const candidate = path.join(dir, 'schemas', SCHEMA_VERSION_DIR);
    if (fs.existsSync(path.join(candidate, 'index.json'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return direct;
}

export function isYamlDocument(doc: TextDocument): boolean {
  return doc.languageId === 'yaml' || /\.ya?ml$/i.test(doc.uri);
}

function toMarkdown(c: MarkupContent | MarkedString | MarkedString[]): string {
  if (Array.isArray(c)) return c.map(toMarkdown).filter(Boolean).join('\n\n');
  if (typeof c === 'string') return c;
  if ('kind' in c) return c.kind === MarkupKind.Markdown ? c.value : c.value.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
  return '```' + c.language + '\n' + c.value + '\n```';
}

/** One Hover from several (null/undefined skipped): contents joined by a rule, the first range kept. */
export function mergeHovers(...hovers: (Hover | null | undefined)[]): Hover | null {
  const present = hovers.filter((h): h is Hover => !!h);
  if (present.length === 0) return null;
  if (present.length === 1) return present[0];
  const value = present
    .map((h) => toMarkdown(h.contents).trim())
    .filter(Boolean)
    .join('\n\n---\n\n');
  const range = present.find((h) => h.range)?.range;
  return { contents: { kind: MarkupKind.Markdown, value }, ...(range ? { range } : {}) };
}

/** A completion item of a document that starts `lines` lines into the file, in file coordinates. */
function shiftItem(item: CompletionItem, lines: number): CompletionItem {
  const out = { ...item };
  const edit = item.textEdit;
  if (edit) out.textEdit = 'range' in edit ? { ...edit, range: shiftRange(edit.range, lines) } : { ...edit, insert: shiftRange(edit.insert, lines), replace: shiftRange(edit.replace, lines) };
  if (item.additionalTextEdits) out.additionalTextEdits = item.additionalTextEdits.map((e) => ({ ...e, range: shiftRange(e.range, lines) }));
  return out;
}

export class SchemaLayer {
  private enabled = false;
  private debounceMs = DEFAULT_DEBOUNCE_MS;
  private maxBytes = DEFAULT_MAX_BYTES;
  /** The schema worker, once started; undefined again after `dispose`. */
  private worker: Worker | undefined;
  /** Why the worker died (the layer is then off for good). */
  private failure: string | undefined;
  private disposed = false;
  /** Schema diagnostics per uri, with the document version they were computed for. */
  private readonly results = new Map<string, { version: number; diagnostics: Diagnostic[] }>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Validations asked of the worker, by uri → the version (the newest one) being validated. */
  private readonly running = new Map<string, number>();
  /** Completion and hover requests waiting for the worker's answer, by id. */
  private readonly requests = new Map<number, (value: unknown) => void>();
  private nextRequest = 0;
  readonly schemasDir: string;
  private readonly workerScript: string;

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly options: SchemaLayerOptions,
  ) {
    this.schemasDir = options.schemasDir ?? findSchemasDir();
    this.workerScript = options.workerScript ?? findWorkerScript();
    documents.onDidOpen((e) => this.schedule(e.document));
    documents.onDidChangeContent((e) => this.schedule(e.document));
    documents.onDidClose((e) => this.forget(e.document.uri));
    connection.onCompletion((p) => this.complete(p));
  }

  /** Capabilities to merge into the server's InitializeResult (always offered; answers are empty when off). */
  capabilities(): Pick<ServerCapabilities, 'completionProvider' | 'hoverProvider'> {
    return { completionProvider: { triggerCharacters: COMPLETION_TRIGGER_CHARACTERS, resolveProvider: false }, hoverProvider: true };
  }

  get isEnabled(): boolean {
    return this.enabled && !this.failure;
  }

  /** Apply the client's `k8sGuardrails` settings (schema.enable: on/off; `auto` from a client that does not resolve it counts as on). */
  configure(settings: SchemaLayerSettings | undefined): void {
    const s = settings ?? {};
    const enable = s.schema?.enable;
    const on = !(enable === 'off' || enable === false);
    this.debounceMs = typeof s.debounceMs === 'number' && s.debounceMs >= 0 ? s.debounceMs : DEFAULT_DEBOUNCE_MS;
    this.maxBytes = typeof s.maxFileSize === 'number' && s.maxFileSize > 0 ? s.maxFileSize : DEFAULT_MAX_BYTES;
    if (on === this.enabled) return;
    this.enabled = on;
    this.log(`schema validation ${on ? 'on' : 'off'} (k8sGuardrails.schema.enable: ${String(enable ?? 'auto')})`);
    if (on) {
      for (const doc of this.documents.all()) this.schedule(doc);
    } else {
      this.stopAll();
    }
  }

  /** Drops every schema result (re-publishing the files that had some) and what is scheduled or running. */
  private stopAll(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.running.clear();
    for (const uri of [...this.results.keys()]) this.clear(uri);
    // the worker's caches describe texts that may change while the layer is off
    for (const doc of this.documents.all()) this.post({ type: 'forget', uri: doc.uri });
  }

  /** The engine's diagnostics for `uri` followed by the current schema diagnostics. */
  merge(uri: string, ours: Diagnostic[]): Diagnostic[] {
    const schema = this.isEnabled ? this.results.get(uri)?.diagnostics : undefined;
    return schema?.length ? ours.concat(schema) : ours;
  }

  /** Current schema diagnostics of a uri (tests, fix-all filters). */
  diagnostics(uri: string): Diagnostic[] {
    return this.results.get(uri)?.diagnostics ?? [];
  }

  /** Resolves when no validation is scheduled or running (tests, benchmarks). */
  async idle(): Promise<void> {
    while (this.timers.size || this.running.size) await new Promise((r) => setTimeout(r, 10));
  }

  private log(message: string): void {
    (this.options.log ?? ((m: string) => this.connection.console.log(m)))(`k8s-guardrails: ${message}`);
  }

  /** The schema worker, started on first use; undefined when the layer failed or was disposed. */
  private getWorker(): Worker | undefined {
    if (this.worker || this.failure || this.disposed) return this.worker;
    const workerData: SchemaWorkerData = { schemasDir: this.schemasDir };
    let worker: Worker;
    try {
      worker = new Worker(this.workerScript, { workerData, stdout: false, stderr: false });
    } catch (e) {
      this.fail(`could not start ${this.workerScript}: ${(e as Error)?.message ?? e}`);
      return undefined;
    }
    worker.unref(); // never keeps the server alive
    worker.on('message', (m: FromWorker) => this.received(m));
    worker.on('error', (e) => this.fail(`${(e as Error)?.stack ?? e}`));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.fail(`the worker exited (code ${code})`);
    });
    this.worker = worker;
    return worker;
  }

  private post(message: ToWorker): boolean {
    if (!this.worker && message.type === 'forget') return false; // nothing cached yet
    const worker = this.getWorker();
    if (!worker) return false;
    worker.postMessage(message);
    return true;
  }

  /** The worker died: the schema layer is off (results dropped, requests answered empty), analysis goes on. */
  private fail(reason: string): void {
    if (this.failure || this.disposed) return;
    this.failure = reason;
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate().catch(() => undefined);
    this.connection.console.error(`k8s-guardrails: the schema worker failed, schema validation, completion and hover are off: ${reason}`);
    void this.connection.window.showErrorMessage('k8s-guardrails: schema validation stopped (its worker failed; see the output). Security findings are not affected.');
    for (const resolve of this.requests.values()) resolve(undefined);
    this.requests.clear();
    this.stopAll();
  }

  /** Stops the worker (server shutdown). */
  async dispose(): Promise<void> {
    this.disposed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.running.clear();
    const worker = this.worker;
    this.worker = undefined;
    for (const resolve of this.requests.values()) resolve(undefined);
    this.requests.clear();
    await worker?.terminate();
  }

  private schedule(doc: TextDocument): void {
    if (!this.isEnabled || !isYamlDocument(doc)) return;
    const uri = doc.uri;
    const old = this.timers.get(uri);
    if (old) clearTimeout(old);
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        this.validate(uri);
      }, this.debounceMs),
    );
  }

  private validate(uri: string): void {
    const doc = this.documents.get(uri);
    if (!doc || !this.isEnabled) return;
    const version = doc.version;
    if (this.results.get(uri)?.version === version || this.running.get(uri) === version) return;
    const text = doc.getText();
    if (Buffer.byteLength(text, 'utf8') > this.maxBytes || this.options.partial?.(uri)) {
      this.running.delete(uri);
      void this.store(uri, version, []);
      return;
    }
    if (this.post({ type: 'validate', uri, version, languageId: doc.languageId, text })) this.running.set(uri, version);
  }

  private received(m: FromWorker): void {
    if (m.type === 'result') {
      const resolve = this.requests.get(m.id);
      this.requests.delete(m.id);
      if (m.error) this.connection.console.error(`k8s-guardrails: schema completion/hover failed: ${m.error}`);
      resolve?.(m.error ? undefined : m.value);
      return;
    }
    if (this.running.get(m.uri) === m.version) this.running.delete(m.uri);
    if (m.error) this.connection.console.error(`k8s-guardrails: schema validation of ${m.uri} failed: ${m.error}`);
    if (m.diagnostics) void this.store(m.uri, m.version, m.diagnostics);
  }

  /** Keeps a result if the document still has its version; re-publishes the file if its schema set changed. */
  private async store(uri: string, version: number, diagnostics: Diagnostic[]): Promise<void> {
    const current = () => this.isEnabled && this.documents.get(uri)?.version === version;
    if (!current()) return; // stale: a newer version is (or will be) validated
    const before = this.results.get(uri)?.diagnostics ?? [];
    this.results.set(uri, { version, diagnostics });
    if (!before.length && !diagnostics.length) return;
    if (before.length === diagnostics.length && JSON.stringify(before) === JSON.stringify(diagnostics)) return; // published already
    await this.options.yieldTo?.();
    if (this.results.get(uri)?.version === version && this.isEnabled) this.options.publish(uri);
  }

  /** Asks the worker for a completion list or a hover; undefined when it failed or the worker is gone. */
  private request<T>(type: 'complete' | 'hover', doc: TextDocument, position: { line: number; character: number }): Promise<T | undefined> {
    const id = ++this.nextRequest;
    return new Promise<T | undefined>((resolve) => {
      if (!this.post({ type, id, uri: doc.uri, languageId: doc.languageId, version: doc.version, text: doc.getText(), position })) return resolve(undefined);
      this.requests.set(id, resolve as (value: unknown) => void);
    });
  }

  private clear(uri: string): void {
    const had = this.results.get(uri)?.diagnostics.length;
    this.results.delete(uri);
    if (had) this.options.publish(uri);
  }

  private forget(uri: string): void {
    const t = this.timers.get(uri);
    if (t) clearTimeout(t);
    this.timers.delete(uri);
    this.running.delete(uri);
    this.clear(uri);
    this.post({ type: 'forget', uri });
  }

  private chunkVersion = 0;

  /**
   * The YAML document (of a multi-document file) holding `position`, as a text document of its own, and the
   * line it starts at: completion and hover parse only that document, not the whole file.
   */
  private chunkAt(doc: TextDocument, position: { line: number; character: number }): { doc: TextDocument; line: number } {
    const chunks = splitYamlDocuments(doc.getText());
    if (!chunks || chunks.length < 2) return { doc, line: 0 };
    let chunk = chunks[0];
    for (const c of chunks) if (c.line <= position.line) chunk = c;
    return { doc: TextDocument.create(`${doc.uri}#k8s-guardrails-document`, doc.languageId, ++this.chunkVersion, chunk.text), line: chunk.line };
  }

  async complete(params: CompletionParams): Promise<CompletionList | null> {
    if (!this.isEnabled) return null;
    const doc = this.documents.get(params.textDocument.uri);
    if (!doc || !isYamlDocument(doc)) return null;
    if (params.context?.triggerKind === CompletionTriggerKind.TriggerCharacter && params.context.triggerCharacter === ' ') {
      // a space opens completion only where a value or a list item starts: `key: |`, `- |`
      const line = doc.getText({ start: { line: params.position.line, character: 0 }, end: params.position });
      if (!/(:|^\s*-) $/.test(line)) return null;
    }
    try {
      const chunk = this.chunkAt(doc, params.position);
      if (aliasHeavy(chunk.doc.getText())) return null;
      const list = await this.request<CompletionList>('complete', chunk.doc, { line: params.position.line - chunk.line, character: params.position.character });
      if (!list) return null;
      return { isIncomplete: list.isIncomplete, items: chunk.line ? list.items.map((i) => shiftItem(i as CompletionItem, chunk.line)) : (list.items as CompletionItem[]) };
    } catch (e) {
      this.connection.console.error(`k8s-guardrails: schema completion failed: ${(e as Error)?.stack ?? e}`);
      return null;
    }
  }

  /** The schema hover merged with `other` (another feature's hover for the same position), one Hover. */
  async hover(params: HoverParams, other?: () => Hover | null | undefined | Promise<Hover | null | undefined>): Promise<Hover | null> {
    const [mine, theirs] = await Promise.all([
      this.schemaHover(params),
      Promise.resolve()
        .then(() => other?.())
        .catch((e) => {
          this.connection.console.error(`k8s-guardrails: hover failed: ${(e as Error)?.stack ?? e}`);
          return null;
        }),
    ]);
    return mergeHovers(theirs, mine);
  }

  private async schemaHover(params: HoverParams): Promise<Hover | null> {
    if (!this.isEnabled) return null;
    const doc = this.documents.get(params.textDocument.uri);
    if (!doc || !isYamlDocument(doc)) return null;
    try {
      const chunk = this.chunkAt(doc, params.position);
      if (aliasHeavy(chunk.doc.getText())) return null;
      const h = await this.request<Hover | null>('hover', chunk.doc, { line: params.position.line - chunk.line, character: params.position.character });
      if (!h) return null;
      return h.range && chunk.line ? { ...h, range: shiftRange(h.range, chunk.line) } : h;
    } catch (e) {
      this.connection.console.error(`k8s-guardrails: schema hover failed: ${(e as Error)?.stack ?? e}`);
      return null;
    }
  }
}
