/**
 * The cluster status bar item and the machine-scoped cluster settings, in the
 * activation bundle (no @kubernetes/client-node, no kubeconfig read): the item
 * shows only in a trusted workspace where a kubeconfig file exists (fs.stat of
 * the setting's file, else KUBECONFIG's, else ~/.kube/config) and
 * `k8sGuardrails.cluster.showStatusItem` is on. Until the cluster bundle is
 * loaded (first cluster command) it offers the context picker; then the
 * bundle's ClusterConnection (client/src/panel/connection-state.ts) sets what
 * it says (context, server).
 */
import * as vscode from 'vscode';
import { kubeconfigExists } from './cluster/kubeconfig-files';

export const SELECT_CONTEXT_COMMAND = 'k8sGuardrails.cluster.selectContext';
const SECTION = 'k8sGuardrails.cluster';

export interface ClusterSettings {
  kubeconfig: string;
  context: string;
  /** Workspace/folder values that were ignored (setting names only). */
  ignored: string[];
}

/** Machine-scoped settings: the user's value or the default, never a workspace value. */
export function readClusterSettings(): ClusterSettings {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const ignored: string[] = [];
  const one = (key: 'kubeconfig' | 'context'): string => {
    const i = cfg.inspect<string>(key);
    if (i && (i.workspaceValue !== undefined || i.workspaceFolderValue !== undefined)) ignored.push(`${SECTION}.${key}`);
    const v = i?.globalValue ?? i?.defaultValue ?? '';
    return typeof v === 'string' ? v.trim() : '';
  };
  return { kubeconfig: one('kubeconfig'), context: one('context'), ignored };
}

export interface StatusContent {
  text: string;
  tooltip: string | vscode.MarkdownString;
}

export class ClusterStatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('k8sGuardrails.cluster.context', vscode.StatusBarAlignment.Left, 20);
  private content: StatusContent | undefined;
  private shown = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    this.item.name = 'Kubernetes Guardrails: cluster context';
    this.item.command = SELECT_CONTEXT_COMMAND;
    this.disposables.push(
      this.item,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SECTION)) this.update();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.update()),
    );
    this.update();
  }

  /** What the item says once the cluster bundle read the kubeconfig (undefined: back to the picker offer). */
  set(content: StatusContent | undefined): void {
    this.content = content;
    this.update();
  }

  /** Whether the item is on the status bar (for the integration tests). */
  get visible(): boolean {
    return this.shown;
  }

  /** Re-checks trust, the setting and the kubeconfig file (a stat, not a read). */
  update(): void {
    const cfg = vscode.workspace.getConfiguration(SECTION);
    this.shown = vscode.workspace.isTrusted && cfg.get<boolean>('showStatusItem', true) !== false && kubeconfigExists(readClusterSettings().kubeconfig || undefined);
    if (!this.shown) {
      this.item.hide();
      return;
    }
    this.item.text = this.content?.text ?? '$(cloud) Kubernetes';
    this.item.tooltip = this.content?.tooltip ?? 'Kubernetes Guardrails: a kubeconfig is available. Click to pick the context for cluster scan, trace and isolate.';
    this.item.show();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
