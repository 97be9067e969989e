/**
 * The schema layer's validation is background work: an edit's own findings go out first (issue #24 item 2,
 * re-lint latency). Each publication carries the document version it describes, so the engine's findings of
 * an older text must never go out under a newer version (the schema layer re-publishing before the engine
 * has analysed the edit), and a keystroke must not wait for the validation of a long file just opened.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { LspClient } from '../helpers/lsp-client';

const SCHEMA = 'k8s-guardrails (schema)';

const deployment = (i: number, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-${i}
spec:
  replicas: three
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          env:
            - name: LEVEL
              value: info
          securityContext:
            runAsNonRoot: true
            seccompProfile:
              type: RuntimeDefault${extra}
`;

const PRIVILEGED = '\n            privileged: true';
const schemaOf = (d: Diagnostic[]) => d.filter((x) => x.source === SCHEMA);
const privileged = (d: Diagnostic[]) => d.filter((x) => x.code === 'privileged-container').length;

describe('schema validation yields to the re-analysis of an edit', () => {
  let lsp: LspClient;
  before(async () => {
    lsp = new LspClient();
    await lsp.initialize(null, { debounceMs: 0, schema: { enable: 'on' } });
  });
  after(() => lsp?.close());

  it('every publication of a version carries the engine findings of that version, never older ones', async () => {
    const uri = 'file:///priority/one.yaml';
    const texts = [deployment(0), deployment(0, PRIVILEGED)];
    lsp.open(uri, texts[0]);
    await lsp.waitForDiagnostics(uri, (d) => schemaOf(d).length === 1);
    for (let i = 1; i <= 8; i++) {
      const from = lsp.published.length;
      const text = texts[i % 2];
      lsp.change(uri, text);
      // the schema layer validated this version too (its diagnostics moved with the new line)
      const line = text.split('\n').indexOf('  replicas: three');
      await lsp.waitForDiagnostics(uri, (d) => schemaOf(d).length === 1 && lsp.diagnostics.get(uri)?.version === i + 1);
      const mine = lsp.published.slice(from).filter((p) => p.uri === uri && p.version === i + 1);
      assert.ok(mine.length >= 1);
      for (const p of mine) assert.equal(privileged(p.diagnostics), i % 2, `version ${i + 1}: ${JSON.stringify(p.diagnostics.map((d) => d.code))}`);
      assert.equal(schemaOf(lsp.diagnostics.get(uri)!.diagnostics)[0].range.start.line, line);
    }
  });

  it('a keystroke in a long file just opened is analysed before the schema validation of the file ends', async () => {
    const uri = 'file:///priority/long.yaml';
    const docs = Array.from({ length: 300 }, (_, i) => deployment(i));
    lsp.open(uri, docs.join('---\n'));
    await lsp.waitForDiagnostics(uri, () => true, 60000);
    const from = lsp.published.length;
    docs[150] = deployment(150, PRIVILEGED);
    lsp.change(uri, docs.join('---\n'));
    await lsp.waitForDiagnostics(uri, (d) => privileged(d) === 1, 60000);
    // the first publication for the edit: the engine's findings, before any schema diagnostics of the file (300
    // documents take the schema layer far longer than one re-analysis)
    const first = lsp.published.slice(from).find((p) => p.uri === uri && p.version === 2)!;
    assert.equal(privileged(first.diagnostics), 1);
    assert.equal(schemaOf(first.diagnostics).length, 0, 'published before the schema validation of the file ended');
    await lsp.waitForDiagnostics(uri, (d) => schemaOf(d).length === 300, 120000);
  });

  it('on Linux, the server thread runs at its start level; V8 helpers and the schema worker 10 nice levels below', { skip: process.platform !== 'linux' }, async () => {
    // Opened and validated: the schema worker runs.
    const uri = 'file:///priority/nice.yaml';
    lsp.open(uri, deployment(0));
    await lsp.waitForDiagnostics(uri, (d) => schemaOf(d).length === 1);
    const pid = lsp.pid!;
    const threads = fs.readdirSync(`/proc/${pid}/task`).map((t) => ({ tid: +t, nice: +fs.readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8').split(') ')[1].split(' ')[16] }));
    const main = threads.find((t) => t.tid === pid)!;
    assert.equal(main.nice, os.getPriority(), 'the thread that analyses keystrokes keeps the level it was started with');
    // V8's platform threads (compiler, GC tasks; started with the process) and the schema worker; libuv's pool, started later if at all, keeps its level.
    const lowered = threads.filter((t) => t.tid !== pid && t.nice === Math.min(19, main.nice + 10));
    assert.ok(lowered.length >= 3, JSON.stringify(threads));
  });
});
