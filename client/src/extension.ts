/**
 * The VS Code side: starts the language server, forwards settings, wires
 * commands. All analysis happens in the server (the client never parses YAML).
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { DidChangeConfigurationNotification, LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { effectiveSchemaEnable, otherKubernetesSchemaProvider, EditorFacts } from '../../shared/settings/schema-enablement';
import { FIX_ALL_KIND } from '../../shared/protocol';
import { registerLazyCluster } from './cluster-loader';
import { LanguageStatus, LanguageStatusSnapshot } from './status/language-status';
import { ClusterTreeProvider, registerClusterView } from './views/cluster-tree';
import { registerWalkthroughCommands } from './views/walkthrough';
import type { ClusterUiApi } from './panel';

let client: LanguageClient | undefined;

/** What activate() returns (used by the integration tests, test/editor/suite). */
export interface GuardrailsApi {
  /** Resolves when the language server is running. */
  ready: Promise<void>;
  client(): LanguageClient | undefined;
  /** Live cluster: connection, scan, panel state; throws until the cluster features are loaded (loadCluster). */
  cluster: ClusterUiApi;
  /** Loads the cluster features as the first cluster command does (client/src/cluster-loader.ts). */
  loadCluster(): Promise<ClusterUiApi>;
  /** Whether the cluster bundle is loaded (it is not at activation). */
  clusterLoaded(): boolean;
  /** Whether the cluster status bar item is shown (kubeconfig present, trusted, k8sGuardrails.cluster.showStatusItem). */
  clusterStatusVisible(): boolean;
  /** What the yaml language status item shows (PSS level in force, its source, files analysed, schema). */
  languageStatus(): LanguageStatusSnapshot;
  /** The Cluster view's data provider (contexts → namespaces → pods). */
  clusterView: ClusterTreeProvider;
}

/** What the `auto` value of `k8sGuardrails.schema.enable` depends on (see shared/settings/schema-enablement.ts). */
function editorFacts(): EditorFacts {
  const yaml = vscode.workspace.getConfiguration('yaml');
  return { extensions: vscode.extensions.all.map((e) => e.id), yamlValidate: yaml.get('validate'), yamlSchemas: yaml.get('schemas') };
}

/** `on`/`off`: the client resolves `auto`, the server only sees the result. */
function schemaEnable(): 'on' | 'off' {
  return effectiveSchemaEnable(vscode.workspace.getConfiguration('k8sGuardrails').get('schema.enable', 'auto'), editorFacts());
}

function initializationSettings() {
  const cfg = vscode.workspace.getConfiguration('k8sGuardrails');
  const filesExclude = vscode.workspace.getConfiguration('files').get<Record<string, boolean>>('exclude') ?? {};
  return {
    pss: cfg.get('pss'),
    rules: cfg.get('rules'),
    maxFileSize: cfg.get<number>('maxFileSize'),
    analysisTimeLimitMs: cfg.get<number>('analysisTimeLimitMs'),
    workspace: {
      exclude: Object.entries(filesExclude)
        .filter(([, on]) => on === true)
        .map(([glob]) => glob),
      maxFiles: cfg.get<number>('workspace.maxFiles'),
    },
    schema: { enable: schemaEnable() },
    showSuppressed: cfg.get<boolean>('showSuppressed'),
    kustomize: cfg.get('kustomize'),
    helm: cfg.get('helm'),
    trusted: vscode.workspace.isTrusted,
  };
}

function startLanguageClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): LanguageClient {
  const serverModule = context.asAbsolutePath('server/out/main.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, args: ['lsp'], transport: TransportKind.ipc },
    debug: { module: serverModule, args: ['lsp'], transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'untitled', language: 'yaml' },
    ],
    synchronize: {
      configurationSection: 'k8sGuardrails',
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{yaml,yml}'),
    },
    initializationOptions: { settings: initializationSettings() },
    middleware: {
      workspace: {
        // the server reads `k8sGuardrails` through workspace/configuration: give it the resolved schema.enable
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          if (!Array.isArray(result)) return result;
          return result.map((value, i) =>
            params.items[i]?.section === 'k8sGuardrails' && value && typeof value === 'object'
              ? { ...value, schema: { ...(value as { schema?: object }).schema, enable: schemaEnable() }, trusted: vscode.workspace.isTrusted }
              : value,
          );
        },
      },
    },
    outputChannel: output,
  };
  return new LanguageClient('k8sGuardrails', 'Kubernetes Guardrails', serverOptions, clientOptions);
}

function registerEditorCommands(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('k8sGuardrails.showOutput', () => output.show()),
    vscode.commands.registerCommand('k8sGuardrails.restartServer', async () => {
      await client?.restart();
    }),
    vscode.commands.registerCommand('k8sGuardrails.fixAll', async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor) return;
      await vscode.commands.executeCommand('editor.action.codeAction', { kind: FIX_ALL_KIND, apply: 'first' });
    }),
  );
}

/** `auto` depends on other extensions and on Red Hat YAML's settings: tell the server when they change. */
function watchSchemaEnable(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): void {
  let lastSchemaEnable = schemaEnable();
  const schemaEnableMayHaveChanged = () => {
    const now = schemaEnable();
    if (now === lastSchemaEnable) return;
    lastSchemaEnable = now;
    output.info(`Kubernetes schema validation ${now}${now === 'off' ? ` (${otherKubernetesSchemaProvider(editorFacts()) ?? 'k8sGuardrails.schema.enable'})` : ''}`);
    if (client?.isRunning()) void client.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  };
  context.subscriptions.push(
    vscode.extensions.onDidChange(schemaEnableMayHaveChanged),
    // Kustomize rendering starts once the workspace is trusted: the server re-reads `trusted` with the settings.
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      if (client?.isRunning()) void client.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('yaml') || e.affectsConfiguration('k8sGuardrails.schema')) schemaEnableMayHaveChanged();
    }),
  );
  if (lastSchemaEnable === 'off') output.info(`Kubernetes schema validation off (${otherKubernetesSchemaProvider(editorFacts()) ?? 'k8sGuardrails.schema.enable'})`);
}

/** When this bundle was evaluated (the extension host loads it just before calling activate). */
const LOADED_AT = performance.now();

/**
 * Activation timings (ms): `activate` returned `activateMs` after the bundle loaded, the language server
 * answered `initialize` `readyMs` after. `npm run bench` reads them from the file named by
 * K8SG_ACTIVATION_REPORT (scripts/bench/activation.ts); nothing is written without it.
 */
function reportActivation(returnedAt: number, ready: Promise<void>): void {
  const file = process.env.K8SG_ACTIVATION_REPORT;
  if (!file) return;
  void ready.then(
    () => fs.writeFileSync(file, JSON.stringify({ activateMs: returnedAt - LOADED_AT, readyMs: performance.now() - LOADED_AT })),
    () => undefined,
  );
}

export async function activate(context: vscode.ExtensionContext): Promise<GuardrailsApi> {
  const output = vscode.window.createOutputChannel('Kubernetes Guardrails', { log: true });
  context.subscriptions.push(output);
  client = startLanguageClient(context, output);
  registerEditorCommands(context, output);
  watchSchemaEnable(context, output);

  const ready = client.start();
  context.subscriptions.push({ dispose: () => void client?.stop() });

  // Live cluster (commands refuse in Restricted Mode; see client/src/panel): its bundle carries
  // @kubernetes/client-node and loads on the first cluster command, never at activation.
  const cluster = registerLazyCluster(context, { output, client: () => client, ready });
  const languageStatus = new LanguageStatus(() => client, ready);
  context.subscriptions.push(languageStatus);
  const clusterView = registerClusterView(context, cluster);
  registerWalkthroughCommands(context);
  reportActivation(performance.now(), ready);
  return {
    ready,
    client: () => client,
    get cluster(): ClusterUiApi {
      const c = cluster.loaded();
      if (!c) throw new Error('the cluster features load on the first cluster command: await loadCluster() first');
      return c;
    },
    loadCluster: () => cluster.load(),
    clusterLoaded: () => cluster.loaded() !== undefined,
    clusterStatusVisible: () => cluster.status.visible,
    languageStatus: () => languageStatus.snapshot(),
    clusterView: clusterView.provider,
  };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
