/**
 * The language server: translates between LSP and the engine's façade
 * (`AnalysisHost` / `Analysis`, server/src/engine/host.ts). It holds the
 * connection, the client's settings and the host; each LSP concern is one
 * file under handlers/ (diagnostics, code actions, hover, code lenses,
 * commands, documents, workspace files).
 */
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import { CodeActionKind, Connection, createConnection, InitializeParams, InitializeResult, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisHost, EngineSettings } from '../engine';
import { fromClientSettings, ClientSettings } from './settings';
import { SchemaLayer } from './schema-layer';
import { registerClusterScan } from './cluster-scan';
import { registerFileStatus } from './file-status';
import * as fs from 'node:fs';
import { KustomizeSupport } from './kustomize';
import { DEFAULT_KUSTOMIZE_TIMEOUT_MS } from '../kustomize';
import { HelmSupport } from './helm';
import { DEFAULT_HELM_TIMEOUT_MS } from '../helm';
import { Diagnostics, toDiagnostic } from './handlers/diagnostics';
import { FIX_ALL_KIND, registerCodeActions } from './handlers/code-actions';
import { registerHover } from './handlers/hover';
import { registerCodeLens } from './handlers/code-lens';
import { COMMANDS, registerCommands } from './handlers/commands';
import { registerDocuments } from './handlers/documents';
import { WorkspaceFiles } from './handlers/workspace-files';

export { DEFAULT_ANALYSIS_TIME_LIMIT_MS, SOURCE, toDiagnostic } from './handlers/diagnostics';
export { FIX_ALL_KIND } from './handlers/code-actions';

export class GuardrailsServer {
  readonly documents = new TextDocuments(TextDocument);
  /** The engine: files, settings, configuration file; `host.analysis()` answers the requests. */
  readonly host = new AnalysisHost();
  /** The client's `k8sGuardrails` settings. */
  client: ClientSettings = {};
  readonly capabilities = { configuration: false, applyEdit: false, watchedFilesRegistration: false, workspaceFolders: false };

  readonly diagnostics: Diagnostics;
  readonly files: WorkspaceFiles;
  /** Kubernetes schema validation/completion/hover for open documents (see schema-layer.ts). */
  readonly schema: SchemaLayer;
  /** Kustomize overlays, rendered and analysed as rendered (see kustomize.ts). */
  readonly kustomize: KustomizeSupport;
  /** Helm charts, rendered and analysed as rendered (see helm.ts). */
  readonly helm: HelmSupport;

  /** Editor settings combined with the workspace config file. */
  get settings(): EngineSettings {
    return this.host.settings;
  }

  /** Analysed through renders (Kustomize or Helm), not on its own. */
  isHeld(uri: string): boolean {
    return this.kustomize.isHeld(uri) || this.helm.isHeld(uri);
  }

  hold(uri: string, text: string): boolean {
    return this.kustomize.hold(uri, text) || this.helm.hold(uri, text);
  }

  constructor(readonly connection: Connection) {
    this.diagnostics = new Diagnostics(this);
    this.files = new WorkspaceFiles(this);
    this.schema = new SchemaLayer(connection, this.documents, {
      publish: (uri) => this.diagnostics.publishMerged(uri),
      partial: (uri) => this.kustomize.isPatch(uri),
      yieldTo: () => this.diagnostics.openDocumentsAnalysed(),
    });
    const changed = (uris: string[]) => {
      this.diagnostics.add(uris);
      this.diagnostics.scheduleAll();
    };
    this.kustomize = new KustomizeSupport({
      index: this.host.workspace,
      options: () => ({
        enabled: this.client.trusted !== false && this.client.kustomize?.enabled !== false && this.host.config?.config.kustomize?.enabled !== false,
        command: this.client.kustomize?.command || undefined,
        timeoutMs: (this.client.kustomize?.timeoutSeconds ?? this.host.config?.config.kustomize?.timeoutSeconds ?? DEFAULT_KUSTOMIZE_TIMEOUT_MS / 1000) * 1000,
      }),
      log: (m) => this.connection.console.info(`k8s-guardrails: ${m}`),
      warn: (m) => void this.connection.window.showWarningMessage(m),
      changed,
      progress: async (title) => (await this.progress(title)).done,
    });
    this.helm = new HelmSupport({
      index: this.host.workspace,
      options: () => {
        const cfg = this.host.config;
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
      changed,
      progress: async (title) => (await this.progress(title)).done,
      setText: (uri, text) => void this.files.setText(uri, text),
    });
    registerCodeLens(this);
    registerHover(this);
    registerCommands(this);
    connection.onInitialize((p) => this.initialize(p));
    connection.onInitialized(() => void this.initialized());
    connection.onShutdown(() => this.schema.dispose());
    connection.onDidChangeConfiguration(() =>
      void this.reloadSettings().then(() => {
        this.diagnostics.scheduleAll();
        this.kustomize.trigger();
        this.helm.reset();
        this.helm.trigger();
      }),
    );
    registerCodeActions(this);
    registerDocuments(this);
    // live-cluster objects, analysed as their own workspace (see cluster-scan.ts)
    registerClusterScan(connection, () => this.settings, toDiagnostic);
    // the editor's language status item (client/src/status/language-status.ts)
    registerFileStatus(
      connection,
      {
        host: this.host,
        configUri: () => this.host.config?.uri,
        files: () => {
          // the workspace's own files (not Kustomize/Helm renders), held-back ones included
          // (a kustomization may name a file that does not exist: not a workspace file)
          const ws = this.host.workspace;
          const uris = new Set([...this.kustomize.heldUris(), ...this.helm.heldUris()].filter((u) => this.documents.get(u) || (u.startsWith('file:') && fs.existsSync(fileURLToPath(u)))));
          for (const f of ws.allFiles()) if (!ws.rendered?.isRendered(f.uri)) uris.add(f.uri);
          let analysed = 0;
          for (const u of uris) if (this.diagnostics.analysed(u)) analysed++;
          return { indexed: uris.size, analysed };
        },
        schemaEnabled: () => this.schema.isEnabled,
        heldBy: (uri) => (this.kustomize.isHeld(uri) ? 'kustomize' : this.helm.isHeld(uri) ? 'helm' : undefined),
        openText: (uri) => this.documents.get(uri)?.getText(),
      },
      (what, fn, fallback) => this.guard(what, fn, fallback),
    );
  }

  /**
   * Work-done progress (`window/workDoneProgress/create`, then `$/progress` begin/report/end), shown by the
   * client while the workspace is indexed and Kustomize/Helm render; nothing is sent to a client that does not
   * declare `window.workDoneProgress`.
   */
  async progress(title: string): Promise<{ report(message: string): void; done(): void }> {
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

  private initialize(params: InitializeParams): InitializeResult {
    const workspace = params.capabilities.workspace;
    this.capabilities.configuration = !!workspace?.configuration;
    this.capabilities.applyEdit = !!workspace?.applyEdit;
    this.capabilities.watchedFilesRegistration = !!workspace?.didChangeWatchedFiles?.dynamicRegistration;
    this.capabilities.workspaceFolders = !!workspace?.workspaceFolders;
    this.setClientSettings((params.initializationOptions?.settings as ClientSettings) ?? {});
    this.files.folders = (params.workspaceFolders ?? [])
      .map((f) => f.uri)
      .concat(params.workspaceFolders ? [] : params.rootUri ? [params.rootUri] : [])
      .filter((u) => u.startsWith('file:'))
      .map((u) => fileURLToPath(u));
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        ...this.schema.capabilities(),
        executeCommandProvider: { commands: COMMANDS },
        codeLensProvider: { resolveProvider: false },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'k8s-guardrails' },
    };
  }

  private async initialized(): Promise<void> {
    this.files.registerWatchers();
    await this.reloadSettings();
    const indexing = this.files.folders.length ? await this.progress('Indexing workspace YAML') : undefined;
    try {
      await this.files.scanFolders(this.files.folders, (n) => indexing?.report(`${n} file${n === 1 ? '' : 's'}`));
    } finally {
      indexing?.done();
    }
    this.guard('kustomize', () => this.kustomize.prepare(), undefined);
    this.guard('helm', () => this.helm.prepare(), undefined);
    this.diagnostics.scheduleAll();
    this.kustomize.trigger();
    this.helm.trigger();
  }

  /** The engine settings last given to the host, as JSON. */
  private engineSettings: string | undefined;

  private setClientSettings(s: ClientSettings): void {
    this.client = s;
    this.schema.configure(s);
    const engine = fromClientSettings(s);
    const json = JSON.stringify(engine);
    // The same settings again (the first reload after initialize, a change of another extension's settings):
    // the host keeps its snapshot, whose models and per-resource reports stay valid.
    if (json === this.engineSettings) return;
    this.engineSettings = json;
    this.host.setSettings(engine);
  }

  private async reloadSettings(): Promise<void> {
    if (!this.capabilities.configuration) return;
    try {
      const s = (await this.connection.workspace.getConfiguration('k8sGuardrails')) as ClientSettings | null;
      if (s) this.setClientSettings(s);
    } catch (e) {
      this.connection.console.error(`k8s-guardrails: could not read settings: ${(e as Error).message}`);
    }
  }

  /** Never let one failing request take the server down. */
  guard<T>(what: string, fn: () => T, fallback: T): T {
    try {
      return fn();
    } catch (e) {
      this.connection.console.error(`k8s-guardrails: ${what} failed: ${(e as Error)?.stack ?? e}`);
      return fallback;
    }
  }
}

export function startServer(): GuardrailsServer {
  const connection = createConnection(ProposedFeatures.all);
  const server = new GuardrailsServer(connection);
  process.on('uncaughtException', (e) => connection.console.error(`k8s-guardrails: uncaught: ${e?.stack ?? e}`));
  process.on('unhandledRejection', (e) => connection.console.error(`k8s-guardrails: unhandled rejection: ${(e as Error)?.stack ?? e}`));
  connection.listen();
  return server;
}
