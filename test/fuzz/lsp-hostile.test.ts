/**
 * The language server survives hostile documents over LSP: alias bombs, a
 * 10 MB scalar, 5,000-deep nesting, binary and invalid UTF-8, NUL bytes,
 * lone surrogates, CR-only line ends… (multi-megabyte scalars and 100,000-item
 * sequences below the size limit take the server seconds each: `npm run fuzz`
 * covers them in the engine). Afterwards a normal document still gets its diagnostics, code
 * actions still answer, and the process is alive.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { LspClient } from '../helpers/lsp-client';

function aliasBomb(levels = 10, width = 10): string {
  const lines = [`a0: &a0 [${Array(width).fill('"lol"').join(', ')}]`];
  for (let l = 1; l < levels; l++) lines.push(`a${l}: &a${l} [${Array(width).fill(`*a${l - 1}`).join(', ')}]`);
  return lines.join('\n') + '\n';
}

function bytesAsEditorText(bytes: number[]): string {
  return new TextDecoder('utf-8').decode(Uint8Array.from(bytes));
}

const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n';

const HOSTILE: [string, string][] = [
  ['alias-bomb', aliasBomb()],
  ['merge-bomb', `${POD}  x:\n    b0: &b0 {privileged: true}\n${Array.from({ length: 12 }, (_, i) => `    b${i + 1}: &b${i + 1} {<<: [${Array(8).fill(`*b${i}`).join(', ')}], k${i}: 1}`).join('\n')}\n  securityContext: *b12\n`],
  ['10MB-scalar', `${POD}  containers:\n  - name: a\n    image: ${'x'.repeat(10 * 1024 * 1024)}\n`],
  ['300KB-scalar', `${POD}  containers:\n  - name: a\n    image: "${'y'.repeat(300 * 1024)}"\n    securityContext: {privileged: true}\n`],
  ['deep-flow', '['.repeat(5000) + ']'.repeat(5000)],
  ['deep-flow-unclosed', `${POD}  containers: ${'{a: '.repeat(5000)}`],
  [
    'deep-block',
    Array.from({ length: 5000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + '\n',
  ],
  ['10k-sequence', Array.from({ length: 10000 }, (_, i) => `- item${i}`).join('\n')],
  ['binary', bytesAsEditorText(Array.from({ length: 50000 }, (_, i) => (i * 7919 + 13) & 255))],
  ['nul-bytes', `${POD}\0\0\0  containers:\0\n  - name: \0\n`],
  ['invalid-utf8', bytesAsEditorText([...Buffer.from(POD), 0xff, 0xfe, 0xc0, 0x80, 0xed, 0xa0, 0x80, ...Buffer.from('  hostPID: true\n')])],
  ['lone-surrogates', `${POD}  containers:\n  - name: "\ud800"\n    image: \udc00x\n    securityContext: {privileged: true}\n`],
  ['cr-only', `${POD}  hostPID: true\n---\n${POD}  hostNetwork: true\n`.replace(/\n/g, '\r')],
  ['markers', `---\n...\n--- |\n  x\n...\n%YAML 1.1\n---\n${POD}  hostIPC: true\n... #\n---`],
  ['wrong-types', `${POD}  containers: 5\n---\napiVersion: v1\nkind: Pod\nmetadata: "x"\nspec: {containers: [{name: a, securityContext: []}]}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, annotations: [1, 2]}\nspec: []\n`],
  ['prototype-keys', `apiVersion: v1\nkind: constructor\nmetadata: {name: __proto__, namespace: toString, labels: {__proto__: x}}\nspec: {containers: [{name: a, image: b}]}\n`],
];

/** 9^8 containers by alias: once took the server down (V8 "invalid size error" growing an array to ~169M elements). */
const ALIAS_BOMB_IN_POD = `${POD}  x:\n${aliasBomb(9, 9)
  .split('\n')
  .map((l) => '    ' + l)
  .join('\n')}\n  containers: *a8\n  volumes: *a8\n`;

const NORMAL = `apiVersion: v1
kind: Pod
metadata:
  name: normal
spec:
  containers:
  - name: app
    image: nginx:1.27
    securityContext:
      privileged: true
`;

async function survives(hostile: [string, string][]): Promise<void> {
  const lsp = new LspClient();
  try {
    await lsp.initialize(null, { pss: { level: 'baseline' } });
    for (const [name, text] of hostile) lsp.open(`file:///tmp/k8sg-hostile/${name}.yaml`, text);
    // Every hostile document is answered (diagnostics may be empty, a syntax error or "too large").
    for (const [name] of hostile) await lsp.waitForDiagnostics(`file:///tmp/k8sg-hostile/${name}.yaml`, () => true, 60_000);

    // Code actions on the hostile documents answer in bounded time.
    for (const [name] of hostile) {
      const uri = `file:///tmp/k8sg-hostile/${name}.yaml`;
      const diags = lsp.diagnostics.get(uri)!.diagnostics;
      const range = diags[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
      const t0 = Date.now();
      const actions = await Promise.race([
        lsp.codeActions(uri, range, diags.slice(0, 1)),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`codeAction on ${name} took more than 20 s`)), 20_000)),
      ]);
      assert.ok(Array.isArray(actions), `${name}: code actions answered (${Date.now() - t0} ms)`);
    }

    // A normal document still gets its diagnostics, promptly.
    const uri = 'file:///tmp/k8sg-hostile/normal.yaml';
    const t0 = Date.now();
    lsp.open(uri, NORMAL);
    const diags = await lsp.waitForDiagnostics(uri, (d) => d.length > 0, 20_000);
    assert.ok(
      diags.some((d) => d.code === 'privileged-container'),
      JSON.stringify(diags),
    );
    assert.ok(Date.now() - t0 < 20_000);
    const actions = await lsp.codeActions(uri, diags[0].range, diags);
    assert.ok(actions.some((a) => a.kind === 'quickfix'), JSON.stringify(actions));

    // Still alive: the process has not exited, and it says so nowhere on stderr.
    assert.equal((lsp as unknown as { proc: { exitCode: number | null } }).proc.exitCode, null, `server exited; stderr: ${lsp.stderr}`);
  } finally {
    await lsp.close();
  }
}

// With these documents open together the server once died (V8 "invalid size error"): yaml-language-server
// expanded an alias bomb in the schema layer. Alias-heavy documents now skip the schema layer
// (server/src/lsp/schema-layer.ts aliasHeavy); the schema layer is on here, as in the editor.
test('the language server survives hostile documents', { timeout: 180_000 }, () => survives(HOSTILE));

test('the language server survives an alias bomb under containers', { timeout: 180_000 }, () =>
  survives([['alias-bomb-in-pod', ALIAS_BOMB_IN_POD], ...HOSTILE]),
);
