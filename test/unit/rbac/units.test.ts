import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  RbacModel,
  applyEdits,
  classifyRule,
  clusterRoleBindingToRoleBinding,
  compileSelector,
  identityKeys,
  leastPrivilegeSkeleton,
  normalizeRule,
  parseSubject,
  readOnlyVerbsFix,
  ruleAllows,
  selectorMatches,
  subjectKey,
  RESOURCE_NAME_PLACEHOLDER,
  type RbacSource,
} from '../../../server/src/engine/rbac';

describe('subjects', () => {
  const cases: [unknown, string | undefined][] = [
    ['serviceaccount:ns1:sa', 'serviceaccount:ns1:sa'],
    ['system:serviceaccount:ns1:sa', 'serviceaccount:ns1:sa'],
    ['sa:ns1:sa', 'serviceaccount:ns1:sa'],
    ['user:alice', 'user:alice'],
    ['User:system:serviceaccount:a:b', 'serviceaccount:a:b'],
    ['group:system:serviceaccounts:ci', 'group:system:serviceaccounts:ci'],
    [{ kind: 'ServiceAccount', name: 'x', namespace: 'y' }, 'serviceaccount:y:x'],
    [{ kind: 'group', name: 'devs' }, 'group:devs'],
    [{ kind: 'ServiceAccount', name: 'x' }, undefined],
    ['alice', undefined],
    ['serviceaccount:onlyns', undefined],
    [42, undefined],
    [null, undefined],
  ];
  for (const [input, key] of cases) {
    test(`parseSubject(${JSON.stringify(input)})`, () => {
      const ref = parseSubject(input);
      assert.equal(ref ? subjectKey(ref) : undefined, key);
    });
  }
  test('identity keys', () => {
    assert.deepEqual(identityKeys({ kind: 'ServiceAccount', name: 'a', namespace: 'n' }), [
      'serviceaccount:n:a',
      'group:system:serviceaccounts',
      'group:system:serviceaccounts:n',
      'group:system:authenticated',
    ]);
    assert.deepEqual(identityKeys({ kind: 'User', name: 'bob' }), ['user:bob', 'group:system:authenticated']);
    assert.deepEqual(identityKeys({ kind: 'User', name: 'system:anonymous' }), ['user:system:anonymous', 'group:system:unauthenticated']);
    assert.deepEqual(identityKeys({ kind: 'Group', name: 'g' }), ['group:g']);
  });
});

describe('label selectors', () => {
  const labels = new Map([
    ['a', '1'],
    ['b', '2'],
  ]);
  const cases: [unknown, boolean][] = [
    [{}, true],
    [{ matchLabels: { a: '1' } }, true],
    [{ matchLabels: { a: 1 } }, true],
    [{ matchLabels: { a: '2' } }, false],
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: ['0', '1'] }] }, true],
    [{ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1'] }] }, false],
    [{ matchExpressions: [{ key: 'c', operator: 'NotIn', values: ['1'] }] }, true],
    [{ matchExpressions: [{ key: 'b', operator: 'Exists' }] }, true],
    [{ matchExpressions: [{ key: 'b', operator: 'DoesNotExist' }] }, false],
    [{ matchExpressions: [{ key: 'a', operator: 'Bogus', values: ['1'] }] }, false],
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, false],
    [{ matchLabels: 'a=1' }, false],
    [null, false],
    ['x', false],
  ];
  for (const [sel, expected] of cases) {
    test(`${JSON.stringify(sel)} → ${expected}`, () => assert.equal(selectorMatches(compileSelector(sel), labels), expected));
  }
});

describe('rule matching', () => {
  test('wildcards, subresources and resourceNames', () => {
    const r = normalizeRule({ apiGroups: [''], resources: ['pods/*', '*/scale'], verbs: ['get'] });
    assert.ok(!ruleAllows(r, { verb: 'get', apiGroup: '', resource: 'pods', subresource: 'exec' })); // pods/* is no wildcard
    assert.ok(ruleAllows(r, { verb: 'get', apiGroup: '', resource: 'deployments/scale' }));
    assert.ok(!ruleAllows(r, { verb: 'get', apiGroup: '', resource: 'pods' }));
    assert.ok(!ruleAllows(r, { verb: 'list', apiGroup: '', resource: 'pods/log' }));
    assert.ok(!ruleAllows(r, { verb: 'get', apiGroup: 'apps', resource: 'pods/log' }));
    const named = normalizeRule({ apiGroups: [''], resources: ['secrets'], resourceNames: ['s1'], verbs: ['get'] });
    assert.ok(!ruleAllows(named, { verb: 'get', apiGroup: '', resource: 'secrets' }));
    assert.ok(ruleAllows(named, { verb: 'get', apiGroup: '', resource: 'secrets', resourceName: 's1' }));
    assert.ok(ruleAllows(named, { verb: 'get', apiGroup: '', resource: 'secrets', anyResourceName: true }));
  });
  test('classifyRule respects API groups and namespaced scope', () => {
    const ids = (x: unknown, ns = false) => classifyRule(normalizeRule(x), ns).map((h) => h.id);
    assert.deepEqual(ids({ apiGroups: ['apps'], resources: ['*'], verbs: ['*'] }), ['rbac-create-pods', 'rbac-delete-data']);
    assert.deepEqual(ids({ apiGroups: ['apps'], resources: ['*'], verbs: ['*'] }, true), ['rbac-create-pods']);
    assert.deepEqual(ids({ apiGroups: ['extensions'], resources: ['daemonsets'], verbs: ['create'] }), ['rbac-create-pods']);
    assert.deepEqual(ids({ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }, true), []);
    assert.deepEqual(ids({ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }, false), ['rbac-nodes-proxy']);
    assert.deepEqual(ids({ apiGroups: [''], resources: ['users'], verbs: ['impersonate'] }, true), []);
    assert.deepEqual(ids({ apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] }, true), ['rbac-escalation-verbs']);
    assert.deepEqual(ids({ apiGroups: [''], resources: ['secrets'], verbs: ['create', 'update'] }), []);
    assert.deepEqual(ids({ verbs: ['*'], nonResourceURLs: ['*'] }), []);
  });

  test('classifyRule: a risk about one object counts in its namespace only, by its name', () => {
    const where = (x: unknown, w: boolean | string[]) => classifyRule(normalizeRule(x), w).map((h) => h.id);
    const write = { apiGroups: [''], resources: ['configmaps'], verbs: ['update'] };
    assert.deepEqual(where(write, false), ['rbac-coredns-write']);
    assert.deepEqual(where(write, ['kube-system']), ['rbac-coredns-write']);
    assert.deepEqual(where(write, ['shop']), []);
    assert.deepEqual(where(write, true), []);
    assert.deepEqual(where({ ...write, resourceNames: ['coredns'] }, ['kube-system']), ['rbac-coredns-write']);
    assert.deepEqual(where({ ...write, resourceNames: ['other'] }, false), []);
    assert.deepEqual(where({ ...write, verbs: ['create'], resourceNames: ['coredns'] }, false), []);
    const hit = classifyRule(normalizeRule({ ...write, verbs: ['patch', 'delete'] }), false)[0];
    assert.equal(hit.text, 'can patch/delete ConfigMap kube-system/coredns');
    assert.deepEqual(hit.requests.map((r) => r.resourceName), ['coredns', 'coredns']);
  });
});

describe('fix helpers', () => {
  const role = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'r' },
    rules: [
      { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
      { apiGroups: [''], resources: ['configmaps'], verbs: ['*'] },
    ],
  };
  test('readOnlyVerbsFix replaces wildcard verbs and does not mutate its input', () => {
    const before = JSON.stringify(role);
    const fix = readOnlyVerbsFix(role, ['rules', 1, 'verbs']);
    assert.ok(fix);
    assert.deepEqual(fix.edit, { path: ['rules', 1, 'verbs'], value: ['get', 'list', 'watch'] });
    assert.deepEqual(fix.object.rules, [role.rules[0], { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }]);
    assert.equal(JSON.stringify(role), before);
    assert.equal(readOnlyVerbsFix(role, ['rules', 0]), undefined);
    assert.equal(readOnlyVerbsFix(role, ['metadata']), undefined);
    assert.equal(readOnlyVerbsFix(null, ['rules', 1]), undefined);
    const list = { kind: 'List', items: [role] };
    assert.deepEqual(readOnlyVerbsFix(list, ['items', 0, 'rules', 1, 'verbs'])?.edit.path, ['items', 0, 'rules', 1, 'verbs']);
  });
  test('the fixed role no longer yields rbac-wildcard', () => {
    const fixed = readOnlyVerbsFix(role, ['rules', 1])!.object;
    const rules = (o: unknown) => new RbacModel([{ object: o }]).analyze().map((f) => f.rule);
    // `*` verbs on configmaps also delete them cluster-wide and write kube-system/coredns.
    assert.deepEqual(rules(role), ['rbac-wildcard', 'rbac-coredns-write', 'rbac-delete-data']);
    assert.deepEqual(rules(fixed), []);
  });
  test('clusterRoleBindingToRoleBinding', () => {
    const crb = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'b', labels: { team: 'x' }, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [
        { kind: 'ServiceAccount', name: 'sa', namespace: 'other' },
        { kind: 'ServiceAccount', name: 'nons' },
        { kind: 'User', name: 'u' },
      ],
    };
    assert.deepEqual(clusterRoleBindingToRoleBinding(crb, 'team'), {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'b', namespace: 'team', labels: { team: 'x' } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [
        { kind: 'ServiceAccount', name: 'sa', namespace: 'other' },
        { kind: 'ServiceAccount', name: 'nons', namespace: 'team' },
        { kind: 'User', name: 'u' },
      ],
    });
    assert.equal(clusterRoleBindingToRoleBinding({ kind: 'ClusterRoleBinding' }, 'team'), undefined);
    assert.equal(clusterRoleBindingToRoleBinding(crb, ''), undefined);
    assert.equal(clusterRoleBindingToRoleBinding('nope', 'team'), undefined);
  });
  test('leastPrivilegeSkeleton: objects, edits, and the result is clean and wired up', () => {
    const deploy = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { template: { spec: { serviceAccount: 'old', containers: [{ name: 'c', image: 'i' }] } } },
    };
    const sk = leastPrivilegeSkeleton(deploy);
    assert.ok(sk);
    assert.deepEqual(sk.serviceAccount, {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'web', namespace: 'shop', labels: { 'app.kubernetes.io/name': 'web' } },
      automountServiceAccountToken: false,
    });
    assert.deepEqual((sk.role as any).rules, [{ apiGroups: [''], resources: ['configmaps'], resourceNames: [RESOURCE_NAME_PLACEHOLDER], verbs: ['get'] }]);
    assert.deepEqual((sk.roleBinding as any).roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'web' });
    assert.deepEqual(sk.workloadEdits, [
      { path: ['spec', 'template', 'spec', 'serviceAccountName'], value: 'web' },
      { path: ['spec', 'template', 'spec', 'automountServiceAccountToken'], value: true },
      { path: ['spec', 'template', 'spec', 'serviceAccount'], remove: true },
    ]);
    const patched = applyEdits(deploy, sk.workloadEdits);
    const srcs: RbacSource[] = [sk.serviceAccount, sk.role, sk.roleBinding, patched].map((object) => ({ object }));
    const model = new RbacModel(srcs);
    assert.deepEqual(model.analyze({ includeWorkloads: true }), []);
    const info = model.workloadInfo(srcs[3])!;
    assert.equal(info.serviceAccountName, 'web');
    assert.equal(info.automountToken, true);
    assert.equal(info.automountSource, 'pod');
    assert.ok(model.can('serviceaccount:shop:web', 'get', 'configmaps', { namespace: 'shop', resourceName: RESOURCE_NAME_PLACEHOLDER }).length > 0);
    assert.equal(leastPrivilegeSkeleton({ kind: 'ConfigMap' }), undefined);
    assert.equal(leastPrivilegeSkeleton(undefined), undefined);
    assert.equal(leastPrivilegeSkeleton({ kind: 'CronJob', metadata: { name: 'c' } }, { name: 'custom', namespace: 'n' })?.workloadEdits[0].path.join('.'), 'spec.jobTemplate.spec.template.spec.serviceAccountName');
  });
  test('applyEdits refuses prototype keys', () => {
    const out = applyEdits({}, [{ path: ['__proto__', 'polluted'], value: true }]);
    assert.equal(({} as any).polluted, undefined);
    assert.deepEqual(out, {});
  });
});

describe('model details', () => {
  test('kind: List is unwrapped with item paths', () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } },
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r', namespace: 'n' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }] },
      ],
    };
    const src = { object: list, ref: 'list' };
    const f = new RbacModel([src]).analyze();
    assert.deepEqual(f.map((x) => [x.rule, x.path.join('.')]), [['rbac-secrets-read', 'items.1.rules.0.resources']]);
    assert.equal(f[0].object, src);
  });
  test('objects without namespace use defaultNamespace', () => {
    const m = new RbacModel(
      [
        { object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] } },
        { object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'b' }, roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'User', name: 'u' }] } },
      ],
      { defaultNamespace: 'dev' },
    );
    assert.equal(m.can('user:u', 'get', 'pods', { namespace: 'dev' }).length, 1);
    assert.equal(m.can('user:u', 'get', 'pods', { namespace: 'default' }).length, 0);
  });
  test('a file ClusterRole overrides a built-in of the same name; builtins can be disabled', () => {
    const view = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'view' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }] };
    const rb = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'b' }, roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', name: 'u' }] };
    const m = new RbacModel([{ object: view }, { object: rb }]);
    assert.equal(m.can('user:u', 'get', 'secrets').length, 1);
    assert.equal(m.can('user:u', 'get', 'pods').length, 0);
    const noBuiltins = new RbacModel([{ object: rb }], { builtins: false });
    assert.deepEqual(noBuiltins.analyze().map((f) => f.rule), ['rbac-dangling-binding']);
    assert.deepEqual(new RbacModel([{ object: rb }]).analyze(), []);
  });
  test('subjects() lists bound subjects and defined ServiceAccounts', () => {
    const m = new RbacModel([
      { object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 's', namespace: 'n' } } },
      { object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'b' }, roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'Group', name: 'g' }, { kind: 'User', name: 'system:serviceaccount:x:y' }] } },
    ]);
    assert.deepEqual(m.subjects().map(subjectKey), ['group:g', 'serviceaccount:n:s', 'serviceaccount:x:y']);
  });
});
