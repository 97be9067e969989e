/** The order analyze() gives findings, and what each per-resource rule is run on (kinds, pod specs, file order). */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyze, DEFAULT_SETTINGS, RULES, WorkspaceIndex } from '../../server/src/engine';
import { defineRule, Rule } from '../../server/src/engine/rules/types';

function sameSpotRule(id: string): Rule {
  return defineRule({
    id,
    family: 'hardening',
    title: 'test',
    defaultSeverity: 'warning',
    fix: 'none',
    docs: { summary: 'x', why: 'x' },
    checkResource(res, ctx) {
      ctx.report({ resource: res, path: ['metadata', 'name'], message: id });
    },
  });
}

const byLocale = (ids: string[]) => [...ids].sort((a, b) => a.localeCompare(b));

test('the registry ids sort the same by localeCompare and by code units', () => {
  const ids = RULES.map((r) => r.id);
  assert.deepEqual(byLocale(ids), [...ids].sort());
});

for (const ids of [
  ['b-rule', 'a10', 'a9', 'a-rule', 'a', 'zz-1', 'a-b-c'],
  ['b-rule', 'Zeta', 'a-rule', 'éclair', 'Apple', 'apple-2', 'e-rule'],
])
  test(`findings at one position come out by rule id, as localeCompare orders them (${ids.join(' ')})`, () => {
    const ws = new WorkspaceIndex();
    ws.set('mem:/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one}\n');
    const { findings } = analyze(ws, DEFAULT_SETTINGS, { rules: ids.map(sameSpotRule) });
    assert.deepEqual(
      findings.get('mem:/cm.yaml')!.map((f) => f.rule),
      byLocale(ids),
    );
  });

test('a rule runs on the resources of its kinds, or holding a pod spec, in file order, across blocks', () => {
  const docs: string[] = [];
  const expected = { kinds: [] as string[], pods: [] as string[], all: [] as string[] };
  // More resources than fit in two of analyze's blocks (RESOURCE_BLOCK, 1024).
  for (let i = 0; i < 2500; i++) {
    const kind = ['ConfigMap', 'Service', 'Deployment', 'Secret', 'CronJob'][i % 5];
    const name = `r${i}`;
    docs.push(
      kind === 'Deployment'
        ? `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: x}]\n`
        : kind === 'CronJob'
          ? `apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: ${name}}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: [{name: c, image: x}]\n`
          : `apiVersion: v1\nkind: ${kind}\nmetadata: {name: ${name}}\n`,
    );
    if (kind === 'Service' || kind === 'Secret') expected.kinds.push(name);
    if (kind === 'Deployment' || kind === 'CronJob') expected.pods.push(name);
    expected.all.push(name);
  }
  const seen = { kinds: [] as string[], pods: [] as string[], all: [] as string[] };
  const base = { family: 'hardening' as const, title: 'test', defaultSeverity: 'warning' as const, fix: 'none' as const, docs: { summary: 'x', why: 'x' } };
  const rules = [
    defineRule({ ...base, id: 'by-kinds', kinds: new Set(['Secret', 'Service']), checkResource: (res) => void seen.kinds.push(res.name) }),
    defineRule({ ...base, id: 'pod-specs', podSpecsOnly: true, checkResource: (res) => void seen.pods.push(res.name) }),
    defineRule({ ...base, id: 'every-resource', checkResource: (res) => void seen.all.push(res.name) }),
  ];
  const ws = new WorkspaceIndex();
  ws.set('mem:/all.yaml', docs.join('---\n'));
  analyze(ws, DEFAULT_SETTINGS, { rules });
  assert.deepEqual(seen, expected);
});
