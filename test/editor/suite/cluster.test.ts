/**
 * Live cluster in a real editor: the simulator (started here, 127.0.0.1, demo
 * seed) → k8sGuardrails.cluster.kubeconfig (user settings) → Scan Cluster →
 * findings in the Problems view on read-only k8s-guardrails-live: documents.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { requestNotificationClicks, requestScreenshot, NotificationClickResult } from '../launchers/screenshot';
import { activate, codeOf, EXTENSION_ID } from './helpers';
// compiled layout: out/test/editor/suite/cluster.test.js → out/test/simulator/server.js
import { startSimulator, Simulator } from '../../simulator/server';
import { DEMO } from '../../simulator/seed';

/** An admission-webhook-style denial whose message holds a command link (issue #19 item 1). */
const COMMAND_LINK = '[Apply the fix](command:k8sGuardrailsTest.pwned)';
const HOSTILE_422 = `admission webhook "policy.example.com" denied the request: ${COMMAND_LINK} or \`kubectl apply\` <b>now</b>`;

/** Clicks what the visible notifications offer until one contains `text` (the launcher drives the page). */
async function clickNotificationWith(text: string): Promise<NotificationClickResult | undefined> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const r = await requestNotificationClicks();
    if (!r || r.messages.some((m) => m.includes(text))) return r;
    if (Date.now() > deadline) assert.fail(`no notification with "${text}"; visible: ${JSON.stringify(r.messages)}`);
    await new Promise((res) => setTimeout(res, 300));
  }
}

interface ClusterApi {
  connection: { current?: { current: string; server: string }; error?: string; reload(): void };
  scan(opts?: { silent?: boolean }): Promise<{ context: string; objects: number; findings: number; uris: string[]; errors: string[] } | undefined>;
  panelState(): { pods: { namespace: string; name: string; findings?: number; isolated: boolean }[]; context?: string };
}

async function until<T>(what: string, fn: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('live cluster scan', function () {
  this.timeout(90_000);
  let sim: Simulator;
  let api: ClusterApi;

  before(async () => {
    await activate();
    // the cluster features load on first use (client/src/cluster-loader.ts)
    api = await (vscode.extensions.getExtension(EXTENSION_ID)!.exports as { loadCluster(): Promise<ClusterApi> }).loadCluster();
    assert.ok(vscode.workspace.isTrusted, 'the suite runs in a trusted workspace');
    sim = await startSimulator({ port: 0, tls: true, seed: 'demo' });
    await vscode.workspace.getConfiguration('k8sGuardrails.cluster').update('kubeconfig', sim.kubeconfigPath, vscode.ConfigurationTarget.Global);
    await until('the extension to pick up the kubeconfig setting', () => api.connection.current?.server === sim.url);
  });

  after(async () => {
    await vscode.workspace.getConfiguration('k8sGuardrails.cluster').update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
    await sim?.close();
  });

  it('shows the simulator context in the status bar state', () => {
    assert.strictEqual(api.connection.current?.current, 'sim-token');
    assert.strictEqual(api.connection.error, undefined);
  });

  it('ignores workspace values of the machine-scoped cluster settings', async () => {
    const settingsFile = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, '.vscode', 'settings.json');
    const before = await Promise.resolve(vscode.workspace.fs.readFile(settingsFile)).catch(() => undefined);
    try {
      await vscode.workspace.fs.writeFile(settingsFile, Buffer.from(JSON.stringify({ 'k8sGuardrails.cluster.kubeconfig': '/nonexistent/evil-kubeconfig', 'k8sGuardrails.cluster.context': 'evil' })));
      await new Promise((r) => setTimeout(r, 1500)); // let the configuration service pick the file up
      api.connection.reload();
      assert.strictEqual(api.connection.current?.server, sim.url);
      assert.strictEqual(api.connection.current?.current, 'sim-token');
    } finally {
      if (before) await vscode.workspace.fs.writeFile(settingsFile, before);
      else await vscode.workspace.fs.delete(settingsFile);
    }
  });

  it('scans the cluster through the language server and reports findings on live documents', async () => {
    const summary = await vscode.commands.executeCommand<Awaited<ReturnType<ClusterApi['scan']>>>('k8sGuardrails.cluster.scan');
    assert.ok(summary, 'the scan returned a summary');
    assert.deepStrictEqual(summary.errors, []);
    assert.ok(summary.objects > 30, `objects read: ${summary.objects}`);
    assert.ok(summary.findings > 20, `findings: ${summary.findings}`);

    const legacy = vscode.Uri.parse(summary.uris.find((u) => u.endsWith('/payments/Deployment/legacy-batch.yaml'))!);
    assert.strictEqual(legacy.scheme, 'k8s-guardrails-live');
    const diags = vscode.languages.getDiagnostics(legacy).filter((d) => d.source === 'k8s-guardrails');
    const codes = new Set(diags.map(codeOf));
    for (const rule of ['privileged-container', 'host-namespaces', 'host-path-volumes']) assert.ok(codes.has(rule), `${rule} on legacy-batch; got ${[...codes].join(', ')}`);

    // the live document is a read-only virtual document with the object's YAML; the diagnostic points into it
    const doc = await vscode.workspace.openTextDocument(legacy);
    assert.match(doc.getText(), /kind: Deployment/);
    assert.doesNotMatch(doc.getText(), /managedFields|resourceVersion/);
    const privileged = diags.find((d) => codeOf(d) === 'privileged-container')!;
    assert.strictEqual(doc.getText(privileged.range), 'true');
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await requestScreenshot('cluster-problems');

    // the shop namespace enforces restricted: frontend is clean apart from hardening hints
    const anyLive = vscode.languages.getDiagnostics().filter(([u]) => u.scheme === 'k8s-guardrails-live');
    assert.ok(anyLive.length > 5, `live uris with diagnostics: ${anyLive.length}`);
    // the editor's own files are not mixed in: no live diagnostic has related info into file: uris
    for (const [, ds] of anyLive) for (const d of ds) for (const r of d.relatedInformation ?? []) assert.strictEqual(r.location.uri.scheme, 'k8s-guardrails-live');
  });

  it('counts findings per pod (from its controller) in the panel state', async () => {
    await vscode.commands.executeCommand('k8sGuardrails.cluster.openPanel');
    const st = api.panelState();
    const legacyPod = st.pods.find((p) => p.namespace === 'payments' && p.name.startsWith('legacy-batch'));
    assert.ok(legacyPod && (legacyPod.findings ?? 0) > 5, `legacy-batch pod findings: ${legacyPod?.findings}`);
    assert.ok(st.pods.every((p) => !p.isolated));
    await requestScreenshot('cluster-panel-in-editor');
  });

  it('shows a hostile 422 message as inert text: no link, clicking it runs no command', async function () {
    let ran = 0;
    const flag = vscode.commands.registerCommand('k8sGuardrailsTest.pwned', () => void ran++);
    const body = { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Invalid', code: 422, message: HOSTILE_422 };
    const fault = sim.faults.inject({ method: 'GET', pathRegex: `/api/v1/namespaces/payments/pods/${DEMO.compromisedPod}$`, status: 422, body, times: 5 });
    try {
      // control: the same words un-neutralised ARE a link that runs the command when clicked
      await vscode.commands.executeCommand('notifications.clearAll');
      void vscode.window.showErrorMessage(`control: ${COMMAND_LINK}`);
      const control = await clickNotificationWith('control:');
      if (!control) this.skip(); // a launcher that cannot drive the page (test-electron)
      assert.strictEqual(control.links.length, 1, JSON.stringify(control));
      await until('the control link to run its command', () => ran > 0, 10_000);
      ran = 0;

      await vscode.commands.executeCommand('notifications.clearAll');
      const result = await vscode.commands.executeCommand('k8sGuardrails.cluster.traceEgress', { namespace: 'payments', pod: DEMO.compromisedPod });
      assert.strictEqual(result, undefined, 'the trace failed');
      const clicks = (await clickNotificationWith('denied the request'))!;
      const shown = clicks.messages.find((m) => m.includes('denied the request'))!;
      assert.deepStrictEqual(clicks.links, [], `no link in ${shown}`);
      assert.match(shown, /422 Unprocessable/);
      assert.ok(shown.replace(/\u200b/g, '').includes('[Apply the fix](command:k8sGuardrailsTest.pwned)'), `the text is still readable: ${shown}`);
      await requestScreenshot('cluster-hostile-422-notification');
      await new Promise((r) => setTimeout(r, 1000));
      assert.strictEqual(ran, 0, 'clicking the notification ran the command');
    } finally {
      fault.remove();
      flag.dispose();
      await vscode.commands.executeCommand('notifications.clearAll');
    }
  });

  it('reports an unreachable cluster with a clear message instead of throwing', async () => {
    const port = Number(new URL(sim.url).port);
    const fault = sim.faults.inject({ pathRegex: '/api/v1/namespaces$', status: 403, times: 1 });
    const summary = await api.scan({ silent: true });
    fault.remove();
    assert.ok(summary, 'the scan still completes');
    assert.ok(port > 0);
    assert.strictEqual(summary.errors.length, 1, summary.errors.join('\n'));
    assert.match(summary.errors[0], /Cannot list namespaces: .*403 Forbidden/);
  });
});
