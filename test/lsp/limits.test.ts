/** Limits in the language server: a file over the time or size limit says so on its first line. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { LspClient } from '../helpers/lsp-client';

const POD = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n    securityContext: {privileged: true}\n';

test('analysis time limit: the findings found so far and a not-analysed error', async () => {
  const lsp = new LspClient();
  try {
    await lsp.initialize(null, { analysisTimeLimitMs: 0.0001 });
    lsp.open('file:///limits/pod.yaml', POD);
    const d = await lsp.waitForDiagnostics('file:///limits/pod.yaml', (x) => x.some((y) => y.code === 'not-analysed'));
    const note = d.find((x) => x.code === 'not-analysed')!;
    assert.equal(note.range.start.line, 0);
    assert.equal(note.severity, 1);
    assert.match(note.message, /the analysis stopped after [\d.]+ ms, over the time limit of 0\.0001 ms \(k8sGuardrails\.analysisTimeLimitMs\)\. The findings shown for this file may be incomplete/);
  } finally {
    await lsp.close();
  }
});

test('a file over the size limit is not analysed, and the editor says why', async () => {
  const lsp = new LspClient();
  try {
    await lsp.initialize(null, {});
    const big = POD + '# padding\n'.repeat(450_000); // 4.5 MB
    lsp.open('file:///limits/big.yaml', big);
    const d = await lsp.waitForDiagnostics('file:///limits/big.yaml', (x) => x.some((y) => y.code === 'not-analysed'), 20000);
    assert.match(d.find((x) => x.code === 'not-analysed')!.message, /^Not analysed: the file \(4\.\d MiB\) is over the size limit of 4 MiB \(k8sGuardrails\.maxFileSize\)/);
    assert.ok(!d.some((x) => x.code === 'privileged-container'));
  } finally {
    await lsp.close();
  }
});
