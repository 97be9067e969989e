/** Kubernetes YAML open in a real VS Code → diagnostic → quick fix → diagnostic gone. */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { requestScreenshot } from '../launchers/screenshot';
import { activate, codeActions, codeOf, waitForDiagnostics, writeFile } from './helpers';

const DEPLOY = `# written by the real-editor suite
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: suite
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
          privileged: true   # keep this comment
      containers:
      - name: app
        image: nginx:1.27
`;

describe('quick fix in a real editor', () => {
  before(async () => {
    console.log(`VS Code ${vscode.version} (${vscode.env.appName}), extension host Node ${process.version}`);
    await activate();
  });

  it('reports privileged-container on the init container and fixes it', async () => {
    const uri = await writeFile('suite/privileged-deploy.yaml', DEPLOY);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const diags = await waitForDiagnostics(uri, (d) => d.some((x) => codeOf(x) === 'privileged-container'));
    const d = diags.find((x) => codeOf(x) === 'privileged-container')!;
    assert.strictEqual(d.range.start.line, 17);
    assert.strictEqual(doc.getText(d.range), 'true');
    assert.ok(typeof d.code === 'object' && String(d.code.target).includes('rules.md'), 'codeDescription links to the rule docs');
    await vscode.commands.executeCommand('editor.action.marker.next');
    await requestScreenshot('privileged-diagnostic');

    const actions = await codeActions(uri, d.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.title === 'Set privileged: false');
    assert.ok(fix?.edit, `quick fix offered; got ${actions.map((a) => a.title).join(' | ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.match(doc.getText(), /privileged: false {3}# keep this comment/);
    await waitForDiagnostics(uri, (ds) => !ds.some((x) => codeOf(x) === 'privileged-container'));
    await doc.save();
  });
});
