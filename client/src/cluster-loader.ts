/**
 * The live-cluster features load on first use: the cluster bundle
 * (client/out/cluster.js, with @kubernetes/client-node) and the kubeconfig are
 * read by the first cluster command or when VS Code restores the cluster panel,
 * never at activation. Until then each contributed `k8sGuardrails.cluster.*`
 * command is a stand-in that loads the bundle, gives the id to the real command
 * and runs it with the same arguments.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ClusterStatusItem } from './cluster-status';
import type { ClusterUiApi } from './panel';

export type ClusterModule = typeof import('./cluster-entry');

const CLUSTER_COMMAND_PREFIX = 'k8sGuardrails.cluster.';
/** PANEL_VIEW_TYPE of client/src/panel/panel.ts (in the cluster bundle: not imported here). */
const PANEL_VIEW_TYPE = 'k8sGuardrails.clusterPanel';

export interface ClusterDeps {
  output: vscode.LogOutputChannel;
  client: () => LanguageClient | undefined;
  /** Resolves when the language client has started. */
  ready: Promise<void>;
}

export interface LazyCluster {
  /** Loads the cluster bundle (once) and registers the cluster commands and panel. */
  load(): Promise<ClusterUiApi>;
  /** The cluster features if loaded. */
  loaded(): ClusterUiApi | undefined;
  /** The cluster bundle's exports once loaded (the Cluster view's data source, client/src/views). */
  module(): ClusterModule | undefined;
  status: ClusterStatusItem;
}

/** The cluster commands contributed in package.json (each gets a stand-in until the bundle is loaded). */
function contributedClusterCommands(context: vscode.ExtensionContext): string[] {
  const commands = (context.extension.packageJSON as { contributes?: { commands?: { command: string }[] } }).contributes?.commands ?? [];
  return commands.map((c) => c.command).filter((id) => id.startsWith(CLUSTER_COMMAND_PREFIX));
}

export function registerLazyCluster(context: vscode.ExtensionContext, deps: ClusterDeps): LazyCluster {
  const status = new ClusterStatusItem();
  context.subscriptions.push(status);
  let cluster: ClusterUiApi | undefined;
  let mod: ClusterModule | undefined;

  const standIns = contributedClusterCommands(context).map((id) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        await load();
      } catch {
        void vscode.window.showErrorMessage('Kubernetes Guardrails: the cluster features failed to load (see the Kubernetes Guardrails output).');
        return undefined;
      }
      // the stand-in is gone now: this runs the real command
      return vscode.commands.executeCommand(id, ...args);
    }),
  );
  context.subscriptions.push(...standIns);

  /** Synchronous from the stand-ins' disposal to the real commands' registration: no call can fall in between. */
  const loadNow = (): ClusterUiApi => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require('./cluster.js') as ClusterModule;
    mod = m;
    for (const d of standIns) d.dispose();
    const ui = m.registerClusterUi(context, { ...deps, status });
    // trace / isolate / release / … (client/src/cluster/commands.ts), on the panel's connection
    m.registerClusterOperationCommands(context, { output: deps.output, ...ui.operationDeps });
    deps.output.info('cluster features loaded');
    return ui;
  };

  const load = async (): Promise<ClusterUiApi> => {
    if (cluster) return cluster;
    try {
      cluster = loadNow();
      return cluster;
    } catch (e) {
      deps.output.error(`Cluster features failed to load: ${(e as Error)?.stack ?? e}`);
      throw e;
    }
  };

  // The cluster panel survives a window reload: VS Code hands the old panel back here (the
  // serializer must exist during activation; restoring the panel loads the bundle).
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel) {
        try {
          (await load()).restorePanel(panel);
        } catch {
          panel.dispose();
        }
      },
    }),
  );

  return { load, loaded: () => cluster, module: () => mod, status };
}
