/**
 * Restricted Mode: no cluster action. Runs its assertions only when the suite
 * is launched with --untrusted (run-code-server.js --untrusted); in a trusted
 * run it is skipped.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activate, EXTENSION_ID } from './helpers';

describe('live cluster in Restricted Mode', function () {
  before(function () {
    if (vscode.workspace.isTrusted) this.skip();
  });

  it('reads no kubeconfig and refuses every cluster command', async () => {
    await activate();
    const exports = vscode.extensions.getExtension(EXTENSION_ID)!.exports as {
      clusterStatusVisible(): boolean;
      loadCluster(): Promise<{ connection: { current?: unknown }; panelState(): { trusted: boolean } }>;
    };
    assert.strictEqual(exports.clusterStatusVisible(), false, 'no cluster status item in Restricted Mode');
    const api = await exports.loadCluster();
    assert.strictEqual(api.connection.current, undefined, 'no kubeconfig is loaded in an untrusted workspace');
    assert.strictEqual(api.panelState().trusted, false);
    for (const id of ['k8sGuardrails.cluster.scan', 'k8sGuardrails.cluster.openPanel', 'k8sGuardrails.cluster.selectContext', 'k8sGuardrails.cluster.traceEgress', 'k8sGuardrails.cluster.isolatePod']) {
      // each shows a warning and returns without touching a cluster
      const r = await Promise.race([vscode.commands.executeCommand(id, { namespace: 'payments', pod: 'x' }), new Promise((res) => setTimeout(() => res('still running'), 3000))]);
      assert.strictEqual(r, undefined, `${id} returned ${String(r)}`);
    }
  });
});
