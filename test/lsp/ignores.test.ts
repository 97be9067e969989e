/** `ignore:` entries of `.k8s-guardrails.yaml` in the editor: suppression per container, and errors in the config file. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from '../helpers/lsp-client';

const POD = `apiVersion: v1
kind: Pod
metadata: {name: agent, namespace: kube-system}
spec:
  containers:
  - name: agent
    image: nginx:1.27
    securityContext: {privileged: true}
  - name: sidecar
    image: nginx:1.27
    securityContext: {privileged: true}
`;

test('config ignore suppresses one container in the editor; the other is still reported', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8sg-ignores-'));
  fs.mkdirSync(path.join(dir, 'vendor'));
  fs.writeFileSync(path.join(dir, 'vendor', 'pod.yaml'), POD);
  fs.writeFileSync(path.join(dir, '.k8s-guardrails.yaml'), 'pss:\n  level: baseline\nignore:\n  - rule: privileged-container\n    namespace: "kube-*"\n    container: agent\n    path: "vendor/**"\n    reason: reviewed\n');
  const lsp = new LspClient();
  try {
    await lsp.initialize(pathToFileURL(dir).href);
    const podUri = pathToFileURL(path.join(dir, 'vendor', 'pod.yaml')).href;
    const diags = await lsp.waitForDiagnostics(podUri, (d) => d.some((x) => x.code === 'privileged-container'));
    const priv = diags.filter((d) => d.code === 'privileged-container');
    assert.deepEqual(priv.map((d) => d.range.start.line), [10], JSON.stringify(diags));
  } finally {
    await lsp.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a bad ignore entry is a diagnostic in the config file, with did-you-mean', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8sg-ignores-'));
  fs.writeFileSync(path.join(dir, 'pod.yaml'), POD);
  fs.writeFileSync(path.join(dir, '.k8s-guardrails.yaml'), 'ignore:\n  - rule: privileged-containr\n    reason: r\n  - rule: host-ports\n');
  const lsp = new LspClient();
  try {
    await lsp.initialize(pathToFileURL(dir).href);
    const configUri = pathToFileURL(path.join(dir, '.k8s-guardrails.yaml')).href;
    const d = await lsp.waitForDiagnostics(configUri, (x) => x.length > 0);
    assert.deepEqual(d.map((x) => [x.range.start.line, x.code]), [[1, 'config-invalid'], [3, 'config-invalid']]);
    assert.match(d[0].message, /did you mean "privileged-container"/);
    assert.match(d[1].message, /without a reason/);
  } finally {
    await lsp.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an ignore entry that suppresses nothing is an unused-ignore diagnostic on its line of the config file', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8sg-ignores-'));
  fs.writeFileSync(path.join(dir, 'pod.yaml'), POD);
  fs.writeFileSync(path.join(dir, '.k8s-guardrails.yaml'), 'pss:\n  level: baseline\nignore:\n  - rule: privileged-container\n    reason: used\n  - rule: privileged-container\n    kind: DaemonSet\n    reason: matches nothing\n');
  const lsp = new LspClient();
  try {
    await lsp.initialize(pathToFileURL(dir).href);
    const configUri = pathToFileURL(path.join(dir, '.k8s-guardrails.yaml')).href;
    const d = await lsp.waitForDiagnostics(configUri, (x) => x.length > 0);
    assert.deepEqual(d.map((x) => [x.range.start.line, x.code, x.severity]), [[5, 'unused-ignore', 2]]);
    assert.match(d[0].message, /suppresses nothing/);
  } finally {
    await lsp.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
