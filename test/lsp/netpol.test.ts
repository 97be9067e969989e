/** NetworkPolicy rules over LSP: cross-file re-publishing, hover, the generateDefaultDeny command, settings. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyEdits, RULES } from '../../server/src/engine';
import { LspClient } from '../helpers/lsp-client';
import { shopDeployment } from '../helpers/manifests';

const DIR = 'file:///tmp/k8s-guardrails-netpol-test';
const SETTINGS = {
  pss: { level: 'privileged' },
  rules: Object.fromEntries(
    ['read-only-root-filesystem', 'missing-resource-limits', 'automount-service-account-token', 'default-service-account', 'image-latest-tag', 'namespace-without-psa', 'explicit-root-user'].map((r) => [r, 'off']),
  ),
};

const SELECT_WEB = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-web-ingress
  namespace: shop
spec:
  podSelector:
    matchLabels: {app: web}
  policyTypes: [Ingress]
  ingress:
  - from:
    - podSelector: {}
`;

const DEFAULT_DENY = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny-all
  namespace: shop
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-dns-egress
  namespace: shop
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - to:
    - namespaceSelector:
        matchLabels: {kubernetes.io/metadata.name: kube-system}
      podSelector:
        matchLabels: {k8s-app: kube-dns}
    ports:
    - {protocol: UDP, port: 53}
    - {protocol: TCP, port: 53}
`;

/** The NetworkPolicy rules' codes: these tests are about them (other rules' findings on the same manifests do not count). */
const NETPOL_RULES = new Set(RULES.filter((r) => r.family === 'netpol').map((r) => r.id));
const codes = (d: { code?: unknown }[]) => d.map((x) => String(x.code)).filter((c) => NETPOL_RULES.has(c));

test('missing-network-policy in deploy.yaml disappears when policies.yaml gains a default deny (deploy.yaml untouched)', async () => {
  const lsp = new LspClient();
  try {
    await lsp.initialize(null, SETTINGS);
    const d = `${DIR}/a/deploy.yaml`;
    const p = `${DIR}/a/policies.yaml`;
    lsp.open(d, shopDeployment('web'));
    lsp.open(p, SELECT_WEB);
    const before = await lsp.waitForDiagnostics(d, (x) => codes(x).includes('missing-network-policy'));
    const f = before.find((x) => x.code === 'missing-network-policy')!;
    assert.equal(f.severity, 2);
    assert.deepEqual(f.range.start, { line: 3, character: 8 });
    assert.match(f.message, /for egress/);
    assert.equal(f.relatedInformation?.[0].location.uri, p, 'related information points at the namespace policies');

    const actions = await lsp.codeActions(d, f.range, [f]);
    const add = actions.find((a) => a.title.startsWith('Add default-deny NetworkPolicy'));
    assert.ok(add, JSON.stringify(actions.map((a) => a.title)));
    assert.match(applyEdits(shopDeployment('web'), add.edit!.changes![d]), /name: default-deny-egress[\s\S]*name: allow-dns-egress/);

    lsp.change(p, SELECT_WEB + DEFAULT_DENY);
    const after = await lsp.waitForDiagnostics(d, (x) => !codes(x).includes('missing-network-policy'));
    assert.deepEqual(codes(after), []);
    assert.deepEqual(codes(await lsp.waitForDiagnostics(p)), []);
  } finally {
    await lsp.close();
  }
});

test('a workload label edit re-publishes the policy file (netpol-selects-nothing)', async () => {
  const lsp = new LspClient();
  try {
    await lsp.initialize(null, SETTINGS);
    const d = `${DIR}/b/deploy.yaml`;
    const p = `${DIR}/b/policies.yaml`;
    lsp.open(p, SELECT_WEB + DEFAULT_DENY);
    lsp.open(d, shopDeployment('wbe'));
    const before = await lsp.waitForDiagnostics(p, (x) => codes(x).includes('netpol-selects-nothing'));
    assert.equal(before.find((x) => x.code === 'netpol-selects-nothing')!.range.start.line, 6);
    lsp.change(d, shopDeployment('web'));
    await lsp.waitForDiagnostics(p, (x) => !codes(x).includes('netpol-selects-nothing'));
  } finally {
    await lsp.close();
  }
});

test('hover: policies of a workload, workloads of a podSelector', async () => {
  const lsp = new LspClient();
  try {
    await lsp.initialize(null, { ...SETTINGS, schema: { enable: 'off' } });
    const d = `${DIR}/c/deploy.yaml`;
    const p = `${DIR}/c/policies.yaml`;
    lsp.open(d, shopDeployment('web'));
    lsp.open(p, SELECT_WEB + DEFAULT_DENY);
    await lsp.waitForDiagnostics(d);
    await lsp.waitForDiagnostics(p);
    const onName: any = await lsp.request('textDocument/hover', { textDocument: { uri: d }, position: { line: 3, character: 9 } });
    assert.ok(onName, 'hover on metadata.name');
    const text = onName.contents.value as string;
    assert.match(text, /\*\*Ingress:\*\* isolated by 2 policies/);
    assert.match(text, /\[allow-web-ingress\]\(file:\/\/\/tmp\/k8s-guardrails-netpol-test\/c\/policies\.yaml#L4\)/);
    assert.match(text, /\*\*Egress:\*\* isolated by 2 policies/);
    assert.match(text, /DNS \(UDP\+TCP 53 to kube-dns\) is allowed/);
    const onSelector: any = await lsp.request('textDocument/hover', { textDocument: { uri: p }, position: { line: 7, character: 20 } });
    assert.match(onSelector.contents.value, /Selects the pods of 1 workload[\s\S]*\[Deployment web\]\(file:\/\/\/tmp\/k8s-guardrails-netpol-test\/c\/deploy\.yaml#L4\)/);
    const elsewhere: any = await lsp.request('textDocument/hover', { textDocument: { uri: d }, position: { line: 14, character: 10 } });
    assert.ok(!elsewhere || !/NetworkPolicy/.test(JSON.stringify(elsewhere)));
  } finally {
    await lsp.close();
  }
});

test('command k8sGuardrails.generateDefaultDeny: document and file targets', async () => {
  const lsp = new LspClient();
  try {
    const init = await lsp.initialize(null, SETTINGS);
    assert.ok(init.capabilities.executeCommandProvider.commands.includes('k8sGuardrails.generateDefaultDeny'));
    assert.ok(init.capabilities.hoverProvider);
    const ns = `${DIR}/d/namespace.yaml`;
    const text = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n';
    lsp.open(ns, text);
    const diags = await lsp.waitForDiagnostics(ns, (x) => codes(x).includes('missing-default-deny'));
    assert.match(diags[0].message, /no default-deny NetworkPolicy for ingress or egress/);
    const doc: any = await lsp.request('workspace/executeCommand', { command: 'k8sGuardrails.generateDefaultDeny', arguments: [{ uri: ns, namespace: 'shop', target: 'document' }] });
    const out = applyEdits(text, doc.changes[ns]);
    assert.match(out, /^apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\n# Default deny/);
    assert.match(out, /name: default-deny-all\n  namespace: shop\nspec:\n  podSelector: \{\}\n  policyTypes:\n    - Ingress\n    - Egress\n/);
    assert.match(out, /name: allow-dns-egress/);
    lsp.change(ns, out);
    assert.deepEqual(codes(await lsp.waitForDiagnostics(ns)), []);

    const file: any = await lsp.request('workspace/executeCommand', { command: 'k8sGuardrails.generateDefaultDeny', arguments: [{ uri: ns, namespace: 'other', target: 'file' }] });
    assert.deepEqual(file.documentChanges[0], { kind: 'create', uri: `${DIR}/d/other-default-deny.yaml`, options: { ignoreIfExists: true } });
    assert.match(file.documentChanges[1].edits[0].newText, /^# Default deny[\s\S]*namespace: other/);
    assert.equal(await lsp.request('workspace/executeCommand', { command: 'k8sGuardrails.generateDefaultDeny', arguments: [{ uri: ns, namespace: 'Bad Name' }] }), null);
  } finally {
    await lsp.close();
  }
});

test('setting netpol.require: ingress only requires an ingress policy', async () => {
  const lsp = new LspClient();
  try {
    await lsp.initialize(null, { ...SETTINGS, netpol: { require: 'ingress' } });
    const d = `${DIR}/e/deploy.yaml`;
    lsp.open(d, shopDeployment('web') + '---\n' + SELECT_WEB);
    assert.deepEqual(codes(await lsp.waitForDiagnostics(d)), []);
    lsp.change(d, shopDeployment('other') + '---\n' + SELECT_WEB.replace('allow-web-ingress', 'x'));
    const after = await lsp.waitForDiagnostics(d, (x) => codes(x).length > 0);
    assert.deepEqual(codes(after), ['missing-network-policy', 'netpol-selects-nothing']);
    assert.match(after.find((x) => x.code === 'missing-network-policy')!.message, /for ingress/);
  } finally {
    await lsp.close();
  }
});

test('CodeLens: isolation on workloads, selection on policies', async () => {
  const lsp = new LspClient();
  try {
    await lsp.initialize(null, {});
    const uri = 'file:///tmp/k8sg-lens/app.yaml';
    lsp.open(
      uri,
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: c, image: "x:1"}]\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: shop}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n',
    );
    await lsp.waitForDiagnostics(uri);
    const lenses = await lsp.request<{ range: { start: { line: number } }; command: { title: string } }[]>('textDocument/codeLens', { textDocument: { uri } });
    assert.deepEqual(
      lenses.map((l) => [l.range.start.line, l.command.title]),
      [
        [2, 'NetworkPolicy — ingress: isolated by 1 policy · egress: not isolated'],
        [14, 'selects 1 workload in namespace shop'],
      ],
    );
  } finally {
    await lsp.close();
  }
});
