/**
 * Cross-file analysis in a real editor: the PSS level from a Namespace in
 * another file, fix-all to restricted, and a missing-network-policy warning
 * that disappears when a policy is added in another file.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { requestScreenshot } from '../launchers/screenshot';
import { activate, codeActions, codeOf, waitForDiagnostics, writeFile } from './helpers';

const pss = (ds: vscode.Diagnostic[]) => ds.filter((d) => (d as { data?: unknown }).data !== undefined || /Pod Security Standards/.test(d.message));

describe('workspace-wide analysis in a real editor', () => {
  before(activate);

  it('takes the PSS level from a Namespace defined in another file', async () => {
    await writeFile('suite-ns/namespace.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-a\n  labels:\n    pod-security.kubernetes.io/enforce: baseline\n    pod-security.kubernetes.io/enforce-version: v1.30\n');
    const uri = await writeFile(
      'suite-ns/deploy.yaml',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: team-a\nspec:\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n    spec:\n      containers:\n      - name: api\n        image: nginx:1.27\n        securityContext: {privileged: true}\n',
    );
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    // The Namespace file reaches the server through the file watcher: wait for the verdict that uses it.
    const diags = await waitForDiagnostics(uri, (d) => d.some((x) => codeOf(x) === 'privileged-container' && /Namespace team-a/.test(x.message)));
    const priv = diags.find((x) => codeOf(x) === 'privileged-container')!;
    assert.match(priv.message, /baseline v1\.30 from Namespace team-a \(namespace\.yaml:5\)/);
    // baseline: no restricted-only checks
    assert.deepStrictEqual(pss(diags).map(codeOf).filter((c) => c === 'run-as-non-root' || c === 'seccomp-profile-missing'), []);
  });

  it('fix all leaves a Deployment clean at restricted', async () => {
    const uri = await writeFile(
      'suite-fixall/deploy.yaml',
      '# fix-all target\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop\n  namespace: fixall\nspec:\n  selector: {matchLabels: {app: shop}}\n  template:\n    metadata: {labels: {app: shop}}\n    spec:\n      hostNetwork: true\n      containers:\n      - name: shop  # main container\n        image: nginx:1.27\n        securityContext:\n          privileged: true\n          runAsUser: 0\n          capabilities: {add: [NET_ADMIN, NET_BIND_SERVICE]}\n',
    );
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const before = await waitForDiagnostics(uri, (d) => pss(d).length >= 5);
    const actions = await codeActions(uri, before[0].range, 'source.fixAll.k8sGuardrails');
    const fixAll = actions.find((a) => a.kind?.value === 'source.fixAll.k8sGuardrails');
    assert.ok(fixAll?.edit, `fix-all offered; got ${actions.map((a) => a.title).join(' | ')}`);
    assert.ok(await vscode.workspace.applyEdit(fixAll.edit));
    const after = await waitForDiagnostics(uri, (d) => pss(d).length === 0, 20_000);
    assert.match(doc.getText(), /# main container/);
    assert.match(doc.getText(), /NET_BIND_SERVICE/);
    assert.ok(!/NET_ADMIN/.test(doc.getText()));
    console.log(`after fix-all: ${after.map(codeOf).join(', ') || 'no diagnostics'}`);
    await requestScreenshot('fix-all-restricted');
    await doc.save();
  });

  it('missing-network-policy in deploy.yaml disappears when policies.yaml gets a default-deny', async () => {
    const deploy = await writeFile(
      'suite-netpol/deploy.yaml',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: cart\n  namespace: netpol-suite\nspec:\n  selector: {matchLabels: {app: cart}}\n  template:\n    metadata: {labels: {app: cart}}\n    spec:\n      containers: [{name: cart, image: "nginx:1.27"}]\n',
    );
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(deploy));
    await waitForDiagnostics(deploy, (d) => d.some((x) => codeOf(x) === 'missing-network-policy'));
    const policies = await writeFile('suite-netpol/policies.yaml', '# will hold the policies\n');
    const doc = await vscode.workspace.openTextDocument(policies);
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((e) =>
      e.insert(
        new vscode.Position(1, 0),
        'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: netpol-suite\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n',
      ),
    );
    await waitForDiagnostics(deploy, (d) => !d.some((x) => codeOf(x) === 'missing-network-policy'));
    await doc.save();
  });
});
