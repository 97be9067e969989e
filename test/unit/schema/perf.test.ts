/**
 * Schema validation of a many-resource file finds every error (one typo every 100 resources) — a correctness
 * test, quick by default (300 resources) and with no timing assertion: the measurement (10,000 resources,
 * schema validation vs js-yaml vs our engine, and the language server's added latency) is
 * scripts/bench/schema.ts (`node out/scripts/bench/schema.js`). K8SG_PERF_RESOURCES changes the number of
 * resources here (0 skips).
 */
import { networkAttempts } from './network-guard';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, it } from 'node:test';
import * as jsYaml from 'js-yaml';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { createSchemaService } from '../../../server/src/schema';
import { findRepoRoot } from '../../../scripts/generate-schemas';
import { SCHEMA_TEMPLATES } from '../../../scripts/bench/corpus';

const COUNT = Number(process.env.K8SG_PERF_RESOURCES ?? 300);

after(() => assert.deepEqual(networkAttempts, []));

const templates = SCHEMA_TEMPLATES;

it(`finds every error in a file of ${COUNT} resources`, { skip: COUNT <= 0 }, async () => {
  const parts: string[] = [];
  for (let i = 0; i < COUNT; i++) {
    parts.push(templates[i % templates.length](i));
  }
  // one typo every 100 resources (in the ConfigMaps among them), to check that errors are found all along a long file
  const typo = (i: number) => i % 100 === 98 && i % templates.length === 2;
  const text = parts.map((p, i) => (typo(i) ? p.replace('kind: ConfigMap\n', 'kind: ConfigMap\nbogus: 1\n') : p)).join('---\n');
  assert.equal(jsYaml.loadAll(text).length, COUNT);

  const service = createSchemaService({ schemasDir: path.join(findRepoRoot(__dirname), 'schemas', 'v1.35') });
  const diags = await service.validate(TextDocument.create('file:///perf.yaml', 'yaml', 1, text), { yieldAfterMs: 5 });
  const expected = parts.map((_, i) => i).filter(typo);
  assert.ok(expected.length > 0 || COUNT < 100);
  assert.equal(diags.length, expected.length, JSON.stringify(diags.slice(0, 3)));
  assert.ok(diags.every((d) => d.message.includes('bogus')));
});

it('stops when cancelled between documents', async () => {
  const service = createSchemaService({ schemasDir: path.join(findRepoRoot(__dirname), 'schemas', 'v1.35') });
  const text = Array.from({ length: 50 }, (_, i) => templates[2](i).replace('data:', 'bogus: 1\ndata:')).join('---\n');
  let checks = 0;
  const diags = await service.validate(TextDocument.create('file:///cancel.yaml', 'yaml', 1, text), { isCancelled: () => ++checks > 10 });
  assert.equal(diags.length, 10);
});
