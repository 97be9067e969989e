/**
 * Every fix on every finding of the fixtures and examples: the result
 * parses, the finding is gone, no new finding appears, comments survive.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, applyEdits, DEFAULT_SETTINGS, Finding, ruleById, WorkspaceIndex } from '../../server/src/engine';

const REPO = path.join(__dirname, '../../..');
const DIRS = ['test/fixtures/rules', 'examples'].map((d) => path.join(REPO, d));

function yamlFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(e.name) ? [p] : [];
  });
}

const key = (f: Finding) => `${f.rule}@${f.range.start.line}:${f.range.start.character}`;
const comments = (text: string) => text.split('\n').map((l) => /\s#\s.*$|^\s*#.*$/.exec(l)?.[0].trim()).filter((c): c is string => !!c);

function findingsOf(uri: string, text: string): Finding[] {
  const ws = new WorkspaceIndex();
  ws.set(uri, text);
  return analyze(ws, DEFAULT_SETTINGS).findings.get(uri) ?? [];
}

for (const file of DIRS.flatMap(yamlFiles)) {
  const text = fs.readFileSync(file, 'utf8');
  const before = findingsOf(file, text);
  if (!before.some((f) => f.fixes?.().length)) continue;
  test(`fixes round-trip: ${path.relative(REPO, file)}`, () => {
    let checked = 0;
    for (const f of before) {
      for (const fix of f.fixes?.() ?? []) {
        checked++;
        const after = applyEdits(text, fix.edits.filter((e) => e.uri === file));
        if (fix.suppression) {
          // The ignore annotation asks for a reason; with one, the finding is suppressed.
          assert.ok(findingsOf(file, after).some((x) => x.rule === 'ignore-without-reason'), `${fix.title}: asks for a reason`);
          const reasoned = after.replace(`ignore.k8s-guardrails.io/${f.rule}: ""`, `ignore.k8s-guardrails.io/${f.rule}: "accepted: test"`);
          assert.notEqual(reasoned, after);
          const left = findingsOf(file, reasoned).filter((x) => x.rule === f.rule && x.message === f.message && x.resource?.display === f.resource?.display);
          assert.deepEqual(left.map(key), [], `${fix.title}: suppressed once a reason is given`);
          continue;
        }
        const now = findingsOf(file, after);
        const label = `${fix.title} for ${key(f)}`;
        assert.ok(!now.some((x) => x.rule === 'yaml-syntax' || x.rule === 'yaml-duplicate-key') || before.some((x) => x.rule.startsWith('yaml-')), `${label}: result parses`);
        const same = (x: Finding) => x.rule === f.rule && x.message === f.message && x.resource?.display === f.resource?.display;
        if (fix.title.startsWith('Harden ')) {
          const left = now.filter((x) => x.resource?.display === f.resource?.display && ruleById(x.rule)?.family === 'pss' && ruleById(x.rule)?.fix === 'always');
          assert.deepEqual(left.map(key), [], `${label}: every fixable PSS finding gone\n${after}`);
        } else assert.ok(!now.some(same), `${label}: finding gone\n${after}`);
        const rulesBefore = new Set(before.map((x) => x.rule));
        // One consequence is expected, not a regression: an RBAC fix that takes away creating pods also takes away the
        // evidence of an operator creating the pods a NetworkPolicy selects (netpol-selects-nothing).
        const expectedAfter = (x: Finding) => x.rule === 'netpol-selects-nothing' && ruleById(f.rule)?.family === 'rbac';
        const added = now.filter((x) => !rulesBefore.has(x.rule) && !expectedAfter(x));
        assert.deepEqual(added.map(key), [], `${label}: no new kind of finding\n${after}`);
        for (const c of comments(text)) assert.ok(after.includes(c), `${label}: comment kept: ${c}`);
      }
    }
    assert.ok(checked > 0);
  });
}
