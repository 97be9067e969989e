/** RBAC in a real editor: hover on a RoleBinding lists the effective permissions (role defined in another file). */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { requestScreenshot } from '../launchers/screenshot';
import { activate, writeFile } from './helpers';

const ROLE = `# written by the real-editor suite
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: config-reader
  namespace: suite
rules:
- apiGroups: [""]
  resources: [configmaps]
  resourceNames: [web-settings]
  verbs: [get, watch]
`;

const BINDING = `# written by the real-editor suite
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: web-reads-config
  namespace: suite
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: config-reader
subjects:
- kind: ServiceAccount
  name: web
  namespace: suite
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: web
  namespace: suite
automountServiceAccountToken: false
`;

function hoverText(hovers: vscode.Hover[] | undefined): string {
  return (hovers ?? [])
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n');
}

describe('RBAC hover in a real editor', () => {
  before(async () => {
    await activate();
  });

  it('hover on a RoleBinding lists the effective permissions of its subject', async () => {
    const roleUri = await writeFile('suite/rbac-role.yaml', ROLE);
    const bindingUri = await writeFile('suite/rbac-binding.yaml', BINDING);
    await vscode.workspace.openTextDocument(roleUri);
    const doc = await vscode.workspace.openTextDocument(bindingUri);
    await vscode.window.showTextDocument(doc);
    const onKind = new vscode.Position(2, 8); // kind: RoleBinding
    let text = '';
    const deadline = Date.now() + 30_000;
    // The server indexes the other file on open; poll until the hover reflects it.
    while (Date.now() < deadline) {
      text = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', bindingUri, onKind));
      if (/effective permissions of ServiceAccount suite\/web \(1 rule\)/.test(text)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.match(text, /RoleBinding `web-reads-config` grants Role config-reader in namespace `suite` to 1 subject/);
    assert.match(text, /effective permissions of ServiceAccount suite\/web \(1 rule\)/);
    assert.match(text, /\| namespace `suite` \| `core` \| `configmaps` \| `get`, `watch` \| `web-settings` \|/);
    assert.match(text, /\[Role suite\/config-reader\]\([^)]*rbac-role\.yaml#L5\) \(rbac-role\.yaml:5\)/);
    const editor = vscode.window.activeTextEditor!;
    editor.selection = new vscode.Selection(onKind, onKind);
    await vscode.commands.executeCommand('editor.action.showHover');
    await requestScreenshot('rbac-hover');
  });
});
