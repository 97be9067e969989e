import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GENERATED, renderRulesDoc, withReadmeRules } from '../../scripts/generate-docs';
import { RULES } from '../../server/src/engine';

test('docs/rules.md is generated from the registry and up to date', () => {
  const current = fs.readFileSync(path.join(__dirname, '../../../docs/rules.md'), 'utf8');
  assert.equal(current, renderRulesDoc(), 'run `npm run docs`');
  const readme = fs.readFileSync(path.join(__dirname, '../../../README.md'), 'utf8');
  assert.equal(readme, withReadmeRules(readme), 'README rule table: run `npm run docs`');
});

test('the config file schema and the k8sGuardrails.rules setting list the rule ids of the registry (`npm run docs`)', () => {
  for (const [file, render] of GENERATED) {
    const current = fs.readFileSync(path.join(__dirname, '../../..', file), 'utf8');
    assert.equal(current, render(current), `${file} is stale: run \`npm run docs\``);
  }
  const settable = RULES.filter((r) => !r.locked).map((r) => r.id);
  const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../schemas/k8s-guardrails-config.schema.json'), 'utf8'));
  assert.deepEqual(Object.keys(schema.properties.rules.properties), settable);
  assert.equal(schema.properties.rules.additionalProperties, false);
  assert.deepEqual(schema.properties.ignore.items.properties.rule.anyOf[0].enum, RULES.map((r) => r.id));
  const setting = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8')).contributes.configuration.properties['k8sGuardrails.rules'];
  assert.deepEqual(Object.keys(setting.properties), settable);
  assert.deepEqual(setting.propertyNames.enum, settable);
  for (const id of settable) assert.match(setting.properties[id].description, /default/, id);
});

test('every rule has an id slug, a title and docs', () => {
  const ids = new Set<string>();
  for (const r of RULES) {
    assert.match(r.id, /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, r.id);
    assert.ok(!ids.has(r.id), `duplicate id ${r.id}`);
    ids.add(r.id);
    assert.ok(r.title && r.docs.summary && r.docs.why, r.id);
  }
});
