/**
 * Activation stays light (issue #23): the cluster bundle (client/out/cluster.js,
 * with @kubernetes/client-node) and the kubeconfig load on the first cluster
 * command, not at activation; the cluster status bar item shows only where a
 * kubeconfig file exists. Runs first in the suite (file order): no earlier test
 * has used a cluster command.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { activate, EXTENSION_ID } from './helpers';

interface Api {
  loadCluster(): Promise<unknown>;
  clusterLoaded(): boolean;
  clusterStatusVisible(): boolean;
}

async function until(what: string, fn: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('activation', function () {
  let api: Api;
  let clusterJs: string;
  /** Whether this extension host has required the cluster bundle (node's module cache, not the extension's word). */
  const bundleInCache = () => Object.keys(require.cache).some((k) => path.resolve(k) === clusterJs);

  before(async () => {
    await activate();
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    api = ext.exports as Api;
    clusterJs = path.resolve(ext.extensionPath, 'client', 'out', 'cluster.js');
  });

  it('does not load the cluster bundle at activation', () => {
    assert.strictEqual(api.clusterLoaded(), false);
    assert.strictEqual(bundleInCache(), false, `${clusterJs} is in require.cache after activation`);
    assert.ok(!Object.keys(require.cache).some((k) => /[\\/]@kubernetes[\\/]client-node[\\/]/.test(k)), '@kubernetes/client-node was loaded');
  });

  it('shows the cluster status item only when a kubeconfig file exists, unless the setting hides it', async function () {
    if (!vscode.workspace.isTrusted) this.skip();
    const cfg = () => vscode.workspace.getConfiguration('k8sGuardrails.cluster');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8sg-activation-'));
    const file = path.join(dir, 'kubeconfig');
    // never parsed before a cluster command: its contents do not matter here
    fs.writeFileSync(file, 'not a kubeconfig');
    try {
      await cfg().update('kubeconfig', path.join(dir, 'missing'), vscode.ConfigurationTarget.Global);
      await until('the item to hide (no kubeconfig file)', () => !api.clusterStatusVisible());
      await cfg().update('kubeconfig', file, vscode.ConfigurationTarget.Global);
      await until('the item to show (kubeconfig file exists)', () => api.clusterStatusVisible());
      await cfg().update('showStatusItem', false, vscode.ConfigurationTarget.Global);
      await until('the item to hide (showStatusItem: false)', () => !api.clusterStatusVisible());
      assert.strictEqual(api.clusterLoaded(), false, 'deciding on the status item loaded the cluster bundle');
    } finally {
      await cfg().update('showStatusItem', undefined, vscode.ConfigurationTarget.Global);
      await cfg().update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('loads the cluster bundle on the first cluster command', async function () {
    if (!vscode.workspace.isTrusted) this.skip();
    assert.strictEqual(api.clusterLoaded(), false);
    // Open Cluster Panel needs no cluster: its stand-in loads the bundle and runs the real command
    await vscode.commands.executeCommand('k8sGuardrails.cluster.openPanel');
    assert.strictEqual(api.clusterLoaded(), true);
    assert.strictEqual(bundleInCache(), true, `${clusterJs} is not in require.cache after a cluster command`);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
