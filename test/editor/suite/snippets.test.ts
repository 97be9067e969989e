/**
 * The contributed YAML snippets in a real editor: each snippet is inserted by name
 * (`editor.action.insertSnippet` with langId yaml) into its own new file; with the defaults kept, the
 * files (one namespace, `my-app`: Namespace with PSA labels, default-deny and DNS policies, workloads, RBAC,
 * ...) get no diagnostic of ours, neither the engine's (source 'k8s-guardrails') nor the schema layer's
 * ('k8s-guardrails (schema)'). A control file with a typo and an insecure setting proves that both kinds of
 * diagnostics are being produced while we wait for the snippet files to settle.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { requestScreenshot } from '../launchers/screenshot';
import { activate, EXTENSION_ID, writeFile } from './helpers';

const SCHEMA = 'k8s-guardrails (schema)';

/** Both of our sources. */
function allOurs(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'k8s-guardrails' || d.source === SCHEMA);
}

function describeDiags(ds: vscode.Diagnostic[]): string {
  return ds.map((d) => `${d.source} ${typeof d.code === 'object' ? d.code.value : d.code ?? ''}@${d.range.start.line + 1}: ${d.message}`).join('\n');
}

async function until(what: string, ok: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) assert.fail(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('snippets in a real editor', () => {
  let names: string[] = [];

  before(async () => {
    await activate();
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const file = path.join(ext.extensionPath, 'snippets/kubernetes.json');
    names = Object.keys(JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>);
    assert.ok(names.length >= 11, `snippets in ${file}`);
  });

  it('inserts every snippet by name into a new YAML file: no diagnostics of ours', async () => {
    const uris: vscode.Uri[] = [];
    for (const [i, name] of names.entries()) {
      const uri = await writeFile(`suite/snippets/snippet-${i}.yaml`, '');
      const doc = await vscode.workspace.openTextDocument(uri);
      assert.strictEqual(doc.languageId, 'yaml');
      const editor = await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('editor.action.insertSnippet', { langId: 'yaml', name });
      await vscode.commands.executeCommand('leaveSnippet');
      assert.ok(doc.getText().length > 50, `snippet "${name}" inserted; text: ${JSON.stringify(doc.getText())}`);
      assert.ok(!doc.getText().includes('${'), `"${name}" expanded`);
      await doc.save();
      uris.push(uri);
      assert.strictEqual(editor.document, doc);
    }

    // control: a Deployment snippet made insecure and misspelt gets both kinds of diagnostics
    const control = await writeFile('suite/snippets/control.yaml', '');
    const controlDoc = await vscode.workspace.openTextDocument(control);
    await vscode.window.showTextDocument(controlDoc);
    await vscode.commands.executeCommand('editor.action.insertSnippet', { langId: 'yaml', name: names.find((n) => /Deployment/.test(n)) });
    await vscode.commands.executeCommand('leaveSnippet');
    const text = controlDoc.getText();
    const edit = new vscode.WorkspaceEdit();
    edit.replace(control, new vscode.Range(controlDoc.positionAt(0), controlDoc.positionAt(text.length)), text.replace('readOnlyRootFilesystem: true', 'readOnlyRootFilesystem: false').replace('automountServiceAccountToken: false', 'automountServiceAccountTokn: false').replace('name: web\n', 'name: control\n'));
    assert.ok(await vscode.workspace.applyEdit(edit));
    await until(`engine and schema diagnostics on the control file; have:\n${describeDiags(allOurs(control))}`, () => {
      const ds = allOurs(control);
      return ds.some((d) => d.source === SCHEMA) && ds.some((d) => d.source === 'k8s-guardrails');
    });

    // settled: the server has answered for the control file opened last; give the snippet files a moment more
    await new Promise((r) => setTimeout(r, 1500));
    // examples/reference already holds the Gatekeeper objects one snippet creates: the duplicate-resource warning there is
    // right (applying both, the last one wins), and not a problem of the snippet.
    const notDuplicate = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? d.code.value : d.code) !== 'duplicate-resource';
    for (const [i, uri] of uris.entries()) {
      assert.deepStrictEqual(describeDiags(allOurs(uri).filter(notDuplicate)), '', `diagnostics on the "${names[i]}" snippet`);
    }
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uris[1]));
    await requestScreenshot('snippet-deployment');
  });
});
