/**
 * `Rule.kinds` and `Rule.podSpecsOnly` let the analysis skip resources a rule never reports on. The contract:
 * a rule reports exactly the same with or without them, here over every fixture, example and real-world
 * manifest (one workspace each: cross-file rules see what they see in a scan).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, DEFAULT_SETTINGS, Rule, RULES, WorkspaceIndex } from '../../server/src/engine';

const ROOT = path.resolve(__dirname, '../../..');

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yamlFiles(p, out);
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out;
}

function workspace(dir: string): WorkspaceIndex {
  const ws = new WorkspaceIndex();
  for (const f of yamlFiles(path.join(ROOT, dir)).sort()) ws.set(`mem:/${path.relative(ROOT, f)}`, fs.readFileSync(f, 'utf8'));
  return ws;
}

/** The findings of one rule as comparable text. */
function run(ws: WorkspaceIndex, rule: Rule): string[] {
  const { findings } = analyze(ws, DEFAULT_SETTINGS, { rules: [rule], includeSuppressed: true });
  return [...findings.values()].flat().map((f) => `${f.uri}:${f.range.start.line}:${f.range.start.character} ${f.rule} ${f.severity} ${f.message}`);
}

const scoped = RULES.filter((r) => r.kinds || r.podSpecsOnly);

test('rules declare the resources they check', () => {
  assert.ok(scoped.some((r) => r.kinds?.has('NetworkPolicy')), 'NetworkPolicy rules');
  assert.ok(scoped.some((r) => r.family === 'rbac' && r.kinds), 'RBAC rules');
  assert.ok(scoped.some((r) => r.family === 'pss' && r.podSpecsOnly), 'PSS rules');
  assert.ok(scoped.some((r) => r.family === 'hardening' && r.podSpecsOnly), 'hardening rules');
});

for (const dir of ['test/fixtures', 'examples', 'test/realworld']) {
  test(`a rule reports the same without its kinds and podSpecsOnly (${dir})`, () => {
    const ws = workspace(dir);
    let reported = 0;
    for (const rule of scoped) {
      const unscoped: Rule = { ...rule, kinds: undefined, podSpecsOnly: undefined };
      const expected = run(ws, unscoped);
      reported += expected.length;
      assert.deepEqual(run(ws, rule), expected, rule.id);
    }
    assert.ok(reported > 0, 'the rules report something there');
  });
}
