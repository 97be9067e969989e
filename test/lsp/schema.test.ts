/**
 * Kubernetes schema validation, completion and hover through the bundled language server over stdio
 * (server/out/main.js, built by scripts/build.mjs), with the network unreachable: the server process is
 * started with a preload (test/unit/schema/network-guard-preload.ts) that makes every connection to
 * anything but loopback throw and records it; the test asserts that nothing was recorded.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CompletionList, Diagnostic, Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { LspClient } from '../helpers/lsp-client';
import { webDeployment } from '../helpers/manifests';

const GUARD = path.join(__dirname, '../unit/schema/network-guard-preload.js');
const SCHEMA = 'k8s-guardrails (schema)';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'k8sg-schema-lsp-'));
const NET_LOG = path.join(tmp, 'network-attempts.log');

/** An LspClient whose server process runs with the network guard. */
function guardedClient(): LspClient {
  const saved = { NODE_OPTIONS: process.env.NODE_OPTIONS, K8SG_NET_GUARD_LOG: process.env.K8SG_NET_GUARD_LOG };
  process.env.NODE_OPTIONS = `${saved.NODE_OPTIONS ?? ''} --require ${JSON.stringify(GUARD)}`.trim();
  process.env.K8SG_NET_GUARD_LOG = NET_LOG;
  try {
    return new LspClient();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

const networkAttempts = () => (fs.existsSync(NET_LOG) ? fs.readFileSync(NET_LOG, 'utf8').split('\n').filter(Boolean) : []);

const DEPLOYMENT = webDeployment('            runAsNonRoot: true\n            seccompProfile:\n              type: RuntimeDefault\n');
const CONFIGMAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: "1"\n';
const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: svc\nspec:\n  ports:\n    - port: 80\n';
const THREE_DOCS = `${CONFIGMAP}---\n${DEPLOYMENT.replace('          securityContext:\n', '          securityContex:\n')}---\n${SERVICE}`;

function positionOf(text: string, needle: string, delta = 0) {
  const offset = text.indexOf(needle);
  assert.ok(offset >= 0, `${needle} not found`);
  const lines = text.slice(0, offset + delta).split('\n');
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
}

const schemaOnly = (d: Diagnostic[]) => d.filter((x) => x.source === SCHEMA);
const docUri = (name: string) => pathToFileURL(path.join(tmp, 'open', name)).href;

describe('schema layer over LSP (bundled server, no network)', () => {
  let lsp: LspClient;
  let init: any;

  before(async () => {
    lsp = guardedClient();
    init = await lsp.initialize(null, { schema: { enable: 'on' } });
  });

  after(async () => {
    await lsp?.close();
    assert.deepEqual(networkAttempts(), [], 'the server made no network request');
  });

  it('the server process runs with the network guard', () => {
    assert.ok(fs.existsSync(`${NET_LOG}.loaded`), 'the preload was loaded by the spawned server');
  });

  it('advertises completion (trigger characters) and hover', () => {
    assert.deepEqual(init.capabilities.completionProvider.triggerCharacters, [':', ' ']);
    assert.equal(init.capabilities.hoverProvider, true);
  });

  it('reports a typo in the second document of three at the right range, merged with our findings', async () => {
    const uri = docUri('three.yaml');
    lsp.open(uri, THREE_DOCS);
    const diags = await lsp.waitForDiagnostics(uri, (d) => schemaOnly(d).length > 0);
    const schema = schemaOnly(diags);
    assert.equal(schema.length, 1, JSON.stringify(schema));
    assert.match(schema[0].message, /securityContex\b.*not allowed/);
    const start = positionOf(THREE_DOCS, 'securityContex:');
    assert.deepEqual(schema[0].range, { start, end: { line: start.line, character: start.character + 'securityContex'.length } });
    // the engine's own findings for the same file come in the same publication (one set per uri)
    await lsp.waitForDiagnostics(uri, (d) => schemaOnly(d).length === 1 && d.some((x) => x.source === 'k8s-guardrails'));
  });

  it('drops stale results: after quick edits, the diagnostics describe the last text', async () => {
    const uri = docUri('edits.yaml');
    lsp.open(uri, DEPLOYMENT);
    const texts = ['replicas: three', 'replicaz: 1', 'paused: maybe', 'minReadySeconds: soon'].map((line) => DEPLOYMENT.replace('spec:\n  selector', `spec:\n  ${line}\n  selector`));
    for (const t of texts) lsp.change(uri, t);
    const last = texts[texts.length - 1];
    const diags = await lsp.waitForDiagnostics(uri, (d) => schemaOnly(d).length > 0);
    const schema = schemaOnly(diags);
    assert.equal(schema.length, 1, JSON.stringify(schema));
    assert.equal(schema[0].range.start.line, positionOf(last, 'soon').line);
    assert.match(schema[0].message, /Incorrect type/);
    // fixing the text clears the schema diagnostics
    lsp.change(uri, DEPLOYMENT);
    await lsp.waitForDiagnostics(uri, (d) => schemaOnly(d).length === 0);
  });

  it('completes runAsNonRoot with its description inside securityContext', async () => {
    const uri = docUri('complete.yaml');
    const text = DEPLOYMENT.replace('            runAsNonRoot: true\n', '            \n');
    lsp.open(uri, text);
    const position = positionOf(text, '            \n            seccompProfile', 12);
    const list = await lsp.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position });
    const item = list.items.find((i) => i.label === 'runAsNonRoot');
    assert.ok(item, `labels: ${list.items.map((i) => i.label).join(', ')}`);
    const doc = typeof item.documentation === 'string' ? item.documentation : (item.documentation as MarkupContent).value;
    assert.match(doc, /must run as a non-root user/);
    // a space typed inside a value does not open completion; after `key: ` it may
    const none = await lsp.request<CompletionList | null>('textDocument/completion', {
      textDocument: { uri },
      position: positionOf(text, 'nginx:1.27', 6),
      context: { triggerKind: 2, triggerCharacter: ' ' },
    });
    assert.equal(none, null);
  });

  it('shows the seccompProfile documentation on hover', async () => {
    const uri = docUri('hover.yaml');
    lsp.open(uri, DEPLOYMENT);
    const hover = await lsp.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(DEPLOYMENT, 'seccompProfile', 3) });
    assert.ok(hover, 'a hover');
    const value = typeof hover.contents === 'object' && 'value' in hover.contents ? hover.contents.value : JSON.stringify(hover.contents);
    assert.match(value, /seccomp options/i);
  });

  it('completion and hover in the second document of a multi-document file: file positions and ranges', async () => {
    const uri = docUri('multi.yaml');
    const second = DEPLOYMENT.replace('            runAsNonRoot: true\n', '            runAs\n');
    const text = `${CONFIGMAP}---\n${second}---\n${SERVICE}`;
    lsp.open(uri, text);
    const position = positionOf(text, 'runAs\n', 5);
    const list = await lsp.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position });
    const item = list.items.find((i) => i.label === 'runAsNonRoot');
    assert.ok(item, `labels: ${list.items.map((i) => i.label).join(', ')}`);
    const edit = item.textEdit as { range: { start: { line: number; character: number } } } | undefined;
    if (edit) assert.equal(edit.range.start.line, position.line, JSON.stringify(item.textEdit));
    const valid = `${CONFIGMAP}---\n${DEPLOYMENT}---\n${SERVICE}`;
    lsp.change(uri, valid);
    const hoverPos = positionOf(valid, 'seccompProfile', 3);
    const hover = await lsp.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: hoverPos });
    assert.ok(hover);
    if (hover.range) assert.equal(hover.range.start.line, hoverPos.line);
    const value = typeof hover.contents === 'object' && 'value' in hover.contents ? hover.contents.value : JSON.stringify(hover.contents);
    assert.match(value, /seccomp options/i);
  });

  it('forgets a document when it is closed', async () => {
    const uri = docUri('closed.yaml');
    lsp.open(uri, THREE_DOCS);
    await lsp.waitForDiagnostics(uri, (d) => schemaOnly(d).length === 1);
    void lsp.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
    await lsp.waitForDiagnostics(uri, (d) => schemaOnly(d).length === 0);
  });
});

describe('schema layer: workspace files, on/off', () => {
  it('validates open documents only, never the other workspace files', async () => {
    const ws = path.join(tmp, 'ws');
    fs.mkdirSync(ws, { recursive: true });
    fs.writeFileSync(path.join(ws, 'on-disk.yaml'), THREE_DOCS);
    fs.writeFileSync(path.join(ws, 'opened.yaml'), THREE_DOCS);
    const lsp = guardedClient();
    try {
      await lsp.initialize(pathToFileURL(ws).href, { schema: { enable: 'on' } });
      const onDisk = pathToFileURL(path.join(ws, 'on-disk.yaml')).href;
      const opened = pathToFileURL(path.join(ws, 'opened.yaml')).href;
      lsp.open(opened, THREE_DOCS);
      await lsp.waitForDiagnostics(opened, (d) => schemaOnly(d).length === 1);
      const disk = await lsp.waitForDiagnostics(onDisk, (d) => d.length > 0);
      assert.deepEqual(schemaOnly(disk), [], 'no schema diagnostics for a file that is not open');
    } finally {
      await lsp.close();
    }
  });

  it('off: no schema diagnostics or completion; turning it on (configuration change) validates open documents', async () => {
    const lsp = guardedClient();
    try {
      await lsp.initialize(null, { schema: { enable: 'off' } });
      const uri = docUri('toggle.yaml');
      lsp.open(uri, THREE_DOCS);
      const diags = await lsp.waitForDiagnostics(uri, (d) => d.length > 0);
      assert.deepEqual(schemaOnly(diags), []);
      const list = await lsp.request<CompletionList | null>('textDocument/completion', { textDocument: { uri }, position: positionOf(THREE_DOCS, 'runAsNonRoot') });
      assert.equal(list, null);
      lsp.settings = { schema: { enable: 'on' } };
      void lsp.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
      await lsp.waitForDiagnostics(uri, (d) => schemaOnly(d).length === 1);
      lsp.settings = { schema: { enable: 'off' } };
      void lsp.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
      await lsp.waitForDiagnostics(uri, (d) => schemaOnly(d).length === 0 && d.length > 0);
    } finally {
      await lsp.close();
    }
    assert.deepEqual(networkAttempts(), []);
  });

  it('the network guard itself records and blocks a request (so that "no attempt" means something)', () => {
    const log = path.join(tmp, 'self-check.log');
    const r = spawnSync(process.execPath, ['--require', GUARD, '-e', "try { require('https').get('https://example.com/x') } catch (e) { console.log('blocked') }"], {
      env: { ...process.env, K8SG_NET_GUARD_LOG: log },
      encoding: 'utf8',
    });
    assert.match(r.stdout, /blocked/);
    assert.match(fs.readFileSync(log, 'utf8'), /https\.get https:\/\/example\.com\/x/);
  });
});
