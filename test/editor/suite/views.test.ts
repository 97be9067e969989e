/**
 * VS Code conventions (issue #23 item 4) through the extension's API in a real editor: the yaml
 * language status items (what the server's k8sGuardrails/fileStatus answers for the active file),
 * and the Cluster view's data provider on the API simulator (contexts → namespaces → pods with
 * their isolation verdict) — and, in Restricted Mode (--untrusted), no items and no cluster access.
 * test/editor/playwright/views.test.ts checks the same surfaces as rendered.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activate, EXTENSION_ID, until, workspaceFile, writeFile } from './helpers';
import { startSimulator, Simulator } from '../../simulator/server';
import { DEMO } from '../../simulator/seed';

type Node = { kind: string; context?: string; namespace?: string; pod?: string; isolated?: boolean; summary?: string; current?: boolean };
interface ViewsApi {
  languageStatus(): { uri?: string; text: string; detail?: string; command?: string; analysis: { text: string; detail?: string } };
  clusterView: { getChildren(node?: Node): Promise<Node[]>; getTreeItem(node: Node): vscode.TreeItem; refresh(): void };
  clusterLoaded(): boolean;
}

const api = () => vscode.extensions.getExtension(EXTENSION_ID)!.exports as ViewsApi;

describe('language status', function () {
  this.timeout(60_000);

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const f of ['suite/status-ns.yaml', 'suite/status-web.yaml']) await Promise.resolve(vscode.workspace.fs.delete(workspaceFile(f))).catch(() => undefined);
  });

  it('shows the Pod Security level in force for the active file and the Namespace that set it', async () => {
    await activate();
    await writeFile('suite/status-ns.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: status-demo\n  labels:\n    pod-security.kubernetes.io/enforce: baseline\n    pod-security.kubernetes.io/enforce-version: v1.30\n');
    const uri = await writeFile('suite/status-web.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: status-demo\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27\n');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const s = await until('the status of status-web.yaml', () => {
      const x = api().languageStatus();
      return x.uri === uri.toString() && /baseline/.test(x.text) ? x : undefined;
    });
    assert.strictEqual(s.text, '$(shield) PSS baseline v1.30');
    assert.match(s.detail ?? '', /^from Namespace status-demo \(status-ns\.yaml:\d+\)$/);
    assert.strictEqual(s.command, 'vscode.open');
    assert.match(s.analysis.text, /^\$\(checklist\) \d+\/\d+ files analysed$/);
    assert.match(s.analysis.detail ?? '', /^Kubernetes schema (on|off)/);
  });
});

describe('Cluster view', function () {
  this.timeout(90_000);
  let sim: Simulator | undefined;

  before(async function () {
    await activate();
    if (!vscode.workspace.isTrusted) return;
    sim = await startSimulator({ port: 0, tls: true, seed: 'demo' });
    await vscode.workspace.getConfiguration('k8sGuardrails.cluster').update('kubeconfig', sim.kubeconfigPath, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    if (sim) await vscode.workspace.getConfiguration('k8sGuardrails.cluster').update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
    await sim?.close();
  });

  it('lists contexts, namespaces and pods with their computed isolation state', async function () {
    if (!vscode.workspace.isTrusted) this.skip();
    const view = api().clusterView;
    const contexts = await until('the simulator contexts', async () => {
      const c = await view.getChildren();
      return c.some((n) => n.kind === 'context' && n.context === 'sim-token' && n.current) ? c : undefined;
    });
    const current = contexts.find((n) => n.current)!;
    assert.strictEqual(view.getTreeItem(current).collapsibleState, vscode.TreeItemCollapsibleState.Expanded);
    const namespaces = await view.getChildren(current);
    const payments = namespaces.find((n) => n.namespace === 'payments');
    assert.ok(payments, JSON.stringify(namespaces));
    const pods = await view.getChildren(payments);
    const pod = pods.find((n) => n.pod === DEMO.compromisedPod);
    assert.ok(pod, JSON.stringify(pods.map((p) => p.pod)));
    assert.strictEqual(pod.isolated, false);
    const item = view.getTreeItem(pod);
    assert.strictEqual(typeof item.tooltip, 'string', 'plain text tooltip, never Markdown');
    assert.match(String(item.tooltip), /NOT isolated: pod payments\//);
    assert.match(String(item.description), /^not isolated/);
    // the pod operation commands take {namespace, pod}: the node carries them
    assert.strictEqual(pod.namespace, 'payments');
    assert.strictEqual(item.contextValue, 'pod-current');
  });

  it('has no items and reads no kubeconfig in Restricted Mode', async function () {
    if (vscode.workspace.isTrusted) this.skip();
    // cluster-untrusted.test.ts (run earlier in this extension host) may have loaded the bundle on purpose
    const loadedBefore = api().clusterLoaded();
    assert.deepStrictEqual(await api().clusterView.getChildren(), []);
    if (!loadedBefore) assert.strictEqual(api().clusterLoaded(), false, 'the cluster bundle is not loaded by the view');
  });
});
