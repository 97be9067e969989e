/**
 * Which cluster the cluster commands talk to: the kubeconfig from the
 * machine-scoped setting `k8sGuardrails.cluster.kubeconfig` (else KUBECONFIG /
 * ~/.kube/config), the context from `k8sGuardrails.cluster.context` (else the
 * kubeconfig's current-context), what the status bar item says, the context picker, and
 * the Workspace Trust gate shared by every cluster action.
 *
 * Security: both settings are read with inspect() and only user (global)
 * values count, so a cloned repository's .vscode/settings.json cannot point
 * the extension at another kubeconfig; nothing here logs tokens or kubeconfig
 * contents (only the file path, context name and server URL).
 */
import * as vscode from 'vscode';
import { createSession, ClusterSession, KubeConfigError, loadKubeConfig, LoadedKubeConfig } from '../cluster/connection';
import { ClusterStatusItem, readClusterSettings, SELECT_CONTEXT_COMMAND } from '../cluster-status';

export { SELECT_CONTEXT_COMMAND };
const SECTION = 'k8sGuardrails.cluster';

/**
 * The Workspace Trust gate: false (and a message with a way out) in Restricted
 * Mode. Cluster commands use the user's credentials; an untrusted folder must
 * not be able to trigger them (e.g. through a task or a link).
 */
export async function requireTrust(action: string): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const manage = 'Manage Workspace Trust';
  // not awaited: the command returns at once; the button stays usable
  void vscode.window
    .showWarningMessage(`${action} is not available in Restricted Mode: cluster commands use your kubeconfig credentials, so they only run in a trusted workspace. Trust this folder to use them.`, manage)
    .then((pick) => (pick === manage ? vscode.commands.executeCommand('workbench.trust.manage') : undefined));
  return false;
}

export class ClusterConnection implements vscode.Disposable {
  private loaded: LoadedKubeConfig | undefined;
  private loadError: string | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private warnedIgnored = false;

  /** `status` belongs to the extension (client/src/cluster-status.ts): it decides whether the item shows. */
  constructor(
    private readonly output: vscode.LogOutputChannel,
    private readonly status: ClusterStatusItem,
  ) {
    this.disposables.push(
      this.changed,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SECTION)) this.reload();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.reload()),
    );
    this.reload();
  }

  /** Re-reads settings and the kubeconfig (cheap: local files only, no network). */
  reload(): void {
    const before = this.fingerprint();
    this.loaded = undefined;
    this.loadError = undefined;
    if (vscode.workspace.isTrusted) {
      const s = readClusterSettings();
      if (s.ignored.length && !this.warnedIgnored) {
        this.warnedIgnored = true;
        this.output.warn(`cluster: ignoring workspace value(s) of ${s.ignored.join(', ')} (machine-scoped: set them in your user settings)`);
      }
      try {
        this.loaded = loadKubeConfig({ kubeconfigPath: s.kubeconfig || undefined, context: s.context || undefined });
        this.output.info(`cluster: context "${this.loaded.current}" (${this.loaded.server || 'no server'}) from ${this.loaded.source}`);
      } catch (e) {
        this.loadError = e instanceof KubeConfigError ? e.message : `Cannot read the kubeconfig: ${(e as Error)?.message ?? e}`;
        this.output.warn(`cluster: ${this.loadError}`);
      }
    }
    this.updateStatus();
    // unrelated configuration events (or a workspace value we ignore) must not reset the panel
    if (this.fingerprint() !== before) this.changed.fire();
  }

  /** What the cluster commands would talk to (never includes credentials). */
  private fingerprint(): string {
    return JSON.stringify([vscode.workspace.isTrusted, this.loaded?.source, this.loaded?.current, this.loaded?.server, this.loadError]);
  }

  get current(): LoadedKubeConfig | undefined {
    return this.loaded;
  }

  get error(): string | undefined {
    return this.loadError;
  }

  /** A session for the current context, or undefined after showing why there is none. */
  async session(action: string): Promise<ClusterSession | undefined> {
    if (!(await requireTrust(action))) return undefined;
    if (!this.loaded) this.reload();
    if (!this.loaded) {
      const open = 'Open Settings';
      void vscode.window.showErrorMessage(`${action}: ${this.loadError ?? 'no kubeconfig'}`, open).then((pick) => (pick === open ? vscode.commands.executeCommand('workbench.action.openSettings', 'k8sGuardrails.cluster') : undefined));
      return undefined;
    }
    return createSession(this.loaded.kc);
  }

  async selectContext(): Promise<void> {
    if (!(await requireTrust('Select cluster context'))) return;
    if (!this.loaded) this.reload();
    if (!this.loaded) {
      void vscode.window.showErrorMessage(`Select cluster context: ${this.loadError ?? 'no kubeconfig'}`);
      return;
    }
    const { contexts, current, source } = this.loaded;
    const items = contexts.map((c) => ({ label: c, description: c === current ? '(current)' : undefined, picked: c === current }));
    const pick = await vscode.window.showQuickPick(items, { title: `Kubernetes context (${source})`, placeHolder: 'Context for cluster scan, trace and isolate' });
    if (!pick || pick.label === current) return;
    // user (machine-compatible) settings: never written into the workspace
    await vscode.workspace.getConfiguration(SECTION).update('context', pick.label, vscode.ConfigurationTarget.Global);
    this.reload();
  }

  private updateStatus(): void {
    if (!vscode.workspace.isTrusted) {
      this.status.set(undefined);
      return;
    }
    if (this.loaded) {
      const tip = new vscode.MarkdownString(undefined, true);
      tip.isTrusted = false;
      tip.appendText(`Kubernetes context: ${this.loaded.current}\nServer: ${this.loaded.server || '(none)'}\nkubeconfig: ${this.loaded.source}\n\nClick to switch context.`);
      this.status.set({ text: `$(cloud) ${this.loaded.current}`, tooltip: tip });
    } else {
      this.status.set({ text: '$(cloud) no cluster', tooltip: `${this.loadError ?? 'No kubeconfig'} — click to pick a context, or set k8sGuardrails.cluster.kubeconfig.` });
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    // the item outlives this connection (the extension owns it): back to what it says before a kubeconfig is read
    this.status.set(undefined);
  }
}
