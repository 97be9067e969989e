/** `.k8s-guardrails.yaml` in the workspace: read by the server, errors shown in the file. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from '../helpers/lsp-client';
import { FLOW_PRIVILEGED_POD } from '../helpers/manifests';

test('workspace config turns a rule off and reports its own mistakes', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8sg-config-'));
  fs.writeFileSync(path.join(dir, 'pod.yaml'), FLOW_PRIVILEGED_POD);
  fs.writeFileSync(path.join(dir, '.k8s-guardrails.yaml'), 'pss:\n  level: baseline\nrules:\n  privileged-container: warning\n  privileged-containr: off\n');
  const lsp = new LspClient();
  try {
    await lsp.initialize(pathToFileURL(dir).href);
    const podUri = pathToFileURL(path.join(dir, 'pod.yaml')).href;
    const configUri = pathToFileURL(path.join(dir, '.k8s-guardrails.yaml')).href;
    const configDiags = await lsp.waitForDiagnostics(configUri, (d) => d.length > 0);
    assert.equal(configDiags.length, 1);
    assert.match(configDiags[0].message, /unknown rule "privileged-containr" \(did you mean "privileged-container"\?\)/);
    assert.equal(configDiags[0].range.start.line, 4);
    // Baseline from the config file: only the baseline check, at the configured severity.
    const diags = await lsp.waitForDiagnostics(podUri, (d) => d.length > 0);
    const pss = diags.filter((d) => (d.data as { pss?: unknown } | undefined)?.pss);
    assert.deepEqual(pss.map((d) => [d.code, d.severity]), [['privileged-container', 2]]);
    assert.match(pss[0].message, /\.k8s-guardrails\.yaml/);
  } finally {
    await lsp.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a Namespace created on disk (watched file) re-analyses the open workloads', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8sg-watch-'));
  const lsp = new LspClient();
  try {
    await lsp.initialize(pathToFileURL(dir).href);
    const podUri = pathToFileURL(path.join(dir, 'pod.yaml')).href;
    lsp.open(podUri, FLOW_PRIVILEGED_POD.replace('metadata: {name: p}', 'metadata: {name: p, namespace: legacy}'));
    await lsp.waitForDiagnostics(podUri, (d) => d.some((x) => x.code === 'run-as-non-root'));
    const nsPath = path.join(dir, 'namespace.yaml');
    fs.writeFileSync(nsPath, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: legacy\n  labels:\n    pod-security.kubernetes.io/enforce: baseline\n');
    await lsp.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(nsPath).href, type: 1 }] });
    const diags = await lsp.waitForDiagnostics(podUri, (d) => d.some((x) => x.code === 'privileged-container' && /Namespace legacy/.test(x.message)));
    assert.ok(!diags.some((x) => x.code === 'run-as-non-root'), 'baseline from the Namespace: no restricted-only findings');
  } finally {
    await lsp.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('opening a file indexes the files next to it that no watcher event announced (a folder created with its files)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8sg-siblings-'));
  const lsp = new LspClient();
  try {
    fs.writeFileSync(path.join(dir, 'other.yaml'), FLOW_PRIVILEGED_POD);
    await lsp.initialize(pathToFileURL(dir).href);
    // The workspace scan is over once the file it found is analysed.
    await lsp.waitForDiagnostics(pathToFileURL(path.join(dir, 'other.yaml')).href, (d) => d.length > 0);
    // Created after the server scanned the workspace, and never announced by didChangeWatchedFiles.
    const sub = path.join(dir, 'team-a');
    fs.mkdirSync(sub);
    fs.writeFileSync(path.join(sub, 'namespace.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-a\n  labels:\n    pod-security.kubernetes.io/enforce: baseline\n');
    const podText = FLOW_PRIVILEGED_POD.replace('metadata: {name: p}', 'metadata: {name: p, namespace: team-a}');
    fs.writeFileSync(path.join(sub, 'pod.yaml'), podText);
    const podUri = pathToFileURL(path.join(sub, 'pod.yaml')).href;
    lsp.open(podUri, podText);
    const diags = await lsp.waitForDiagnostics(podUri, (d) => d.some((x) => x.code === 'privileged-container' && /Namespace team-a \(namespace\.yaml:5\)/.test(x.message)));
    assert.ok(!diags.some((x) => x.code === 'run-as-non-root'), 'baseline from the Namespace next to it: no restricted-only findings');
  } finally {
    await lsp.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
