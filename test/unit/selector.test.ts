/**
 * The engine's one label selector (server/src/engine/selector.ts), as Kubernetes' LabelSelectorAsSelector:
 * the same table through the validating compiler (NetworkPolicy), the admitted-object compiler (RBAC
 * aggregation, live objects), with labels as an object and as a Map.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { compileSelector, compileStoredSelector, labelSelectorMatches, mapSelectorMatches, selectorMatches, selectsEverything } from '../../server/src/engine/selector';
import type { PolicyProblem } from '../../shared/netpol/types';

const labels = { app: 'web', env: 'dev', tier: '' };
const asMap = new Map(Object.entries(labels));

const table: [string, unknown, boolean][] = [
  ['empty selector selects everything', {}, true],
  ['empty matchLabels and matchExpressions select everything', { matchLabels: {}, matchExpressions: [] }, true],
  ['null fields are absent', { matchLabels: null, matchExpressions: null }, true],
  ['matchLabels hit', { matchLabels: { app: 'web' } }, true],
  ['matchLabels empty value', { matchLabels: { tier: '' } }, true],
  ['matchLabels miss', { matchLabels: { app: 'api' } }, false],
  ['matchLabels are ANDed', { matchLabels: { app: 'web', env: 'prod' } }, false],
  ['In hit', { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'dev'] }] }, true],
  ['In on an absent key', { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }, false],
  ['NotIn hit', { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }] }, false],
  ['NotIn miss', { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, true],
  ['NotIn on an absent key matches', { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, true],
  ['Exists', { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, true],
  ['Exists on an absent key', { matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, false],
  ['DoesNotExist', { matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, true],
  ['DoesNotExist on a present key', { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, false],
  ['labels AND expressions', { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] }, false],
  ['operators are case-sensitive: invalid, nothing', { matchExpressions: [{ key: 'app', operator: 'in', values: ['web'] }] }, false],
  ['In without values: invalid, nothing', { matchExpressions: [{ key: 'app', operator: 'In', values: [] }] }, false],
  ['NotIn without values: invalid, nothing', { matchExpressions: [{ key: 'zone', operator: 'NotIn' }] }, false],
  ['a string is not a selector', 'app=web', false],
  ['matchLabels must be a mapping', { matchLabels: ['app'] }, false],
];

test('validating and admitted-object compilers agree with Kubernetes on valid and unevaluable selectors', () => {
  for (const [name, sel, want] of table) {
    const problems: PolicyProblem[] = [];
    assert.equal(selectorMatches(compileSelector(sel, ['s'], problems), labels), want, `validating, object: ${name}`);
    assert.equal(selectorMatches(compileSelector(sel, ['s'], []), asMap), want, `validating, Map: ${name}`);
    assert.equal(selectorMatches(compileStoredSelector(sel), labels), want, `stored, object: ${name}`);
    assert.equal(selectorMatches(compileStoredSelector(sel), asMap), want, `stored, Map: ${name}`);
    assert.equal(labelSelectorMatches(sel, labels), want, `labelSelectorMatches: ${name}`);
    assert.equal(problems.length === 0, want || !/invalid|not a selector|must be/.test(name), `problems reported: ${name}`);
  }
});

test('absent (null) selects nothing, {} everything', () => {
  assert.equal(labelSelectorMatches(undefined, labels), false);
  assert.equal(labelSelectorMatches(null, labels), false);
  assert.equal(labelSelectorMatches({}, {}), true);
  assert.equal(labelSelectorMatches({}, undefined), true);
  assert.ok(selectsEverything(compileSelector({}, [], [])));
  assert.ok(!selectsEverything(compileSelector({ matchLabels: { a: 'b' } }, [], [])));
});

test('admitted objects: scalars are text, label syntax is not checked; validation is strict', () => {
  const unquoted = { matchLabels: { 'rbac.example.com/aggregate-to-view': true, v: 1 } };
  assert.ok(selectorMatches(compileStoredSelector(unquoted), new Map([['rbac.example.com/aggregate-to-view', 'true'], ['v', '1']])));
  const problems: PolicyProblem[] = [];
  assert.ok(!selectorMatches(compileSelector(unquoted, ['s'], problems), { 'rbac.example.com/aggregate-to-view': 'true', v: '1' }));
  assert.equal(problems.length, 2);
  assert.ok(labelSelectorMatches({ matchLabels: { 'bad key!': 'x' } }, { 'bad key!': 'x' }));
  assert.ok(!selectorMatches(compileSelector({ matchLabels: { 'bad key!': 'x' } }, ['s'], []), { 'bad key!': 'x' }));
  // Label values that YAML read as numbers compare as text.
  assert.ok(labelSelectorMatches({ matchLabels: { v: '1' } }, { v: 1 }));
});

test('Service selectors: equality, and an empty or absent one selects no pods', () => {
  assert.ok(mapSelectorMatches({ app: 'web' }, labels));
  assert.ok(!mapSelectorMatches({ app: 'web', env: 'prod' }, labels));
  assert.ok(!mapSelectorMatches({}, labels));
  assert.ok(!mapSelectorMatches(undefined, labels));
  assert.ok(!mapSelectorMatches({ zone: 'a' }, undefined));
});
