/**
 * The VS Code side: starts the language server, forwards settings, wires
 * commands. All analysis happens in the server (the client never parses YAML).
 */
import * as vscode from 'vscode';
import { DidChangeConfigurationNotification, LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { effectiveSchemaEnable, otherKubernetesSchemaProvider, EditorFacts } from '../../shared/settings/schema-enablement';
import { FIX_ALL_KIND } from '../../shared/protocol';
import type { ClusterUiApi } from './panel';

type ClusterModule = typeof import('./cluster-entry');

let client: LanguageClient | undefined;

export interface GuardrailsApi {
  /** Resolves when the language server is running and the cluster features are loaded (used by the integration tests). */
  ready: Promise<void>;
  client(): LanguageClient | undefined;
  /** Live cluster: connection, scan, panel state (used by the integration tests). */
  cluster: ClusterUiApi;
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

export async function activate(context: vscode.ExtensionContext): Promise<GuardrailsApi> {
  const output = vscode.window.createOutputChannel('Kubernetes Guardrails', { log: true });
  context.subscriptions.push(output);

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
  client = new LanguageClient('k8sGuardrails', 'Kubernetes Guardrails', serverOptions, clientOptions);

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

  // `auto` depends on other extensions and on Red Hat YAML's settings: tell the server when they change
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

  const ready = client.start();
  context.subscriptions.push({ dispose: () => void client?.stop() });

  // Live cluster (commands refuse in Restricted Mode; see client/src/panel). Its bundle carries
  // @kubernetes/client-node: loaded after activation returns, so activation stays fast.
  let cluster: ClusterUiApi | undefined;
  const clusterLoaded = new Promise<void>((resolve, reject) =>
    setImmediate(() => {
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const m = require('./cluster.js') as ClusterModule;
        cluster = m.registerClusterUi(context, { output, client: () => client, ready });
        // trace / isolate / release / … (client/src/cluster/commands.ts), on the panel's connection
        m.registerClusterOperationCommands(context, { output, ...cluster.operationDeps });
        resolve();
      } catch (e) {
        output.error(`Cluster features failed to load: ${(e as Error)?.stack ?? e}`);
        reject(e);
      }
    }),
  );
  // The cluster panel survives a window reload: VS Code hands the old panel back here (the
  // serializer must exist during activation; the cluster bundle is loaded just after).
  // 'k8sGuardrails.clusterPanel' = PANEL_VIEW_TYPE (client/src/panel/panel.ts, in the cluster bundle).
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer('k8sGuardrails.clusterPanel', {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel) {
        try {
          await clusterLoaded;
        } catch {
          panel.dispose();
          return;
        }
        cluster?.restorePanel(panel);
      },
    }),
  );
  return {
    ready: Promise.all([ready, clusterLoaded]).then(() => undefined),
    client: () => client,
    get cluster(): ClusterUiApi {
      if (!cluster) throw new Error('cluster features are still loading: await ready first');
      return cluster;
    },
  };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
