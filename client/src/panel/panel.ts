/**
 * The cluster panel (a webview): strict CSP with a per-load nonce, no inline
 * handlers, codicons shipped with the extension, theme colours only
 * (--vscode-* variables). State flows one way: the extension posts a
 * `PanelState`, the webview renders it; the webview posts validated
 * `WebviewMessage`s back.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { ExtensionMessage, parseWebviewMessage, PanelState, WebviewMessage } from './messages';
import { nonce, panelHtml } from './panel-html';

export const PANEL_VIEW_TYPE = 'k8sGuardrails.clusterPanel';

/**
 * Codicons: client/out/codicons (a packaged copy: `vsce --no-dependencies` never
 * ships node_modules) or node_modules/@vscode/codicons/dist (development);
 * undefined when neither exists (the panel then shows text labels only).
 */
function codiconRoot(extensionUri: vscode.Uri): vscode.Uri | undefined {
  for (const dir of [vscode.Uri.joinPath(extensionUri, 'client', 'out', 'codicons'), vscode.Uri.joinPath(extensionUri, 'node_modules', '@vscode', 'codicons', 'dist')]) {
    if (fs.existsSync(vscode.Uri.joinPath(dir, 'codicon.css').fsPath)) return dir;
  }
  return undefined;
}

export class ClusterPanel implements vscode.Disposable {
  private static current: ClusterPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private lastState: PanelState | undefined;

  static show(extensionUri: vscode.Uri, onMessage: (m: WebviewMessage) => void): ClusterPanel {
    if (ClusterPanel.current) {
      ClusterPanel.current.panel.reveal();
      return ClusterPanel.current;
    }
    const icons = codiconRoot(extensionUri);
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'Kubernetes Cluster', vscode.ViewColumn.Active, ClusterPanel.options(icons));
    ClusterPanel.current = new ClusterPanel(panel, icons, onMessage);
    return ClusterPanel.current;
  }

  /**
   * A panel VS Code restored after a window reload (registerWebviewPanelSerializer):
   * the same options and HTML as a new one; the state is posted again when its
   * script says `ready` (nothing is read back from the webview's saved state).
   */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, onMessage: (m: WebviewMessage) => void): ClusterPanel {
    if (ClusterPanel.current && ClusterPanel.current.panel !== panel) ClusterPanel.current.dispose();
    const icons = codiconRoot(extensionUri);
    panel.webview.options = ClusterPanel.options(icons);
    ClusterPanel.current = new ClusterPanel(panel, icons, onMessage);
    return ClusterPanel.current;
  }

  private static options(icons: vscode.Uri | undefined): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return { enableScripts: true, enableCommandUris: false, enableForms: false, localResourceRoots: icons ? [icons] : [] };
  }

  static get instance(): ClusterPanel | undefined {
    return ClusterPanel.current;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    icons: vscode.Uri | undefined,
    onMessage: (m: WebviewMessage) => void,
  ) {
    const webview = panel.webview;
    webview.html = panelHtml({
      cspSource: webview.cspSource,
      nonce: nonce(),
      codiconCss: icons ? webview.asWebviewUri(vscode.Uri.joinPath(icons, 'codicon.css')).toString() : undefined,
    });
    this.disposables.push(
      webview.onDidReceiveMessage((raw: unknown) => {
        const m = parseWebviewMessage(raw);
        if (!m) return; // not ours / malformed: ignored
        if (m.type === 'ready' && this.lastState) void this.post({ type: 'state', state: this.lastState });
        onMessage(m);
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  setState(state: PanelState): void {
    this.lastState = state;
    void this.post({ type: 'state', state });
  }

  focusPod(namespace: string, pod: string): void {
    void this.post({ type: 'focusPod', namespace, pod });
  }

  private post(m: ExtensionMessage): Thenable<boolean> {
    return this.panel.webview.postMessage(m);
  }

  private disposed = false;

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (ClusterPanel.current === this) ClusterPanel.current = undefined;
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
  }
}
