/** The language server over stdio, as any editor would drive it. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyEdits } from '../../server/src/engine';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { LspClient } from '../helpers/lsp-client';

const PRIVILEGED_INIT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      initContainers:
      - name: setup
        image: busybox:1.36
        securityContext:
          privileged: true   # needed? no.
      containers:
      - name: app
        image: nginx:1.27
`;

const baseline = { pss: { level: 'baseline' } };

/** Our diagnostics for the rules a test is about (other rules may fire on the same YAML). */
const only = (diags: Diagnostic[], ...rules: string[]) => diags.filter((d) => d.source === 'k8s-guardrails' && rules.includes(String(d.code)));

test('privileged init container: diagnostic, quick fix, diagnostic gone', async () => {
  const lsp = new LspClient();
  try {
    const init = await lsp.initialize(null, baseline);
    assert.ok(init.capabilities.codeActionProvider, 'server offers code actions');
    const uri = 'file:///tmp/k8s-guardrails-test/deploy.yaml';
    lsp.open(uri, PRIVILEGED_INIT);
    const diags = only(await lsp.waitForDiagnostics(uri, (d) => only(d, 'privileged-container').length > 0), 'privileged-container');
    assert.equal(diags.length, 1);
    const d = diags[0];
    assert.equal(d.code, 'privileged-container');
    assert.equal(d.source, 'k8s-guardrails');
    assert.match(d.codeDescription!.href, /rules\.md#privileged-container$/);
    assert.deepEqual(d.range, { start: { line: 15, character: 22 }, end: { line: 15, character: 26 } });
    assert.equal((d.data as any).pss.check, 'privileged');

    const actions = await lsp.codeActions(uri, d.range, [d]);
    const fix = actions.find((a) => a.kind === 'quickfix');
    assert.ok(fix, `a quick fix is offered: ${JSON.stringify(actions)}`);
    assert.equal(fix.title, 'Set privileged: false');
    const fixed = applyEdits(PRIVILEGED_INIT, fix.edit!.changes![uri]);
    assert.equal(fixed, PRIVILEGED_INIT.replace('privileged: true   # needed? no.', 'privileged: false   # needed? no.'));

    lsp.change(uri, fixed);
    assert.deepEqual(only(await lsp.waitForDiagnostics(uri), 'privileged-container'), []);
  } finally {
    await lsp.close();
  }
});

test('fix all converges in one pass', async () => {
  const lsp = new LspClient();
  try {
    await lsp.initialize(null, baseline);
    const uri = 'file:///tmp/k8s-guardrails-test/many.yaml';
    const text = PRIVILEGED_INIT.replace(/image: nginx:1.27/, 'image: nginx:1.27\n        securityContext: {privileged: true}');
    lsp.open(uri, text);
    const diags = await lsp.waitForDiagnostics(uri, (d) => only(d, 'privileged-container').length === 2);
    const actions = await lsp.codeActions(uri, diags[0].range, [], ['source.fixAll.k8sGuardrails']);
    assert.equal(actions.length, 1);
    const fixed = applyEdits(text, actions[0].edit!.changes![uri]);
    assert.match(fixed, /# needed\? no\./, 'comments survive');
    lsp.change(uri, fixed);
    const after = await lsp.waitForDiagnostics(uri);
    assert.deepEqual(only(after, 'privileged-container'), [], 'every privileged finding fixed in one pass');
  } finally {
    await lsp.close();
  }
});

test('non-Kubernetes YAML gets no diagnostics; a template one not-analysed error; bad YAML one syntax error', async () => {
  const lsp = new LspClient();
  try {
    await lsp.initialize(null, baseline);
    const workflow = 'file:///tmp/k8s-guardrails-test/.github/workflows/ci.yml';
    lsp.open(workflow, 'on: [push]\njobs:\n  b:\n    services:\n      d: {privileged: true}\n');
    assert.deepEqual((await lsp.waitForDiagnostics(workflow)).filter((d) => d.source === 'k8s-guardrails'), []);
    const helm = 'file:///tmp/k8s-guardrails-test/templates/pod.yaml';
    lsp.open(helm, 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\n');
    const tpl = (await lsp.waitForDiagnostics(helm)).filter((d) => d.source === 'k8s-guardrails');
    assert.deepEqual(tpl.map((d) => [d.code, d.severity, d.range.start.line]), [['not-analysed', 1, 0]]);
    assert.match(tpl[0].message, /^Not analysed: it is a template \(Helm, Go\)/);
    // `{{ … }}` inside a string value is text: the file is analysed.
    const dash = 'file:///tmp/k8s-guardrails-test/dashboards.yaml';
    lsp.open(dash, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d, namespace: m}\ndata:\n  a.json: |\n    {"legendFormat": "{{ pod }}"}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: y, namespace: m}\nspec:\n  containers: [{name: c, image: i, securityContext: {privileged: true}}]\n');
    const onDash = only(await lsp.waitForDiagnostics(dash, (d) => only(d, 'privileged-container').length > 0), 'privileged-container', 'not-analysed');
    assert.deepEqual(onDash.map((d) => d.code), ['privileged-container']);
    const broken = 'file:///tmp/k8s-guardrails-test/broken.yaml';
    lsp.open(broken, 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels: {a: b\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: y}\nspec:\n  containers: [{name: c, image: i, securityContext: {privileged: true}}]\n');
    const diags = only(await lsp.waitForDiagnostics(broken, (d) => only(d, 'yaml-syntax').length > 0), 'yaml-syntax', 'privileged-container');
    assert.deepEqual(diags.map((d) => [d.code, d.range.start.line]), [['yaml-syntax', 4], ['privileged-container', 10]]);
  } finally {
    await lsp.close();
  }
});
