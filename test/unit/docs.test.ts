import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderRulesDoc, withReadmeRules } from '../../scripts/generate-docs';
import { RULES } from '../../server/src/engine';

test('docs/rules.md is generated from the registry and up to date', () => {
  const current = fs.readFileSync(path.join(__dirname, '../../../docs/rules.md'), 'utf8');
  assert.equal(current, renderRulesDoc(), 'run `npm run docs`');
  const readme = fs.readFileSync(path.join(__dirname, '../../../README.md'), 'utf8');
  assert.equal(readme, withReadmeRules(readme), 'README rule table: run `npm run docs`');
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
