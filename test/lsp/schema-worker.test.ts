/**
 * The schema layer's worker thread (server/src/schema/worker.ts, server/out/schema-worker.js) through the
 * bundled server over stdio: the server's own bundle holds no schema code; a crash of the worker turns the
 * schema layer off with an error message while the engine's findings go on; the server exits with its worker.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CompletionList, Diagnostic, Hover } from 'vscode-languageserver-protocol';
import { LspClient, REPO } from '../helpers/lsp-client';
import { webDeployment } from '../helpers/manifests';

const SCHEMA = 'k8s-guardrails (schema)';
const CRASH_PRELOAD = path.join(__dirname, 'schema-worker-crash-preload.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'k8sg-schema-worker-'));
const docUri = (name: string) => pathToFileURL(path.join(tmp, name)).href;
const schemaOnly = (d: Diagnostic[]) => d.filter((x) => x.source === SCHEMA);
const ours = (d: Diagnostic[]) => d.filter((x) => x.source === 'k8s-guardrails');

const DEPLOYMENT = webDeployment('            runAsNonRoot: true\n            seccompProfile:\n              type: RuntimeDefault\n');
const TYPO = DEPLOYMENT.replace('spec:\n  selector', 'spec:\n  replicaz: 1\n  selector');
const CONFIGMAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: "1"\n';

/** An LspClient whose server process (and its worker threads) load `preload`. */
function clientWith(preload: string): LspClient {
  const saved = process.env.NODE_OPTIONS;
  process.env.NODE_OPTIONS = `${saved ?? ''} --require ${JSON.stringify(preload)}`.trim();
  try {
    return new LspClient();
  } finally {
    if (saved === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = saved;
  }
}

it('the server bundle (lsp.js) holds no schema validation code: it is in schema-worker.js, shipped in the .vsix', () => {
  // esbuild marks each bundled module with its path
  const worker = fs.readFileSync(path.join(REPO, 'server/out/schema-worker.js'), 'utf8');
  assert.match(worker, /node_modules\/yaml-language-server\//);
  const lsp = fs.readFileSync(path.join(REPO, 'server/out/lsp.js'), 'utf8');
  assert.doesNotMatch(lsp, /yaml-language-server/);
  assert.match(fs.readFileSync(path.join(REPO, '.vscodeignore'), 'utf8'), /^!server\/out\/schema-worker\.js$/m);
});

describe('a crash of the schema worker', () => {
  let lsp: LspClient;
  const messages: { type: number; message: string }[] = [];
  const logs: string[] = [];

  before(async () => {
    lsp = clientWith(CRASH_PRELOAD);
    // vscode-languageserver's window.showErrorMessage is a window/showMessageRequest (it may carry actions)
    lsp.conn.onRequest('window/showMessageRequest', (m: { type: number; message: string }) => {
      messages.push(m);
      return null;
    });
    lsp.conn.onNotification('window/logMessage', (m: { message: string }) => logs.push(m.message));
    await lsp.initialize(null, { schema: { enable: 'on' } });
  });

  after(() => lsp?.close());

  it('turns the schema layer off with an error message; the findings, completion and hover requests go on', async () => {
    const typo = docUri('typo.yaml');
    lsp.open(typo, TYPO);
    const before = await lsp.waitForDiagnostics(typo, (d) => schemaOnly(d).length === 1 && ours(d).length > 0);
    assert.match(schemaOnly(before)[0].message, /replicaz/);

    lsp.open(docUri('crash.yaml'), `# crash-the-schema-worker\n${CONFIGMAP}`);
    // the file that had schema diagnostics is published again without them, with the engine's findings
    const after = await lsp.waitForDiagnostics(typo, (d) => schemaOnly(d).length === 0);
    assert.deepEqual(ours(after), ours(before));
    const deadline = Date.now() + 5000;
    while (!messages.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(messages.length, 1, JSON.stringify(messages));
    assert.equal(messages[0].type, 1, 'an error');
    assert.match(messages[0].message, /schema validation stopped.*not affected/);
    assert.ok(logs.some((l) => /schema worker failed.*injected schema worker crash/s.test(l)), logs.join('\n'));

    // analysis unaffected: an edit's finding is published; no schema diagnostic comes back
    const privileged = TYPO.replace('            runAsNonRoot: true\n', '            runAsNonRoot: true\n            privileged: true\n');
    lsp.change(typo, privileged);
    const edited = await lsp.waitForDiagnostics(typo, (d) => ours(d).length > ours(before).length);
    assert.ok(ours(edited).some((d) => /privileged/i.test(`${d.code} ${d.message}`)), JSON.stringify(edited));
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(schemaOnly(lsp.diagnostics.get(typo)!.diagnostics), []);

    // completion and hover answer (empty) rather than hang
    const position = { line: 0, character: 3 };
    assert.equal(await lsp.request<CompletionList | null>('textDocument/completion', { textDocument: { uri: typo }, position }), null);
    const hover = await lsp.request<Hover | null>('textDocument/hover', { textDocument: { uri: typo }, position });
    assert.ok(!hover || !/apiVersion defines/i.test(JSON.stringify(hover.contents)), JSON.stringify(hover));
    assert.equal(messages.length, 1, 'one message');
  });
});

describe('the schema worker and the server process', () => {
  it('shutdown and exit end the server process while its worker holds schemas', async () => {
    const lsp = new LspClient();
    await lsp.initialize(null, { schema: { enable: 'on' } });
    const uri = docUri('exit.yaml');
    lsp.open(uri, TYPO);
    await lsp.waitForDiagnostics(uri, (d) => schemaOnly(d).length === 1);
    const proc = (lsp as unknown as { proc: import('node:child_process').ChildProcess }).proc;
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    await lsp.conn.sendRequest('shutdown');
    await lsp.conn.sendNotification('exit');
    const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r('still running after 3 s'), 3000))]);
    assert.equal(code, 0);
    lsp.conn.dispose();
  });
});
