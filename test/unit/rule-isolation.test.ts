/** A rule that throws is reported once; every other rule still runs. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyze, DEFAULT_SETTINGS, RULES, WorkspaceIndex } from '../../server/src/engine';
import { defineRule } from '../../server/src/engine/rules/types';

test('a throwing rule is isolated', () => {
  const broken = defineRule({
    id: 'always-throws',
    family: 'hardening',
    title: 'test',
    defaultSeverity: 'error',
    fix: 'none',
    docs: { summary: 'x', why: 'x' },
    checkResource() {
      throw new Error('boom');
    },
  });
  const ws = new WorkspaceIndex();
  for (let i = 0; i < 3; i++)
    ws.set(`mem:/p${i}.yaml`, `apiVersion: v1\nkind: Pod\nmetadata: {name: p${i}}\nspec:\n  containers: [{name: c, image: "x:1", securityContext: {privileged: true}}]\n`);
  const errors: string[] = [];
  const { findings } = analyze(ws, DEFAULT_SETTINGS, { rules: [broken, ...RULES], onRuleError: (rule, e) => errors.push(`${rule.id}: ${(e as Error).message}`) });
  assert.deepEqual(errors, ['always-throws: boom'], 'reported once, not once per resource');
  const rules = [...findings.values()].flat().map((f) => f.rule);
  assert.equal(rules.filter((r) => r === 'privileged-container').length, 3, 'the other rules ran on every file');
  assert.ok(!rules.includes('always-throws'));
});
