/**
 * The server's own file watchers (dynamic registration) and workspace folders
 * added or removed while it runs (`workspace/didChangeWorkspaceFolders`).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from '../helpers/lsp-client';

const POD = `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: legacy}
spec:
  containers:
  - name: app
    image: nginx:1.27
    securityContext: {privileged: true}
`;
const NAMESPACE = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: legacy\n  labels:\n    pod-security.kubernetes.io/enforce: baseline\n';

const WATCH = 'workspace/didChangeWatchedFiles';

test('the server registers its file watchers when the client supports dynamic registration', async () => {
  const lsp = new LspClient();
  try {
    await lsp.initialize(null, {}, { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } });
    const reg = await lsp.waitForRegistration(WATCH);
    const globs = (reg.registerOptions as { watchers: { globPattern: string }[] }).watchers.map((w) => w.globPattern);
    assert.ok(globs.includes('**/*.{yaml,yml}'), globs.join(', '));
    assert.ok(globs.includes('**/Kustomization'), globs.join(', '));
  } finally {
    await lsp.close();
  }
});

test('no watcher registration when the client does not support it', async () => {
  const lsp = new LspClient();
  try {
    await lsp.initialize(null, {});
    const uri = 'untitled:pod.yaml';
    lsp.open(uri, POD);
    await lsp.waitForDiagnostics(uri, (d) => d.length > 0); // the server is past `initialized`
    assert.deepEqual(lsp.registrations.filter((r) => r.method === WATCH), []);
  } finally {
    await lsp.close();
  }
});

test('a workspace folder added later is indexed (its Namespace applies); removed, its files leave the workspace', async () => {
  const a = fs.mkdtempSync(path.join(os.tmpdir(), 'k8sg-folder-a-'));
  const b = fs.mkdtempSync(path.join(os.tmpdir(), 'k8sg-folder-b-'));
  fs.writeFileSync(path.join(b, 'namespace.yaml'), NAMESPACE);
  const lsp = new LspClient();
  try {
    await lsp.initialize(pathToFileURL(a).href, {}, { workspace: { workspaceFolders: true } });
    const podUri = pathToFileURL(path.join(a, 'pod.yaml')).href;
    lsp.open(podUri, POD);
    // No Namespace in the workspace: the default (restricted) applies.
    await lsp.waitForDiagnostics(podUri, (d) => d.some((x) => x.code === 'run-as-non-root'));
    const folderB = { uri: pathToFileURL(b).href, name: 'b' };
    await lsp.conn.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [folderB], removed: [] } });
    const withNs = await lsp.waitForDiagnostics(podUri, (d) => d.some((x) => x.code === 'privileged-container' && /Namespace legacy/.test(x.message)));
    assert.ok(!withNs.some((x) => x.code === 'run-as-non-root'), 'baseline from the Namespace in the added folder');
    await lsp.conn.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [], removed: [folderB] } });
    await lsp.waitForDiagnostics(podUri, (d) => d.some((x) => x.code === 'run-as-non-root'));
  } finally {
    await lsp.close();
    fs.rmSync(a, { recursive: true, force: true });
    fs.rmSync(b, { recursive: true, force: true });
  }
});
