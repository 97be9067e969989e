/**
 * Kustomize in a real editor, on examples/kustomize (a base and two
 * overlays): in a trusted workspace the overlays are rendered and the
 * diagnostics land on the patch that wrote the field; in Restricted Mode
 * nothing is rendered and the files are analysed as written.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { requestScreenshot } from '../launchers/screenshot';
import { activate, codeOf, waitForDiagnostics, workspaceFile } from './helpers';

describe('Kustomize overlays', () => {
  before(activate);

  it('trusted: a privileged sidecar is reported in the staging patch that sets it, with the rendered name', async function () {
    if (!vscode.workspace.isTrusted) this.skip();
    const sidecar = workspaceFile('kustomize/overlays/staging/debug-sidecar.yaml');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(sidecar));
    // Rendered: the base's pod-level runAsNonRoot applies, so no run-as-non-root (the patch alone would have it).
    const diags = await waitForDiagnostics(sidecar, (d) => d.some((x) => codeOf(x) === 'privileged-container') && !d.some((x) => codeOf(x) === 'run-as-non-root'), 60_000);
    const priv = diags.find((x) => codeOf(x) === 'privileged-container')!;
    assert.strictEqual(priv.range.start.line, 11);
    await requestScreenshot('kustomize-patch');
    const replicas = workspaceFile('kustomize/overlays/staging/replicas.yaml');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(replicas));
    await new Promise((r) => setTimeout(r, 2000));
    assert.deepStrictEqual(vscode.languages.getDiagnostics(replicas).map(codeOf), [], 'a partial patch raises nothing of its own');
    const prod = workspaceFile('kustomize/overlays/production/kustomization.yaml');
    const p = await waitForDiagnostics(prod, (d) => d.some((x) => codeOf(x) === 'allow-privilege-escalation'), 60_000);
    assert.match(p.find((x) => codeOf(x) === 'allow-privilege-escalation')!.message, /container "web" sets securityContext\.allowPrivilegeEscalation=true/);
  });

  it('Restricted Mode: no kustomize rendering, the patch is analysed as written', async function () {
    if (vscode.workspace.isTrusted) this.skip();
    const replicas = workspaceFile('kustomize/overlays/staging/replicas.yaml');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(replicas));
    // As written, the patch is a fragment (no selector, no image): one incomplete-resource note, not workload findings.
    const d = await waitForDiagnostics(replicas, (x) => x.some((y) => codeOf(y) === 'incomplete-resource'), 60_000);
    assert.ok(!d.some((x) => codeOf(x) === 'run-as-non-root'), d.map((x) => codeOf(x)).join(', '));
  });
});
