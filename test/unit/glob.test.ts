/** The one glob dialect (server/src/engine/glob.ts): VS Code's files.exclude globs, through picomatch. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { globBase, hasGlob, ignoreMatcher, nameGlob, pathGlob } from '../../server/src/engine/glob';

const cases: [string, string, boolean][] = [
  ['a/**/b.yaml', 'a/b.yaml', true],
  ['a/**/b.yaml', 'a/x/y/b.yaml', true],
  ['a/*.yaml', 'a/x/b.yaml', false],
  ['a/?.yaml', 'a/b.yaml', true],
  ['a/?.yaml', 'a//.yaml', false],
  ['**/gen', 'gen', true],
  ['**/gen', 'x/gen', true],
  ['**/gen', 'regen', false],
  ['**/gen', 'x/regen', false],
  ['*.yaml', '.hidden.yaml', true],
  ['**/*.yaml', '.git/x.yaml', true],
  ['*.{yaml,yml}', 'a.yml', true],
  ['*.{yaml,yml}', 'a.json', false],
  ['v[0-9].yaml', 'v7.yaml', true],
  ['v[!0-9].yaml', 'v7.yaml', false],
  ['v[!0-9].yaml', 'vx.yaml', true],
  ['a.(x)+.yaml', 'a.(x)+.yaml', true],
  ['(a|b).yaml', 'a.yaml', false],
  ['(a|b).yaml', '(a|b).yaml', true],
  ['!a.yaml', '!a.yaml', true],
  ['!a.yaml', 'b.yaml', false],
  ['@(a).yaml', '@(a).yaml', true],
  ['a\\*.yaml', 'a/x.yaml', true],
];

test('pathGlob: *, **, ?, braces and classes as in VS Code; everything else literal', () => {
  for (const [glob, p, want] of cases) assert.equal(pathGlob(glob)(p), want, `${glob} ~ ${p}`);
});

test('pathGlob orBelow: a matching folder matches what is below it (files.exclude)', () => {
  const m = pathGlob('{build,dist}', { orBelow: true });
  assert.ok(m('build'));
  assert.ok(m('dist/x/y.yaml'));
  assert.ok(!m('src/build.yaml'));
  assert.ok(pathGlob('out/', { orBelow: true })('out/a.yaml'));
  assert.ok(!pathGlob('build')('build/a.yaml'));
});

test('nameGlob: * and ? match any character, including /', () => {
  assert.ok(nameGlob('rbac-*')('rbac-wildcard'));
  assert.ok(!nameGlob('rbac-*')('netpol-x'));
  assert.ok(nameGlob('*')('a/b'));
  assert.ok(nameGlob('system:*')('system:controller:x'));
  assert.ok(nameGlob('cilium-?gent')('cilium-agent'));
  assert.ok(nameGlob('{kube-system,kube-public}')('kube-public'));
  assert.ok(nameGlob('a(b)')('a(b)'));
  assert.ok(!nameGlob('a(b)')('ab'));
});

test('hasGlob and globBase', () => {
  assert.ok(hasGlob('a/*.yaml') && hasGlob('a?') && hasGlob('{a,b}') && hasGlob('[ab]'));
  assert.ok(!hasGlob('a/b.yaml') && !hasGlob('a(b)+.yaml'));
  assert.deepEqual(globBase('examples/**/*.{yaml,yml}'), { base: 'examples', rest: '**/*.{yaml,yml}' });
  assert.deepEqual(globBase('*.yaml'), { base: '.', rest: '*.yaml' });
  assert.deepEqual(globBase('/abs/{a,b}/x'), { base: '/abs', rest: '{a,b}/x' });
  assert.deepEqual(globBase('/*'), { base: '/', rest: '*' });
  assert.deepEqual(globBase('a\\b\\*.yaml'), { base: 'a/b', rest: '*.yaml' });
});

test('ignoreMatcher: a name at any depth, a path from the root, a folder and all below', () => {
  const ignored = ignoreMatcher(['charts/**', '*.tmpl.yaml', 'vendor/', 'base/secret.yaml', '{gen,out}', './x/', '/']);
  assert.ok(ignored('charts/x/templates/a.yaml'));
  assert.ok(ignored('deep/dir/a.tmpl.yaml'));
  assert.ok(ignored('vendor/x.yaml'));
  assert.ok(ignored('a/vendor/x.yaml'));
  assert.ok(ignored('base/secret.yaml'));
  assert.ok(ignored('a/gen/b/c.yaml'));
  assert.ok(ignored('x/y.yaml'));
  assert.ok(!ignored('overlays/base/secret.yaml'));
  assert.ok(!ignored('apps/a.yaml'));
  assert.ok(!ignored('regen/a.yaml'));
});

test('matchers take one argument: usable directly as an Array.some/filter callback', () => {
  assert.deepEqual(['rbac-x', 'netpol-y'].filter(nameGlob('nope')), []);
  assert.ok(!['a.yaml', 'b.yaml'].some(pathGlob('c.yaml')));
  assert.deepEqual(['a.yaml', 'b.yml'].filter(pathGlob('*.yml')), ['b.yml']);
});
