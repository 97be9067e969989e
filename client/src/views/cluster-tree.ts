/**
 * The Cluster view of the "Kubernetes Guardrails" activity bar container: kubeconfig contexts →
 * namespaces → pods, each pod with its isolation verdict (client/src/views/cluster-tree-data.ts, in
 * the cluster bundle). In the activation bundle: the view must have its provider at activation, but
 * the cluster bundle and the kubeconfig load only when the view is opened (its first getChildren) — a
 * user action, like a cluster command.
 *
 * Without a kubeconfig, and in Restricted Mode, the view has no items: its welcome content
 * (package.json viewsWelcome) says how to connect, or why cluster features are off. Cluster strings
 * are shown as plain text only: TreeItem labels, descriptions and string tooltips, through inert().
 */
import * as vscode from 'vscode';
import { inert } from '../../../shared/text/inert';
import type { LazyCluster } from '../cluster-loader';
import { kubeconfigExists } from '../cluster/kubeconfig-files';
import { readClusterSettings } from '../cluster-status';
import type { ClusterTreeSource, TreePod } from './cluster-tree-data';

export const CLUSTER_VIEW_ID = 'k8sGuardrails.clusterView';
export const REFRESH_VIEW_COMMAND = 'k8sGuardrails.clusterView.refresh';
/** Context key of the welcome content: a kubeconfig file exists (fs.stat, not read). */
export const KUBECONFIG_FOUND_KEY = 'k8sGuardrails.kubeconfigFound';

export type ClusterNode =
  | { kind: 'context'; context: string; current: boolean; server: string }
  | { kind: 'namespace'; context: string; current: boolean; namespace: string; enforce?: string }
  /** `namespace` and `pod` as the pod operation commands take them (their argument from the view's menu). */
  | ({ kind: 'pod'; context: string; current: boolean; pod: string } & Omit<TreePod, 'name'>)
  | { kind: 'message'; text: string; detail?: string };

const text = (s: string, max = 200) => inert(s, { max });

/** A tooltip of our lines, each made inert on its own: a line break from the cluster shows as `\u{A}`, it cannot forge a line. */
function tooltip(max: number, ...lines: string[]): string {
  const s = lines.map((l) => inert(l, { max: Infinity })).join('\n');
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

export class ClusterTreeProvider implements vscode.TreeDataProvider<ClusterNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ClusterNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private source: ClusterTreeSource | undefined;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(private readonly cluster: LazyCluster) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('k8sGuardrails.cluster')) this.refresh();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.refresh()),
    );
    this.updateContextKey();
  }

  /** Whether there is a kubeconfig to read (welcome content when not). */
  private updateContextKey(): boolean {
    const found = vscode.workspace.isTrusted && kubeconfigExists(readClusterSettings().kubeconfig || undefined);
    void vscode.commands.executeCommand('setContext', KUBECONFIG_FOUND_KEY, found);
    return found;
  }

  refresh(): void {
    this.source?.reset();
    this.updateContextKey();
    this.changed.fire(undefined);
  }

  /** The data source, loading the cluster bundle (once) and following the connection's changes. */
  private async ensureSource(): Promise<ClusterTreeSource> {
    if (this.source) return this.source;
    const ui = await this.cluster.load();
    const m = this.cluster.module()!;
    this.source = new m.ClusterTreeSource(() => ui.connection.current);
    this.disposables.push(ui.connection.onDidChange(() => this.changed.fire(undefined)));
    return this.source;
  }

  async getChildren(node?: ClusterNode): Promise<ClusterNode[]> {
    if (!node) {
      // Restricted Mode or no kubeconfig: no items, the welcome content explains.
      if (!vscode.workspace.isTrusted || !this.updateContextKey()) return [];
      let source: ClusterTreeSource;
      try {
        source = await this.ensureSource();
      } catch (e) {
        return [{ kind: 'message', text: 'The cluster features failed to load', detail: String((e as Error)?.message ?? e) }];
      }
      const contexts = source.contexts();
      if (!contexts.length) return [{ kind: 'message', text: 'Cannot read the kubeconfig', detail: this.cluster.loaded()?.connection.error ?? 'no contexts' }];
      return contexts.map((c) => ({ kind: 'context', context: c.name, current: c.current, server: c.server }));
    }
    if (!this.source || !vscode.workspace.isTrusted) return [];
    if (node.kind === 'context') {
      const r = await this.source.namespaces(node.context);
      const items: ClusterNode[] = r.items.map((n) => ({ kind: 'namespace', context: node.context, current: node.current, namespace: n.name, ...(n.enforce !== undefined ? { enforce: n.enforce } : {}) }));
      return r.error ? [{ kind: 'message', text: 'Cannot list namespaces', detail: r.error }, ...items] : items;
    }
    if (node.kind === 'namespace') {
      const r = await this.source.pods(node.context, node.namespace);
      const items: ClusterNode[] = r.items.map(({ name, ...p }) => ({ kind: 'pod', context: node.context, current: node.current, pod: name, ...p }));
      if (r.error) items.unshift({ kind: 'message', text: items.length ? 'Isolation not verified' : 'Cannot list pods', detail: r.error });
      return items.length ? items : [{ kind: 'message', text: 'No pods' }];
    }
    return [];
  }

  getTreeItem(node: ClusterNode): vscode.TreeItem {
    switch (node.kind) {
      case 'context': {
        const item = new vscode.TreeItem(text(node.context), node.current ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `ctx/${node.context}`;
        item.description = text(`${node.current ? 'current · ' : ''}${node.server}`);
        item.tooltip = tooltip(600, `Context ${node.context}`, `Server: ${node.server || '(none)'}`, node.current ? 'Used by the cluster commands.' : 'Read only here: Select Cluster Context to run cluster commands on it.');
        item.iconPath = new vscode.ThemeIcon(node.current ? 'cloud' : 'circle-outline');
        item.contextValue = node.current ? 'context-current' : 'context';
        return item;
      }
      case 'namespace': {
        const item = new vscode.TreeItem(text(node.namespace), vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `ns/${node.context}/${node.namespace}`;
        item.description = node.enforce !== undefined ? text(`enforce ${node.enforce}`) : 'no PSA enforce label';
        item.tooltip = tooltip(600, `Namespace ${node.namespace}`, `pod-security.kubernetes.io/enforce: ${node.enforce ?? '(not set: the cluster default applies)'}`);
        item.iconPath = new vscode.ThemeIcon('symbol-namespace');
        item.contextValue = 'namespace';
        return item;
      }
      case 'pod': {
        const item = new vscode.TreeItem(text(node.pod), vscode.TreeItemCollapsibleState.None);
        item.id = `pod/${node.context}/${node.namespace}/${node.pod}`;
        const state = node.isolated ? (node.enforcement === 'checked' ? 'isolated' : 'isolated (plugin enforcement assumed)') : node.quarantined ? 'quarantined, NOT isolated' : 'not isolated';
        item.description = text(`${state}${node.phase ? ` · ${node.phase}` : ''}`);
        item.tooltip = tooltip(1500, `Pod ${node.namespace}/${node.pod}${node.phase ? ` (${node.phase})` : ''}`, node.summary);
        item.iconPath = node.isolated
          ? new vscode.ThemeIcon('lock', new vscode.ThemeColor('testing.iconPassed'))
          : node.quarantined
            ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.errorForeground'))
            : new vscode.ThemeIcon('unlock');
        item.accessibilityInformation = { label: text(`Pod ${node.pod}: ${state}`) };
        // trace/isolate/release run on the current context only
        item.contextValue = node.current ? (node.quarantined ? 'pod-current-quarantined' : 'pod-current') : 'pod';
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(text(node.text), vscode.TreeItemCollapsibleState.None);
        if (node.detail) {
          item.description = text(node.detail);
          item.tooltip = inert(node.detail, { max: 1500, multiline: true });
        }
        item.iconPath = new vscode.ThemeIcon('info');
        item.contextValue = 'message';
        return item;
      }
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

export function registerClusterView(context: vscode.ExtensionContext, cluster: LazyCluster): { provider: ClusterTreeProvider; view: vscode.TreeView<ClusterNode> } {
  const provider = new ClusterTreeProvider(cluster);
  const view = vscode.window.createTreeView(CLUSTER_VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });
  context.subscriptions.push(provider, view, vscode.commands.registerCommand(REFRESH_VIEW_COMMAND, () => provider.refresh()));
  return { provider, view };
}
