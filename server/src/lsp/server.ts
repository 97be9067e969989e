/**
 * The language server: a thin adapter between LSP and the engine. It keeps a
 * WorkspaceIndex of open documents and workspace YAML files, re-analyses
 * after edits (debounced, in small batches so requests stay responsive) and
 * turns findings into diagnostics and fixes into code actions.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeAction,
  CodeActionKind,
  CodeActionParams,
  Connection,
  createConnection,
  Diagnostic,
  DiagnosticSeverity,
  ExecuteCommandParams,
  Hover,
  HoverParams,
  MarkupKind,
  InitializeParams,
  InitializeResult,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, DEFAULT_SETTINGS, EngineSettings, Finding, fixAll, ruleDocsUrl, SourceFile, WorkspaceIndex } from '../engine';
import { fromClientSettings, ClientSettings } from './settings';
import { applyConfig, CONFIG_FILE_NAMES, parseConfig, ParsedConfig } from '../engine/config';
import { unusedConfigIgnores } from '../engine/analyze';
import { mergeHovers, SchemaLayer } from './schema-layer';
import { rbacHover } from '../engine/rules/rbac/hover';
import { GENERATE_DEFAULT_DENY, generateDefaultDenyEdit, netpolHover, workloadSignature } from '../engine/netpol/commands';
import { netpolCodeLenses } from '../engine/netpol/hover';
import { registerClusterScan } from './cluster-scan';
import { registerFileStatus } from './file-status';
import { FIX_ALL_KIND } from '../../../shared/protocol';
import { KustomizeSupport } from './kustomize';
import { DEFAULT_KUSTOMIZE_TIMEOUT_MS } from '../kustomize';
import { chartOfTemplate, chartTemplateReason } from '../helm/chart';
import { HelmSupport } from './helm';
import { DEFAULT_HELM_TIMEOUT_MS } from '../helm';

export const SOURCE = 'k8s-guardrails';

const SEVERITY: Record<string, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** Kinds whose change can alter findings in other files. */
const CROSS_FILE_KINDS = new Set([
  'Namespace',
  'NetworkPolicy',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'ServiceAccount',
]);

const BATCH = 100;
export const DEFAULT_ANALYSIS_TIME_LIMIT_MS = 3000;

export function toDiagnostic(f: Finding): Diagnostic {
  const d: Diagnostic = {
    range: f.range,
    // Suppressed findings (shown only with k8sGuardrails.showSuppressed) are hints that say why.
    severity: f.suppressed ? DiagnosticSeverity.Hint : SEVERITY[f.severity],
    code: f.rule,
    codeDescription: { href: ruleDocsUrl(f.rule) },
    source: SOURCE,
    message: f.suppressed ? `${f.message} [suppressed by ${f.suppressed.by === 'config' ? 'the configuration file' : 'annotation'}: ${f.suppressed.reason}]` : f.message,
  };
  if (f.related?.length) d.relatedInformation = f.related.map((r) => ({ location: { uri: r.uri, range: r.range }, message: r.message }));
  if (f.kustomization) {
    // Kustomize: the overlay that rendered the object this finding is about.
    const start = { line: 0, character: 0 };
    (d.relatedInformation ??= []).push({ location: { uri: f.kustomization, range: { start, end: start } }, message: `rendered by this kustomization${f.resource ? ` as ${f.resource.display}` : ''}` });
  }
  if (f.pss) d.data = { pss: f.pss };
  return d;
}

export class GuardrailsServer {
  readonly documents = new TextDocuments(TextDocument);
  readonly index: WorkspaceIndex;
  private baseSettings: EngineSettings = structuredClone(DEFAULT_SETTINGS);
  /** `.k8s-guardrails.yaml` of the workspace (the first folder's wins). */
  private config: ParsedConfig | undefined;
  private client: ClientSettings = {};

  /** Editor settings combined with the workspace config file. */
  get settings(): EngineSettings {
    return applyConfig(this.baseSettings, this.config?.config);
  }
  private findings = new Map<string, Finding[]>();
  private analyzedVersion = new Map<string, number>();
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private generation = 0;
  private folders: string[] = [];
  private supportsConfiguration = false;
  private supportsApplyEdit = false;

  /** Kubernetes schema validation/completion/hover for open documents (see schema-layer.ts). */
  readonly schema: SchemaLayer;
  /** Kustomize overlays, rendered and analysed as rendered (see kustomize.ts). */
  readonly kustomize: KustomizeSupport;
  /** Helm charts, rendered and analysed as rendered (see helm.ts). */
  readonly helm: HelmSupport;

  /** Analysed through renders (Kustomize or Helm), not on its own. */
  private isHeld(uri: string): boolean {
    return this.kustomize.isHeld(uri) || this.helm.isHeld(uri);
  }

  private hold(uri: string, text: string): boolean {
    return this.kustomize.hold(uri, text) || this.helm.hold(uri, text);
  }

  constructor(readonly connection: Connection) {
    this.index = new WorkspaceIndex();
    this.schema = new SchemaLayer(connection, this.documents, { publish: (uri) => this.publishMerged(uri), partial: (uri) => this.kustomize.isPatch(uri) });
    this.kustomize = new KustomizeSupport({
      index: this.index,
      options: () => ({
        enabled: this.client.trusted !== false && this.client.kustomize?.enabled !== false && this.config?.config.kustomize?.enabled !== false,
        command: this.client.kustomize?.command || undefined,
        timeoutMs: (this.client.kustomize?.timeoutSeconds ?? this.config?.config.kustomize?.timeoutSeconds ?? DEFAULT_KUSTOMIZE_TIMEOUT_MS / 1000) * 1000,
      }),
      log: (m) => this.connection.console.info(`k8s-guardrails: ${m}`),
      warn: (m) => void this.connection.window.showWarningMessage(m),
      changed: (uris) => {
        for (const uri of uris) this.pending.add(uri);
        this.scheduleAll();
      },
      progress: async (title) => (await this.progress(title)).done,
    });
    this.helm = new HelmSupport({
      index: this.index,
      options: () => {
        const cfg = this.config;
        const releases = cfg?.config.helm?.releases;
        let config: { dir: string; file: string; releases: NonNullable<typeof releases> } | undefined;
        if (releases?.length && cfg!.uri.startsWith('file:')) {
          const file = fileURLToPath(cfg!.uri);
          config = { dir: path.dirname(file), file, releases };
        }
        return {
          enabled: this.client.trusted !== false && this.client.helm?.enabled !== false && cfg?.config.helm?.enabled !== false,
          command: this.client.helm?.command || undefined,
          timeoutMs: (this.client.helm?.timeoutSeconds ?? cfg?.config.helm?.timeoutSeconds ?? DEFAULT_HELM_TIMEOUT_MS / 1000) * 1000,
          config,
        };
      },
      log: (m) => this.connection.console.info(`k8s-guardrails: ${m}`),
      warn: (m) => void this.connection.window.showWarningMessage(m),
      changed: (uris) => {
        for (const uri of uris) this.pending.add(uri);
        this.scheduleAll();
      },
      progress: async (title) => (await this.progress(title)).done,
      setText: (uri, text) => void this.setText(uri, text),
    });
    connection.onCodeLens((p) =>
      this.guard('codeLens', () => netpolCodeLenses(this.index, this.settings, p.textDocument.uri).map((l) => ({ range: l.range, command: { title: l.title, command: '' } })), []),
    );
    connection.onHover((p) =>
      this.schema.hover(p, () =>
        mergeHovers(
          this.guard('netpol hover', () => this.netpolHover(p), null),
          this.guard('rbac hover', () => this.rbacHover(p), null),
          this.guard('helm hover', () => this.helmHover(p), null),
        ),
      ),
    );
    connection.onExecuteCommand((p) => this.executeCommand(p));
    connection.onInitialize((p) => this.initialize(p));
    connection.onInitialized(() => void this.initialized());
    connection.onDidChangeConfiguration(() =>
      void this.reloadSettings().then(() => {
        this.scheduleAll();
        this.kustomize.trigger();
        this.helm.reset();
        this.helm.trigger();
      }),
    );
    connection.onCodeAction((p) => this.guard('codeAction', () => this.codeActions(p), []));
    connection.onDidChangeWatchedFiles((p) => {
      for (const change of p.changes) {
        if (this.documents.get(change.uri)) continue; // the editor's copy wins
        if (this.kustomize.concerns(change.uri)) this.kustomize.trigger();
        if (this.helm.concerns(change.uri)) this.helm.trigger();
        if (change.type === 3 /* Deleted */ && this.isConfig(change.uri)) this.loadConfig(change.uri, undefined);
        else if (change.type === 3 /* Deleted */) {
          this.kustomize.forget(change.uri);
          this.helm.forget(change.uri);
          this.index.delete(change.uri);
          this.findings.delete(change.uri);
          this.connection.sendDiagnostics({ uri: change.uri, diagnostics: [] });
          this.scheduleAll();
        } else {
          const before = this.index.get(change.uri);
          void this.loadFromDisk(change.uri).then(() => this.scheduleAfterChange(change.uri, before, this.index.get(change.uri)));
        }
      }
    });
    this.documents.onDidOpen((e) => {
      this.onContent(e.document);
      if (this.helm.concerns(e.document.uri)) this.helm.trigger();
      void this.indexSiblings(e.document.uri);
    });
    // Kustomize renders from disk: saving a kustomization or one of its files renders again.
    this.documents.onDidSave((e) => {
      if (this.kustomize.concerns(e.document.uri)) this.kustomize.trigger();
      if (this.helm.concerns(e.document.uri)) this.helm.trigger();
    });
    this.documents.onDidChangeContent((e) => this.onContent(e.document));
    this.documents.onDidClose((e) => {
      // Keep the file in the workspace as it is on disk; forget it if it is not on disk.
      void this.loadFromDisk(e.document.uri).then((ok) => {
        if (!ok) {
          this.index.delete(e.document.uri);
          this.findings.delete(e.document.uri);
          this.connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
        }
        this.schedule(e.document.uri);
      });
    });
    this.documents.listen(connection);
    // live-cluster objects, analysed as their own workspace (see cluster-scan.ts)
    registerClusterScan(connection, () => this.settings, toDiagnostic);
    // the editor's language status item (client/src/status/language-status.ts)
    registerFileStatus(
      connection,
      {
        index: this.index,
        settings: () => this.settings,
        configUri: () => this.config?.uri,
        files: () => {
          // the workspace's own files (not Kustomize/Helm renders), held-back ones included
          // (a kustomization may name a file that does not exist: not a workspace file)
          const uris = new Set([...this.kustomize.heldUris(), ...this.helm.heldUris()].filter((u) => this.documents.get(u) || (u.startsWith('file:') && fs.existsSync(fileURLToPath(u)))));
          for (const f of this.index.allFiles()) if (!this.index.rendered?.isRendered(f.uri)) uris.add(f.uri);
          let analysed = 0;
          for (const u of uris) if (this.findings.has(u)) analysed++;
          return { indexed: uris.size, analysed };
        },
        schemaEnabled: () => this.schema.isEnabled,
        heldBy: (uri) => (this.kustomize.isHeld(uri) ? 'kustomize' : this.helm.isHeld(uri) ? 'helm' : undefined),
        openText: (uri) => this.documents.get(uri)?.getText(),
      },
      (what, fn, fallback) => this.guard(what, fn, fallback),
    );
  }

  private initialize(params: InitializeParams): InitializeResult {
    this.supportsConfiguration = !!params.capabilities.workspace?.configuration;
    this.supportsApplyEdit = !!params.capabilities.workspace?.applyEdit;
    this.client = (params.initializationOptions?.settings as ClientSettings) ?? {};
    this.schema.configure(this.client);
    this.baseSettings = fromClientSettings(this.client);
    this.folders = (params.workspaceFolders ?? [])
      .map((f) => f.uri)
      .concat(params.workspaceFolders ? [] : params.rootUri ? [params.rootUri] : [])
      .filter((u) => u.startsWith('file:'))
      .map((u) => fileURLToPath(u));
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        ...this.schema.capabilities(),
        executeCommandProvider: { commands: [GENERATE_DEFAULT_DENY] },
        codeLensProvider: { resolveProvider: false },
      },
      serverInfo: { name: 'k8s-guardrails' },
    };
  }

  private async initialized(): Promise<void> {
    await this.reloadSettings();
    const indexing = this.folders.length ? await this.progress('Indexing workspace YAML') : undefined;
    try {
      await this.scanFolders((n) => indexing?.report(`${n} file${n === 1 ? '' : 's'}`));
    } finally {
      indexing?.done();
    }
    this.guard('kustomize', () => this.kustomize.prepare(), undefined);
    this.guard('helm', () => this.helm.prepare(), undefined);
    this.scheduleAll();
    this.kustomize.trigger();
    this.helm.trigger();
  }

  private async reloadSettings(): Promise<void> {
    if (!this.supportsConfiguration) return;
    try {
      const s = (await this.connection.workspace.getConfiguration('k8sGuardrails')) as ClientSettings | null;
      if (s) {
        this.client = s;
        this.schema.configure(s);
        this.baseSettings = fromClientSettings(s);
      }
    } catch (e) {
      this.connection.console.error(`k8s-guardrails: could not read settings: ${(e as Error).message}`);
    }
  }

  /** True when `rel` (relative to its workspace folder) matches `k8sGuardrails.workspace.exclude`. */
  private excluded(rel: string): boolean {
    const globs = this.client.workspace?.exclude ?? [];
    if (this.excludes?.globs !== globs) this.excludes = { globs, res: globs.map(globToRegExp) };
    return this.excludes.res.some((re) => re.test(rel));
  }

  private excludes: { globs: string[]; res: RegExp[] } | undefined;

  /**
   * Index the YAML files next to an opened file that the server has not seen. A file watcher can miss
   * files created together with their folder (a checkout, a generator), and a Namespace or a
   * NetworkPolicy there decides findings in the opened file. Only that folder, once per open.
   */
  private async indexSiblings(uri: string): Promise<void> {
    if (!uri.startsWith('file:')) return;
    const dir = path.dirname(fileURLToPath(uri));
    const root = this.folders.find((f) => dir === f || dir.startsWith(f + path.sep));
    if (!root) return;
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    const maxFiles = this.client.workspace?.maxFiles ?? 5000;
    for (const e of entries) {
      if (!e.isFile() || !/\.ya?ml$/i.test(e.name) || this.index.size >= maxFiles) continue;
      const p = path.join(dir, e.name);
      const sibling = pathToFileURL(p).href;
      if (this.index.has(sibling) || this.documents.get(sibling) || this.isHeld(sibling)) continue;
      if (this.excluded(path.relative(root, p).split(path.sep).join('/'))) continue;
      if (await this.loadFromDisk(sibling)) this.scheduleAfterChange(sibling, undefined, this.index.get(sibling));
    }
  }

  /** Index the YAML files of the workspace folders (bounded, yielding between files). */
  private async scanFolders(onCount?: (files: number) => void): Promise<void> {
    const maxFiles = this.client.workspace?.maxFiles ?? 5000;
    let count = 0;
    let reported = Date.now();
    const walk = async (dir: string, root: string): Promise<void> => {
      let entries: fs.Dirent[];
      try {
        entries = await fs.promises.readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        if (count >= maxFiles) return;
        const p = path.join(dir, e.name);
        const rel = path.relative(root, p).split(path.sep).join('/');
        if (this.excluded(rel)) continue;
        if (e.isDirectory()) {
          if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
          await walk(p, root);
        } else if (e.isFile() && /\.ya?ml$/i.test(e.name)) {
          const uri = pathToFileURL(p).href;
          if (this.documents.get(uri)) continue;
          if (await this.loadFromDisk(uri)) count++;
          if (onCount && Date.now() - reported > 200) {
            reported = Date.now();
            onCount(count);
          }
        }
      }
    };
    for (const folder of this.folders) await walk(folder, folder);
    onCount?.(count);
  }

  /**
   * Work-done progress (`window/workDoneProgress/create`, then `$/progress` begin/report/end), shown by the
   * client while the workspace is indexed and Kustomize/Helm render; nothing is sent to a client that does not
   * declare `window.workDoneProgress`.
   */
  private async progress(title: string): Promise<{ report(message: string): void; done(): void }> {
    try {
      const p = await this.connection.window.createWorkDoneProgress();
      p.begin(`Kubernetes Guardrails: ${title}`, undefined, undefined, false);
      let ended = false;
      return {
        report: (message) => !ended && p.report(message),
        done: () => {
          if (!ended) p.done();
          ended = true;
        },
      };
    } catch {
      return { report: () => undefined, done: () => undefined };
    }
  }

  private isConfig(uri: string): boolean {
    return CONFIG_FILE_NAMES.some((n) => uri.endsWith('/' + n));
  }

  /** Read a `.k8s-guardrails.yaml`; its errors are diagnostics on it, and every file is re-analysed. */
  private loadConfig(uri: string, text: string | undefined): void {
    if (text === undefined) {
      if (this.config?.uri === uri) this.config = undefined;
      this.connection.sendDiagnostics({ uri, diagnostics: [] });
    } else {
      if (this.config && this.config.uri !== uri && this.folders.length > 1) return;
      this.config = parseConfig(uri, text);
      this.publishConfig(false); // unused entries once the re-analysis is done
    }
    this.scheduleAll();
  }

  /** Config entries that matched a finding, per analysed file (for `unused-ignore`). */
  private ignoreUse = new Map<string, Set<unknown>>();

  /** The config file's errors, and (once nothing is pending) its `ignore:` entries that suppress nothing. */
  private publishConfig(withUnused = true): void {
    const cfg = this.config;
    if (!cfg) return;
    const diagnostics: Diagnostic[] = cfg.errors.map((e) => ({ range: e.range, severity: DiagnosticSeverity.Error, source: SOURCE, code: 'config-invalid', message: e.message }));
    if (withUnused && this.pending.size === 0 && cfg.config.ignores.length) {
      const used = new Set<never>();
      for (const [uri, set] of this.ignoreUse) if (this.index.has(uri) || this.isHeld(uri)) for (const e of set) used.add(e as never);
      diagnostics.push(...unusedConfigIgnores(cfg.uri, cfg.config.ignores, used, this.settings).map(toDiagnostic));
    }
    this.connection.sendDiagnostics({ uri: cfg.uri, diagnostics });
  }

  /** The config file's `ignore:` entries; `path:` globs are relative to its folder. */
  private configIgnores() {
    const cfg = this.config;
    if (!cfg?.config.ignores.length) return undefined;
    const dir = cfg.uri.slice(0, cfg.uri.lastIndexOf('/') + 1);
    return {
      uri: cfg.uri,
      entries: cfg.config.ignores,
      relativePath: (uri: string) => (uri.startsWith(dir) ? decodeURIComponent(uri.slice(dir.length)) : undefined),
    };
  }

  private async loadFromDisk(uri: string): Promise<boolean> {
    if (!uri.startsWith('file:')) return false;
    if (this.isConfig(uri)) {
      const text = await fs.promises.readFile(fileURLToPath(uri), 'utf8').catch(() => undefined);
      this.loadConfig(uri, text);
      return false;
    }
    try {
      const file = fileURLToPath(uri);
      const stat = await fs.promises.stat(file);
      const max = this.settings && this.client.maxFileSize ? this.client.maxFileSize : 4 * 1024 * 1024;
      if (!stat.isFile() || stat.size > max) return false;
      const text = await fs.promises.readFile(file, 'utf8');
      if (!this.hold(uri, text)) this.setText(uri, text);
      return true;
    } catch {
      return false;
    }
  }

  /** Index a file's text; a Helm chart template is indexed as not analysed (it is YAML only once rendered). */
  private setText(uri: string, text: string): SourceFile {
    const chart = uri.startsWith('file:') ? chartOfTemplate(fileURLToPath(uri)) : undefined;
    return chart !== undefined ? this.index.setNotAnalysed(uri, chartTemplateReason(chart), text) : this.index.set(uri, text);
  }

  private onContent(doc: TextDocument): void {
    if (this.isConfig(doc.uri)) return this.loadConfig(doc.uri, doc.getText());
    if (this.hold(doc.uri, doc.getText())) return; // analysed through its renders, on save
    const before = this.index.get(doc.uri);
    const file = this.guard('parse', () => this.setText(doc.uri, doc.getText()), undefined);
    this.scheduleAfterChange(doc.uri, before, file);
  }

  /** Re-analyse a changed file, and the other files its change can affect (edits and files changed on disk alike). */
  private scheduleAfterChange(uri: string, before: SourceFile | undefined, file: SourceFile | undefined): void {
    const crossBefore = before?.resources.some((r) => CROSS_FILE_KINDS.has(r.kind)) ?? false;
    const crossAfter = file?.resources.some((r) => CROSS_FILE_KINDS.has(r.kind)) ?? false;
    if (crossBefore || crossAfter) this.scheduleAll(uri);
    else if (before && file && workloadSignature(before) !== workloadSignature(file)) {
      // Workload labels/namespaces changed: NetworkPolicy findings (e.g. netpol-selects-nothing) elsewhere may change.
      for (const r of this.index.resourcesOfKind('NetworkPolicy')) this.pending.add(r.file.uri);
      this.schedule(uri);
    } else this.schedule(uri);
  }

  private rbacHover(p: HoverParams): Hover | null {
    const value = rbacHover(this.index, p.textDocument.uri, p.position);
    return value ? { contents: { kind: MarkupKind.Markdown, value } } : null;
  }

  private helmHover(p: HoverParams): Hover | null {
    const value = this.helm.hover(p.textDocument.uri, p.position.line);
    return value ? { contents: { kind: MarkupKind.Markdown, value } } : null;
  }

  private netpolHover(p: HoverParams): Hover | null {
    const value = netpolHover(this.index, this.settings, p.textDocument.uri, p.position);
    return value ? { contents: { kind: MarkupKind.Markdown, value } } : null;
  }

  private async executeCommand(p: ExecuteCommandParams): Promise<unknown> {
    if (p.command !== GENERATE_DEFAULT_DENY) return null;
    const edit = this.guard('generateDefaultDeny', () => generateDefaultDenyEdit(this.index, this.settings, p.arguments?.[0]), undefined);
    if (!edit) return null;
    if (this.supportsApplyEdit) {
      try {
        await this.connection.workspace.applyEdit({ label: 'Add default-deny NetworkPolicy', edit });
      } catch (e) {
        this.connection.console.error(`k8s-guardrails: applyEdit failed: ${(e as Error)?.message ?? e}`);
      }
    }
    return edit;
  }

  schedule(uri: string): void {
    this.pending.add(uri);
    this.kick();
  }

  /** Re-analyse every file; `first` goes first (the one being typed in). */
  scheduleAll(first?: string): void {
    if (first) this.pending.add(first);
    for (const f of this.index.allFiles()) this.pending.add(f.uri);
    this.kick();
  }

  private kick(): void {
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    const delay = this.client.debounceMs ?? 150;
    this.timer = setTimeout(() => void this.flush(this.generation), delay);
  }

  private async flush(generation: number): Promise<void> {
    this.timer = undefined;
    // Open documents first: they are what the user is looking at.
    const queue = [...this.pending].sort((a, b) => Number(!this.documents.get(a)) - Number(!this.documents.get(b)));
    while (queue.length) {
      if (generation !== this.generation) return; // a newer edit restarted the work
      const batch = queue.splice(0, BATCH);
      this.analyzeNow(batch);
      for (const uri of batch) this.pending.delete(uri);
      if (queue.length) await new Promise((r) => setImmediate(r));
    }
    if (this.config?.config.ignores.length) this.publishConfig();
  }

  private analyzeNow(uris: string[]): void {
    // Rendered objects map findings onto held-back files: analyse all renders and all those files together.
    const rendered = [...this.kustomize.renderedUris(), ...this.helm.renderedUris()];
    if (uris.some((u) => this.isHeld(u) || this.index.rendered?.isRendered(u)))
      uris = [...new Set([...uris, ...rendered, ...this.kustomize.heldUris(), ...this.helm.heldUris()])];
    const present = uris.filter((u) => this.index.has(u) || this.isHeld(u));
    const result = this.guard(
      'analyze',
      () =>
        analyze(this.index, this.settings, {
          uris: present,
          includeSuppressed: this.client.showSuppressed === true,
          fileTimeLimitMs: this.client.analysisTimeLimitMs ?? DEFAULT_ANALYSIS_TIME_LIMIT_MS,
          fileTimeLimitSetting: 'k8sGuardrails.analysisTimeLimitMs',
          configIgnores: this.configIgnores(),
          onRuleError: (rule, error, where) => {
            // Once per rule per server: a broken rule must not flood the log on every keystroke.
            if (this.failedRules.has(rule.id)) return;
            this.failedRules.add(rule.id);
            this.connection.console.error(`k8s-guardrails: rule ${rule.id} failed on ${where} (its findings are skipped; other rules still run): ${(error as Error)?.stack ?? error}`);
          },
        }),
      undefined,
    );
    if (!result) return;
    for (const uri of uris) this.ignoreUse.delete(uri);
    for (const [uri, use] of result.ignoreUse) this.ignoreUse.set(uri, use);
    // A held-back file with no rendered findings left: clear what it showed.
    for (const uri of present) if (!result.findings.has(uri) && this.isHeld(uri)) result.findings.set(uri, []);
    for (const [uri, findings] of result.findings) {
      if (this.index.rendered?.isRendered(uri)) continue; // never published: every finding was mapped to its source
      this.findings.set(uri, findings);
      const doc = this.documents.get(uri);
      if (doc) this.analyzedVersion.set(uri, doc.version);
      const file = this.index.get(uri);
      if (!doc && !findings.length && !this.published.has(uri)) continue;
      if (!doc && file && !file.isKubernetes && !this.published.has(uri)) continue;
      this.published.add(uri);
      const spent = result.timedOut.get(uri);
      // A file over the size or time limit carries a `not-analysed` finding (the engine's); the log says it too.
      if (spent !== undefined) this.connection.console.warn(`k8s-guardrails: analysis of ${uri} stopped after ${spent} ms (k8sGuardrails.analysisTimeLimitMs)`);
      this.connection.sendDiagnostics({ uri, version: doc?.version, diagnostics: this.schema.merge(uri, this.ownDiagnostics(uri)) });
    }
  }

  private readonly published = new Set<string>();

  /** The engine's diagnostics for a uri. */
  private ownDiagnostics(uri: string): Diagnostic[] {
    return (this.findings.get(uri) ?? []).map(toDiagnostic);
  }
  private readonly failedRules = new Set<string>();

  /** Re-publish a uri's last findings with its current schema diagnostics (one set per uri). */
  private publishMerged(uri: string): void {
    const doc = this.documents.get(uri);
    this.published.add(uri);
    this.connection.sendDiagnostics({ uri, version: doc?.version, diagnostics: this.schema.merge(uri, this.ownDiagnostics(uri)) });
  }

  /** Findings for the document's current text (analysing now if an edit is pending). */
  private currentFindings(uri: string): Finding[] {
    const doc = this.documents.get(uri);
    // Held-back kustomization files change their findings on save (a new render), not per keystroke.
    if (doc && this.analyzedVersion.get(uri) !== doc.version && !this.isHeld(uri)) this.analyzeNow([uri]);
    return this.findings.get(uri) ?? [];
  }

  private codeActions(params: CodeActionParams): CodeAction[] {
    const uri = params.textDocument.uri;
    const only = params.context.only;
    const wants = (kind: string) => !only || only.some((k) => kind === k || kind.startsWith(k + '.'));
    const actions: CodeAction[] = [];
    const findings = this.currentFindings(uri);
    if (wants(CodeActionKind.QuickFix)) {
      for (const d of params.context.diagnostics) {
        if (d.source !== SOURCE) continue;
        const f = findings.find((x) => x.rule === d.code && sameRange(x.range, d.range));
        if (!f?.fixes) continue;
        for (const fix of f.fixes()) {
          if (f.suppressed && fix.suppression) continue; // already ignored
          const edits = fix.edits.reduce<Record<string, { range: typeof d.range; newText: string }[]>>((acc, e) => {
            (acc[e.uri] ??= []).push({ range: e.range, newText: e.newText });
            return acc;
          }, {});
          actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: fix.preferred, edit: { changes: edits } });
        }
      }
    }
    if (wants(FIX_ALL_KIND) && (only || findings.some((f) => f.fixes?.({ fixAllOnly: true }).some((x) => x.fixAll)))) {
      const edit = fixAll(this.index, uri, this.settings);
      if (edit) actions.push({ title: 'Fix all auto-fixable k8s-guardrails problems', kind: FIX_ALL_KIND, edit: { changes: { [uri]: [{ range: edit.range, newText: edit.newText }] } } });
    }
    return actions;
  }

  /** Never let one failing request take the server down. */
  private guard<T>(what: string, fn: () => T, fallback: T): T {
    try {
      return fn();
    } catch (e) {
      this.connection.console.error(`k8s-guardrails: ${what} failed: ${(e as Error)?.stack ?? e}`);
      return fallback;
    }
  }
}

function sameRange(a: Finding['range'], b: Finding['range']): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

/** `files.exclude`-style glob (`**`, `*`, `?`) → RegExp over a relative path. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}(/.*)?$`);
}

export function startServer(): GuardrailsServer {
  const connection = createConnection(ProposedFeatures.all);
  const server = new GuardrailsServer(connection);
  process.on('uncaughtException', (e) => connection.console.error(`k8s-guardrails: uncaught: ${e?.stack ?? e}`));
  process.on('unhandledRejection', (e) => connection.console.error(`k8s-guardrails: unhandled rejection: ${(e as Error)?.stack ?? e}`));
  connection.listen();
  return server;
}
