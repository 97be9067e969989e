/**
 * Runs inside the VS Code extension host (never under plain node): proves
 * the launchers load an extension under development, give the suite the real
 * `vscode` API, forward mocha's output and report failures.
 * K8SG_DEMO_FAIL=1 adds a failing test (the launcher must then exit 1).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { requestScreenshot } from '../screenshot';

const FIXTURE_ID = 'k8s-guardrails.k8sg-launcher-fixture';

describe('editor launcher self-test', () => {
  it('runs in VS Code 1.100', () => {
    console.log(`vscode.version=${vscode.version} appName=${vscode.env.appName} uiKind=${vscode.env.uiKind}`);
    assert.ok(vscode.version.startsWith('1.100'), `unexpected VS Code version ${vscode.version}`);
  });

  it('loads the extension under development', async () => {
    const ext = vscode.extensions.getExtension(FIXTURE_ID);
    assert.ok(ext, `${FIXTURE_ID} is not loaded`);
    await ext.activate();
    const greeting = await vscode.commands.executeCommand<string>('k8sgFixture.hello', 'launcher');
    assert.match(greeting, /^hello launcher from /);
  });

  it('opens a YAML file in an editor', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8sg-demo-'));
    const file = path.join(dir, 'pod.yaml');
    fs.writeFileSync(file, 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: demo\n');
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    const editor = await vscode.window.showTextDocument(doc);
    assert.strictEqual(editor.document.uri.fsPath, file);
    assert.strictEqual(doc.lineAt(1).text, 'kind: Pod');
    assert.strictEqual(vscode.window.activeTextEditor?.document.uri.fsPath, file);
    const shot = await requestScreenshot('demo-pod-open');
    if (shot) console.log(`screenshot: ${shot}`);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sees the workspace folder', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    console.log(`workspace folders: ${folders.map((f) => f.uri.toString()).join(', ') || '(none)'}`);
    assert.ok(folders.length >= 1, 'no workspace folder is open');
  });

  if (process.env.K8SG_DEMO_FAIL === '1') {
    it('fails on purpose (K8SG_DEMO_FAIL=1)', () => {
      assert.strictEqual(1 + 1, 3, 'deliberate failure');
    });
  }
});
