/**
 * Kubernetes schema validation, completion and hover in the language server (server/src/schema, built on
 * yaml-language-server, offline: schemas are read from <extension>/schemas/v1.35 only).
 *
 * - Validation runs for OPEN YAML documents only (never for the rest of the workspace), debounced per
 *   document, yielding to the event loop on long files and cancelled when a newer version arrives; a result
 *   is kept only if the document still has the version it was computed for. It is background work: it waits
 *   (`yieldTo`) while the engine's re-analysis of an edited open document is queued or being published.
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
  Range,
  ServerCapabilities,
  TextDocuments,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { SchemaService } from '../schema';

export const SCHEMA_SOURCE = 'k8s-guardrails (schema)';
export const SCHEMA_VERSION_DIR = 'v1.35';
/** Characters that open completion: values after `key:` / `key: `, keys after `- `. */
export const COMPLETION_TRIGGER_CHARACTERS = [':', ' '];
/**
 * Yield to other requests after this much validation work on one document: a keystroke that arrives during
 * the validation of a freshly opened long file waits at most this long (and one document's validation).
 */
const YIELD_AFTER_MS = 5;
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
   * resolves when it is done, or undefined when there is none. Awaited before validation work and at each yield.
   */
  yieldTo?: () => Promise<void> | undefined;
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

/** One YAML document of a multi-document text: its text (from its `---` line) and its first line. */
export interface DocumentChunk {
  text: string;
  line: number;
}

/**
 * Splits a YAML stream at its document markers (`---` at column 0, which YAML reserves: it ends any block
 * scalar too). Returns undefined when the text has directives (`%YAML`, `%TAG`) or document-end markers
 * (`...`), whose meaning spans documents: such texts are validated whole.
 */
export function splitYamlDocuments(text: string): DocumentChunk[] | undefined {
  if (/^(%|\.\.\.(\s|$))/m.test(text)) return undefined;
  const chunks: DocumentChunk[] = [];
  const marker = /^---(?=\s|$)/gm;
  let start = 0;
  let line = 0;
  let m: RegExpExecArray | null;
  const lineAt = (from: number, to: number) => {
    let n = 0;
    for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
    return n;
  };
  while ((m = marker.exec(text))) {
    if (m.index === 0) continue;
    chunks.push({ text: text.slice(start, m.index), line });
    line += lineAt(start, m.index);
    start = m.index;
  }
  chunks.push({ text: text.slice(start), line });
  return chunks;
}

/**
 * yaml-language-server expands aliases while it walks a document: a "billion
 * laughs" alias bomb exhausts the server's memory. Kubernetes manifests hardly
 * use aliases, so a document with many alias references gets no schema layer
 * (our own engine shares aliased values and is unaffected).
 */
export const MAX_SCHEMA_ALIASES = 32;
export function aliasHeavy(text: string): boolean {
  let n = 0;
  const re = /(?:^|[\s[{,:-])\*[^\s,\]}]/g;
  while (re.exec(text)) if (++n > MAX_SCHEMA_ALIASES) return true;
  return false;
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

/**
 * Lets the messages that arrived meanwhile be handled: the first turn reads them (vscode-jsonrpc then queues
 * their handling with setImmediate), the second handles them, so that `yieldTo` sees the edit they make.
 */
export async function yieldToMessages(): Promise<void> {
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
}

function shiftRange(r: Range, lines: number): Range {
  return { start: { line: r.start.line + lines, character: r.start.character }, end: { line: r.end.line + lines, character: r.end.character } };
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
  private service: Promise<SchemaService> | undefined;
  /** Schema diagnostics per uri, with the document version they were computed for. */
  private readonly results = new Map<string, { version: number; diagnostics: Diagnostic[] }>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Validations running, by uri → the version being validated. */
  private readonly running = new Map<string, number>();
  /**
   * Per uri: the schema diagnostics of each YAML document of the file, by the document's text (ranges relative
   * to the document). An edit re-validates only the documents whose text changed, so typing in a file of
   * thousands of resources costs one document's validation.
   */
  private readonly chunkCache = new Map<string, Map<string, Diagnostic[]>>();
  readonly schemasDir: string;

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly options: SchemaLayerOptions,
  ) {
    this.schemasDir = options.schemasDir ?? findSchemasDir();
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
    return this.enabled;
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
      for (const t of this.timers.values()) clearTimeout(t);
      this.timers.clear();
      this.chunkCache.clear();
      for (const uri of [...this.results.keys()]) this.clear(uri);
    }
  }

  /** The engine's diagnostics for `uri` followed by the current schema diagnostics. */
  merge(uri: string, ours: Diagnostic[]): Diagnostic[] {
    const schema = this.enabled ? this.results.get(uri)?.diagnostics : undefined;
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

  private getService(): Promise<SchemaService> {
    if (!this.service) {
      const schemasDir = this.schemasDir;
      this.service = import('../schema').then((m) => m.createSchemaService({ schemasDir }));
    }
    return this.service;
  }

  private schedule(doc: TextDocument): void {
    if (!this.enabled || !isYamlDocument(doc)) return;
    const uri = doc.uri;
    const old = this.timers.get(uri);
    if (old) clearTimeout(old);
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        void this.validate(uri);
      }, this.debounceMs),
    );
  }

  private async validate(uri: string): Promise<void> {
    const doc = this.documents.get(uri);
    if (!doc || !this.enabled) return;
    const version = doc.version;
    if (this.results.get(uri)?.version === version) return;
    const current = () => this.enabled && this.documents.get(uri)?.version === version;
    let diagnostics: Diagnostic[] = [];
    this.running.set(uri, version);
    try {
      if (Buffer.byteLength(doc.getText(), 'utf8') <= this.maxBytes && !this.options.partial?.(uri)) {
        const service = await this.getService();
        await this.options.yieldTo?.();
        if (!current()) return;
        const result = await this.validateByDocument(service, doc, current);
        if (!result) return; // cancelled
        diagnostics = result;
      }
    } catch (e) {
      this.connection.console.error(`k8s-guardrails: schema validation of ${uri} failed: ${(e as Error)?.stack ?? e}`);
      return;
    } finally {
      if (this.running.get(uri) === version) this.running.delete(uri);
    }
    if (!current()) return; // stale: a newer version is (or will be) validated
    const before = this.results.get(uri)?.diagnostics ?? [];
    this.results.set(uri, { version, diagnostics });
    if (before.length || diagnostics.length) this.options.publish(uri);
  }

  /**
   * Validates each YAML document of the file on its own (cached by its text), yielding to other requests
   * every YIELD_AFTER_MS; undefined when cancelled.
   */
  private async validateByDocument(service: SchemaService, doc: TextDocument, current: () => boolean): Promise<Diagnostic[] | undefined> {
    const chunks = splitYamlDocuments(doc.getText());
    if (!chunks) {
      this.chunkCache.delete(doc.uri);
      if (aliasHeavy(doc.getText())) return [];
      const all = await service.validate(doc, { isCancelled: () => !current(), yieldAfterMs: YIELD_AFTER_MS, yieldTo: this.options.yieldTo });
      return current() ? all : undefined;
    }
    const previous = this.chunkCache.get(doc.uri) ?? new Map<string, Diagnostic[]>();
    const next = new Map<string, Diagnostic[]>();
    const out: Diagnostic[] = [];
    let sliceStart = Date.now();
    for (const chunk of chunks) {
      if (Date.now() - sliceStart >= YIELD_AFTER_MS) {
        await yieldToMessages();
        await this.options.yieldTo?.();
        sliceStart = Date.now();
        if (!current()) {
          this.chunkCache.set(doc.uri, new Map([...previous, ...next])); // keep the work done
          return undefined;
        }
      }
      let diags = next.get(chunk.text) ?? previous.get(chunk.text);
      if (!diags) {
        diags = /\S/.test(chunk.text) && !aliasHeavy(chunk.text) ? await service.validate(TextDocument.create(doc.uri, doc.languageId, doc.version, chunk.text)) : [];
      }
      next.set(chunk.text, diags);
      for (const d of diags) {
        out.push({ ...d, range: { start: { line: d.range.start.line + chunk.line, character: d.range.start.character }, end: { line: d.range.end.line + chunk.line, character: d.range.end.character } } });
      }
    }
    this.chunkCache.set(doc.uri, next);
    return current() ? out : undefined;
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
    this.chunkCache.delete(uri);
    this.clear(uri);
    void this.service
      ?.then((s) => {
        s.forget(uri);
        s.forget(`${uri}#k8s-guardrails-document`);
      })
      .catch(() => undefined);
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
    if (!this.enabled) return null;
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
      const list = await (await this.getService()).complete(chunk.doc, { line: params.position.line - chunk.line, character: params.position.character });
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
    if (!this.enabled) return null;
    const doc = this.documents.get(params.textDocument.uri);
    if (!doc || !isYamlDocument(doc)) return null;
    try {
      const chunk = this.chunkAt(doc, params.position);
      if (aliasHeavy(chunk.doc.getText())) return null;
      const h = await (await this.getService()).hover(chunk.doc, { line: params.position.line - chunk.line, character: params.position.character });
      return h?.range && chunk.line ? { ...h, range: shiftRange(h.range, chunk.line) } : h;
    } catch (e) {
      this.connection.console.error(`k8s-guardrails: schema hover failed: ${(e as Error)?.stack ?? e}`);
      return null;
    }
  }
}
