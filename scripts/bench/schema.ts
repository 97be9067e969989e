/**
 * Benchmark: what the Kubernetes schema layer adds on a large file. Prints figures, asserts nothing.
 *
 *   npx tsc -p . && node scripts/build.mjs && node out/scripts/bench/schema.js [--resources=10000] [--runs=3]
 *
 * In process (same text, one file of N resources: Deployments, Services, ConfigMaps, one typo every 1000):
 *   - js-yaml loadAll (a plain parse, for scale)
 *   - our engine: WorkspaceIndex.set + analyze (all rules)
 *   - schema validation: cold (first call, loads the schemas) and warm
 * Through the bundled language server over stdio (open the file, wait for diagnostics):
 *   - schema layer off: time to our diagnostics
 *   - schema layer on: time to the merged diagnostics (ours + schema)
 *   - hover latency while the schema layer validates (the validation yields to other requests)
 */
import * as path from 'node:path';
import * as jsYaml from 'js-yaml';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { analyze, DEFAULT_SETTINGS, WorkspaceIndex } from '../../server/src/engine';
import { createSchemaService } from '../../server/src/schema';
import { LspClient, REPO } from '../../test/helpers/lsp-client';
import { SCHEMA_TEMPLATES } from './corpus';

const arg = (name: string, dflt: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt);
const COUNT = arg('resources', 10000);
const RUNS = arg('runs', 3);

const templates = SCHEMA_TEMPLATES;

function bigFile(n: number): string {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = templates[i % templates.length](i);
    parts.push(i % 1000 === 998 ? p.replace('kind: ConfigMap\n', 'kind: ConfigMap\nbogus: 1\n') : p);
  }
  return parts.join('---\n');
}

const now = () => performance.now();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;

async function inProcess(text: string): Promise<void> {
  let t = now();
  jsYaml.loadAll(text);
  const jsYamlMs = now() - t;

  const engine: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    t = now();
    const ws = new WorkspaceIndex();
    ws.set('file:///bench/big.yaml', text);
    analyze(ws, DEFAULT_SETTINGS);
    engine.push(now() - t);
  }

  const service = createSchemaService({ schemasDir: path.join(REPO, 'schemas/v1.35') });
  t = now();
  const first = await service.validate(TextDocument.create('file:///bench/big.yaml', 'yaml', 1, text));
  const cold = now() - t;
  const warm: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    t = now();
    await service.validate(TextDocument.create('file:///bench/big.yaml', 'yaml', r + 2, text), { yieldAfterMs: 20 });
    warm.push(now() - t);
  }
  console.log(`in process, ${COUNT} resources, ${(text.length / 1e6).toFixed(2)} MB:`);
  console.log(`  js-yaml loadAll                 ${fmt(jsYamlMs)}`);
  console.log(`  engine (index + analyze)        ${fmt(median(engine))} (median of ${RUNS})`);
  console.log(`  schema validate, cold           ${fmt(cold)} (${first.length} schema errors)`);
  console.log(`  schema validate, warm           ${fmt(median(warm))} (median of ${RUNS}, yielding every 20 ms)`);
  console.log(`  schema / engine                 ${(median(warm) / median(engine)).toFixed(2)}x`);
}

async function throughServer(text: string, enable: 'on' | 'off'): Promise<{ diagnosticsMs: number; hoverMs: number[]; editMs: number }> {
  const lsp = new LspClient();
  try {
    await lsp.initialize(null, { schema: { enable } });
    const uri = `file:///bench/big-${enable}.yaml`;
    const done = (d: Diagnostic[]) => d.some((x) => x.source === 'k8s-guardrails') && (enable === 'off' || d.some((x) => x.source === 'k8s-guardrails (schema)'));
    const hoverMs: number[] = [];
    const t = now();
    lsp.open(uri, text);
    const waiting = lsp.waitForDiagnostics(uri, done, 600_000);
    let settled = false;
    void waiting.then(() => (settled = true));
    // hovers while the server works (line 4: `  name: web-0`)
    while (!settled) {
      const h = now();
      await lsp.request('textDocument/hover', { textDocument: { uri }, position: { line: 5, character: 3 } });
      hoverMs.push(now() - h);
      await new Promise((r) => setTimeout(r, 50));
    }
    await waiting;
    const diagnosticsMs = now() - t;
    // one edit near the end of the file (a typo in the last ConfigMap) → diagnostics of the new text
    const edited = text.slice(0, text.lastIndexOf('kind: ConfigMap\n')) + 'kind: ConfigMap\nbogus2: 1\n' + text.slice(text.lastIndexOf('kind: ConfigMap\n') + 'kind: ConfigMap\n'.length);
    const e = now();
    lsp.change(uri, edited);
    await lsp.waitForDiagnostics(uri, (d) => done(d) && (enable === 'off' || d.some((x) => x.message.includes('bogus2'))), 600_000);
    return { diagnosticsMs, hoverMs, editMs: now() - e };
  } finally {
    await lsp.close();
  }
}

async function main(): Promise<void> {
  const text = bigFile(COUNT);
  await inProcess(text);
  const off: number[] = [];
  const on: number[] = [];
  const hovers: number[] = [];
  const hoversOff: number[] = [];
  const editOff: number[] = [];
  const editOn: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const o = await throughServer(text, 'off');
    off.push(o.diagnosticsMs);
    editOff.push(o.editMs);
    hoversOff.push(...o.hoverMs);
    const res = await throughServer(text, 'on');
    on.push(res.diagnosticsMs);
    editOn.push(res.editMs);
    hovers.push(...res.hoverMs);
  }
  console.log(`language server (bundle, stdio), open a ${COUNT}-resource file → diagnostics:`);
  console.log(`  schema layer off                ${fmt(median(off))} (median of ${RUNS})`);
  console.log(`  schema layer on (merged)        ${fmt(median(on))} (median of ${RUNS})`);
  console.log(`  added by the schema layer       ${fmt(median(on) - median(off))}`);
  console.log(`  one edit → diagnostics, off     ${fmt(median(editOff))}`);
  console.log(`  one edit → diagnostics, on      ${fmt(median(editOn))} (schema: only the edited document is re-validated)`);
  if (hoversOff.length) console.log(`  hover while analysing, off      median ${fmt(median(hoversOff))}, max ${fmt(Math.max(...hoversOff))} (${hoversOff.length} requests)`);
  if (hovers.length) console.log(`  hover while analysing, on       median ${fmt(median(hovers))}, max ${fmt(Math.max(...hovers))} (${hovers.length} requests)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
