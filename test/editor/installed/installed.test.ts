/** The installed .vsix (not the working tree): it activates, reports a finding and its quick fix applies. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { activate, codeActions, codeOf, EXTENSION_ID, waitForDiagnostics, writeFile } from '../suite/helpers';

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: smoke
spec:
  containers:
    - name: app
      image: nginx:1.27
      securityContext:
        privileged: true
`;

describe('installed .vsix', () => {
  it('is the copy in the extensions dir, with its bundles and schemas', async () => {
    const dir = process.env.K8SG_INSTALLED_EXTENSIONS_DIR;
    assert.ok(dir, 'K8SG_INSTALLED_EXTENSIONS_DIR is set by the launcher (--install-vsix)');
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is installed`);
    const rel = path.relative(fs.realpathSync(dir), fs.realpathSync(ext.extensionPath));
    assert.ok(!rel.startsWith('..') && !path.isAbsolute(rel), `${ext.extensionPath} is under ${dir}`);
    for (const f of ['server/out/main.js', 'client/out/extension.js', 'schemas/v1.35/index.json']) {
      assert.ok(fs.existsSync(path.join(ext.extensionPath, f)), `${f} is in the installed extension`);
    }
    assert.ok(!fs.existsSync(path.join(ext.extensionPath, 'server/src')), 'no sources in the package');
    await activate();
    assert.ok(ext.isActive);
  });

  it('reports privileged-container on a bad manifest and the quick fix applies', async () => {
    const uri = await writeFile('installed-smoke/pod.yaml', POD);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const diags = await waitForDiagnostics(uri, (d) => d.some((x) => codeOf(x) === 'privileged-container'));
    const d = diags.find((x) => codeOf(x) === 'privileged-container')!;
    assert.strictEqual(doc.getText(d.range), 'true');
    const actions = await codeActions(uri, d.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.title === 'Set privileged: false');
    assert.ok(fix?.edit, `quick fix offered; got ${actions.map((a) => a.title).join(' | ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.match(doc.getText(), /privileged: false/);
    await waitForDiagnostics(uri, (ds) => !ds.some((x) => codeOf(x) === 'privileged-container'));
    await doc.save();
  });
});
