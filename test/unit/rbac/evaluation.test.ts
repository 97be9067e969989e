/**
 * Truth tables for issue #18 item 1: RBAC decided exactly as rbac/v1 evaluation (kubernetes
 * pkg/apis/rbac/v1/evaluation_helpers.go: VerbMatches, APIGroupMatches, ResourceMatches, ResourceNameMatches) and the
 * findings built on that one evaluator. Each table is rules × requests → allowed, checked on the rule evaluator and, end
 * to end, through a binding with can() and whoCan() (what `rbac who-can` / `rbac permissions` print).
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { RbacModel, normalizeRule, ruleAllows, type RbacFinding, type RbacSource } from '../../../server/src/engine/rbac';

const CR = (name: string, rules: unknown[], extra: Record<string, unknown> = {}) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name, ...((extra.metadata as object) ?? {}) },
  ...(extra.aggregationRule ? { aggregationRule: extra.aggregationRule } : {}),
  rules,
});
const CRB = (name: string, role: string, subjects: unknown[], roleKind = 'ClusterRole') => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRoleBinding',
  metadata: { name },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: role },
  subjects,
});
const RB = (ns: string, name: string, roleKind: string, role: string, subjects: unknown[]) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: { name, namespace: ns },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: role },
  subjects,
});
const USER = { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' };
const src = (...objects: unknown[]): RbacSource[] => objects.map((object, i) => ({ object, ref: i }));

interface Req {
  verb: string;
  group: string;
  resource: string;
  name?: string;
}

/** One rule bound to user alice cluster-wide: the rule evaluator, can() and whoCan() must all say `allowed`. */
function checkRow(rule: Record<string, unknown>, req: Req, allowed: boolean): void {
  const label = `${JSON.stringify(rule)} ${req.verb} ${req.group}/${req.resource}${req.name ? `#${req.name}` : ''}`;
  const [resource, subresource] = req.resource.split('/');
  assert.equal(
    ruleAllows(normalizeRule(rule), { verb: req.verb, apiGroup: req.group, resource, subresource, resourceName: req.name }),
    allowed,
    `ruleAllows ${label}`,
  );
  const model = new RbacModel(src(CR('r', [rule]), CRB('b', 'r', [USER])));
  const opts = { apiGroup: req.group, ...(req.name !== undefined ? { resourceName: req.name } : {}) };
  assert.equal(model.can('user:alice', req.verb, req.resource, opts).length > 0, allowed, `can ${label}`);
  assert.deepEqual(model.whoCan(req.verb, req.resource, { namespace: '*', ...opts }).map((e) => e.subject), allowed ? ['user:alice'] : [], `whoCan ${label}`);
}

describe('ResourceMatches: only "*" and "*/<subresource>" are wildcards', () => {
  const table: [string[], string, boolean][] = [
    [['*'], 'pods', true],
    [['*'], 'pods/exec', true],
    [['pods'], 'pods', true],
    [['pods'], 'pods/exec', false],
    [['pods/*'], 'pods/exec', false],
    [['pods/*'], 'pods/attach', false],
    [['pods/*'], 'pods', false],
    [['pods/exec'], 'pods/exec', true],
    [['pods/exec'], 'pods/attach', false],
    [['*/exec'], 'pods/exec', true],
    [['*/exec'], 'pods', false],
    [['*/exec'], 'pods/attach', false],
    [['*/*'], 'pods/exec', false],
    [['serviceaccounts/*'], 'serviceaccounts/token', false],
    [['serviceaccounts'], 'serviceaccounts/token', false],
    [['serviceaccounts/token'], 'serviceaccounts/token', true],
    [['*/token'], 'serviceaccounts/token', true],
    [['*/scale'], 'deployments/scale', true],
  ];
  for (const [resources, resource, allowed] of table) {
    test(`${JSON.stringify(resources)} × ${resource} → ${allowed ? 'allowed' : 'denied'}`, () =>
      checkRow({ apiGroups: ['*'], resources, verbs: ['get', 'create'] }, { verb: 'create', group: '', resource }, allowed));
  }
});

describe('VerbMatches and APIGroupMatches', () => {
  const table: [string[], string[], Req, boolean][] = [
    [['*'], [''], { verb: 'escalate', group: '', resource: 'pods' }, true],
    [['get'], [''], { verb: 'list', group: '', resource: 'pods' }, false],
    [['get'], ['*'], { verb: 'get', group: 'apps', resource: 'deployments' }, true],
    [['get'], [''], { verb: 'get', group: 'apps', resource: 'deployments' }, false],
    [['get'], ['apps'], { verb: 'get', group: 'apps', resource: 'deployments' }, true],
  ];
  for (const [verbs, apiGroups, req, allowed] of table) {
    test(`verbs ${verbs} groups ${JSON.stringify(apiGroups)} × ${req.verb} ${req.group}/${req.resource} → ${allowed}`, () =>
      checkRow({ apiGroups, resources: ['*'], verbs }, req, allowed));
  }
});

describe('ResourceNameMatches: create never matches resourceNames (the request carries no name)', () => {
  const table: [string, string[], Req, boolean][] = [
    ['create pods, no names', [], { verb: 'create', group: '', resource: 'pods' }, true],
    ['create pods named web, request names web', ['web'], { verb: 'create', group: '', resource: 'pods', name: 'web' }, false],
    ['create pods named web, no name', ['web'], { verb: 'create', group: '', resource: 'pods' }, false],
    ['create deployments named web', ['web'], { verb: 'create', group: 'apps', resource: 'deployments', name: 'web' }, false],
    ['create token of canal (subresource names its parent)', ['canal', 'calico-cni-plugin'], { verb: 'create', group: '', resource: 'serviceaccounts/token', name: 'canal' }, true],
    ['create token of another ServiceAccount', ['canal', 'calico-cni-plugin'], { verb: 'create', group: '', resource: 'serviceaccounts/token', name: 'admin' }, false],
    ['create pods/exec in pod web', ['web'], { verb: 'create', group: '', resource: 'pods/exec', name: 'web' }, true],
    ['get secret s1', ['s1'], { verb: 'get', group: '', resource: 'secrets', name: 's1' }, true],
    ['get secret s2', ['s1'], { verb: 'get', group: '', resource: 'secrets', name: 's2' }, false],
    ['get secrets without a name', ['s1'], { verb: 'get', group: '', resource: 'secrets' }, false],
    ['update configmap x', ['x'], { verb: 'update', group: '', resource: 'configmaps', name: 'x' }, true],
    ['delete pod y of rule x', ['x'], { verb: 'delete', group: '', resource: 'pods', name: 'y' }, false],
  ];
  for (const [label, resourceNames, req, allowed] of table) {
    test(`${label} → ${allowed ? 'allowed' : 'denied'}`, () => {
      const resource = req.resource.split('/')[0];
      checkRow({ apiGroups: [req.group], resources: [req.resource === resource ? resource : req.resource], resourceNames, verbs: [req.verb] }, req, allowed);
    });
  }
  test('rbac-create-pods is not reported for a create rule restricted by resourceNames', () => {
    const m = new RbacModel(src(CR('r', [{ apiGroups: ['', 'apps'], resources: ['pods', 'deployments'], resourceNames: ['web'], verbs: ['create'] }])));
    assert.deepEqual(m.analyze().map((f) => f.rule), []);
  });
});

describe('aggregationRule: exactly the union of the selected ClusterRoles', () => {
  const objects = src(
    CR('agg', [{ apiGroups: [''], resources: ['secrets'], verbs: ['*'] }], {
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'example.com/agg': 'true' } }] },
    }),
    CR('part-a', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }], { metadata: { labels: { 'example.com/agg': 'true' } } }),
    CR('part-b', [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['list'] }], { metadata: { labels: { 'example.com/agg': 'true' } } }),
    CR('not-selected', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }], { metadata: { labels: { 'example.com/agg': 'false' } } }),
    CRB('b', 'agg', [USER]),
  );
  const model = new RbacModel(objects);
  const table: [string, string, string, boolean][] = [
    ['get', '', 'configmaps', true],
    ['list', 'apps', 'deployments', true],
    ['get', '', 'secrets', false], // hand-written rule: overwritten by the controller
    ['delete', '', 'secrets', false],
    ['get', '', 'pods', false], // label does not match
  ];
  for (const [verb, group, resource, allowed] of table) {
    test(`agg × ${verb} ${group}/${resource} → ${allowed}`, () => {
      assert.equal(model.can('user:alice', verb, resource, { apiGroup: group }).length > 0, allowed);
      assert.deepEqual(model.whoCan(verb, resource, { apiGroup: group }).map((e) => e.subject), allowed ? ['user:alice'] : []);
    });
  }
  test('effective rules are the selected roles\' rules; the hand-written rule yields no finding', () => {
    assert.deepEqual(model.effectiveRules('ClusterRole', 'agg')!.map((e) => `${e.holder.name}:${e.rule.resources}`), ['part-a:configmaps', 'part-b:deployments']);
    assert.deepEqual(model.analyze().filter((f) => f.object === objects[0]), []);
    assert.deepEqual(model.permissions('user:alice').map((p) => p.resources.join()), ['configmaps', 'deployments']);
  });
});

describe('resourceNames narrow every message', () => {
  const table: [Record<string, unknown>, string, string[], string[]][] = [
    [
      { apiGroups: [''], resources: ['serviceaccounts/token'], resourceNames: ['canal', 'calico-cni-plugin'], verbs: ['create'] },
      'rbac-token-create',
      ['can create tokens for ServiceAccounts canal, calico-cni-plugin', 'acts as those ServiceAccounts'],
      ['any ServiceAccount'],
    ],
    [{ apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] }, 'rbac-token-create', ['can create tokens for any ServiceAccount'], []],
    [{ apiGroups: [''], resources: ['pods/exec'], resourceNames: ['debug'], verbs: ['create'] }, 'rbac-pod-exec', ['can create pods/exec (only Pods debug)'], []],
    [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], resourceNames: ['view'], verbs: ['bind'] }, 'rbac-escalation-verbs', ['can bind clusterroles (only named view)'], []],
    [{ apiGroups: [''], resources: ['nodes/proxy'], resourceNames: ['n1'], verbs: ['get'] }, 'rbac-nodes-proxy', ['(only Nodes n1)'], []],
    [
      { apiGroups: ['admissionregistration.k8s.io'], resources: ['validatingwebhookconfigurations'], resourceNames: ['mine'], verbs: ['create', 'patch'] },
      'rbac-webhook-write',
      ['can patch validatingwebhookconfigurations (only configurations mine)'],
      ['create'],
    ],
  ];
  for (const [rule, id, includes, excludes] of table) {
    test(`${id} ${JSON.stringify(rule.resourceNames ?? [])}`, () => {
      const f = new RbacModel(src(CR('r', [rule]))).analyze().filter((x) => x.rule === id);
      assert.equal(f.length, 1);
      for (const s of includes) assert.ok(f[0].message.includes(s), `"${f[0].message}" should include "${s}"`);
      for (const s of excludes) assert.ok(!f[0].message.includes(s), `"${f[0].message}" should not include "${s}"`);
      for (const r of f[0].data!.requests as { resourceName?: string }[]) {
        if (rule.resourceNames) assert.ok((rule.resourceNames as string[]).includes(r.resourceName!));
      }
    });
  }
  test('workload and broad-subject messages carry the narrowed text', () => {
    const model = new RbacModel(
      src(
        CR('tokens', [{ apiGroups: [''], resources: ['serviceaccounts/token'], resourceNames: ['canal'], verbs: ['create'] }]),
        CRB('b', 'tokens', [{ kind: 'Group', name: 'system:serviceaccounts' }]),
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'a' }, spec: { containers: [] } },
      ),
    );
    const all = model.analyze({ includeWorkloads: true });
    for (const id of ['rbac-broad-subject', 'rbac-workload-high-risk']) {
      const f = all.find((x) => x.rule === id);
      assert.ok(f, id);
      assert.ok(f.message.includes('create tokens for ServiceAccounts canal'), f.message);
      assert.ok(!f.message.includes('any ServiceAccount'), f.message);
    }
  });
});

describe('built-in objects exist', () => {
  const table: [string, unknown, boolean][] = [
    ['RoleBinding → kube-system Role extension-apiserver-authentication-reader', RB('kube-system', 'x', 'Role', 'extension-apiserver-authentication-reader', [USER]), false],
    ['RoleBinding → kube-system Role system::leader-locking-kube-scheduler', RB('kube-system', 'x', 'Role', 'system::leader-locking-kube-scheduler', [USER]), false],
    ['RoleBinding → kube-system Role system::leader-locking-kube-controller-manager', RB('kube-system', 'x', 'Role', 'system::leader-locking-kube-controller-manager', [USER]), false],
    ['RoleBinding → kube-public Role system:controller:bootstrap-signer', RB('kube-public', 'x', 'Role', 'system:controller:bootstrap-signer', [USER]), false],
    ['RoleBinding in default → Role extension-apiserver-authentication-reader (kube-system only)', RB('default', 'x', 'Role', 'extension-apiserver-authentication-reader', [USER]), true],
    ['ClusterRoleBinding → system:controller:deployment-controller', CRB('x', 'system:controller:deployment-controller', [USER]), false],
    ['ClusterRoleBinding → system:kube-scheduler', CRB('x', 'system:kube-scheduler', [USER]), false],
    ['ClusterRoleBinding → system:public-info-viewer', CRB('x', 'system:public-info-viewer', [USER]), false],
    ['ClusterRoleBinding → no-such-role', CRB('x', 'no-such-role', [USER]), true],
    ['subject kube-system/replicaset-controller', CRB('x', 'view', [{ kind: 'ServiceAccount', name: 'replicaset-controller', namespace: 'kube-system' }]), false],
    ['subject kube-system/leader-election-controller', CRB('x', 'view', [{ kind: 'ServiceAccount', name: 'leader-election-controller', namespace: 'kube-system' }]), false],
    ['subject kube-system/token-cleaner', CRB('x', 'view', [{ kind: 'ServiceAccount', name: 'token-cleaner', namespace: 'kube-system' }]), false],
    ['subject shop/replicaset-controller (only kube-system has it)', CRB('x', 'view', [{ kind: 'ServiceAccount', name: 'replicaset-controller', namespace: 'shop' }]), true],
    ['subject kube-system/my-operator', CRB('x', 'view', [{ kind: 'ServiceAccount', name: 'my-operator', namespace: 'kube-system' }]), true],
  ];
  for (const [label, binding, dangling] of table) {
    test(`${label} → ${dangling ? 'dangling' : 'not dangling'}`, () => {
      const f = new RbacModel(src(binding)).analyze().filter((x) => x.rule === 'rbac-dangling-binding');
      assert.equal(f.length > 0, dangling, f.map((x) => x.message).join('\n'));
    });
  }
  test('a built-in Role grants its rules (resourceNames included) through a binding', () => {
    const m = new RbacModel(src(RB('kube-system', 'x', 'Role', 'extension-apiserver-authentication-reader', [USER])));
    const can = (name?: string) => m.can('user:alice', 'get', 'configmaps', { namespace: 'kube-system', ...(name ? { resourceName: name } : {}) }).length > 0;
    assert.equal(can('extension-apiserver-authentication'), true);
    assert.equal(can('other'), false);
    assert.equal(can(), false);
    assert.equal(m.can('user:alice', 'get', 'configmaps', { namespace: 'default', resourceName: 'extension-apiserver-authentication' }).length, 0);
  });
  test('a Role of the same name in the files replaces the built-in one', () => {
    const own = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'extension-apiserver-authentication-reader', namespace: 'kube-system' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] };
    const m = new RbacModel(src(own, RB('kube-system', 'x', 'Role', 'extension-apiserver-authentication-reader', [USER])));
    assert.equal(m.can('user:alice', 'get', 'pods', { namespace: 'kube-system' }).length, 1);
    assert.equal(m.can('user:alice', 'get', 'configmaps', { namespace: 'kube-system', resourceName: 'extension-apiserver-authentication' }).length, 0);
  });
  test('builtins: false knows none of them', () => {
    const f = new RbacModel(src(RB('kube-system', 'x', 'Role', 'extension-apiserver-authentication-reader', [USER])), { builtins: false }).analyze();
    assert.deepEqual(f.map((x) => x.rule), ['rbac-dangling-binding']);
  });
});

describe('a "*"/"*"/"*" rule is one finding', () => {
  const table: [string, unknown, string[], string[]][] = [
    [
      'ClusterRole',
      CR('god', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
      ['rbac-wildcard'],
      ['rbac-secrets-read', 'rbac-pod-exec', 'rbac-create-pods', 'rbac-escalation-verbs', 'rbac-token-create', 'rbac-nodes-proxy', 'rbac-csr-approve', 'rbac-webhook-write'],
    ],
    [
      'Role',
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'g', namespace: 'a' }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] },
      ['rbac-wildcard'],
      ['rbac-secrets-read', 'rbac-pod-exec', 'rbac-create-pods', 'rbac-escalation-verbs', 'rbac-token-create'],
    ],
    // not cluster-admin equivalent: the usual per-risk findings
    ['ClusterRole, core group only', CR('c', [{ apiGroups: [''], resources: ['*'], verbs: ['*'] }]), ['rbac-wildcard', 'rbac-secrets-read', 'rbac-pod-exec', 'rbac-create-pods', 'rbac-escalation-verbs', 'rbac-token-create', 'rbac-port-forward', 'rbac-coredns-write', 'rbac-nodes-proxy', 'rbac-delete-data'], []],
  ];
  for (const [label, role, rules, implies] of table) {
    test(label, () => {
      const f: RbacFinding[] = new RbacModel(src(role)).analyze();
      assert.deepEqual(f.map((x) => x.rule), rules);
      if (implies.length) {
        assert.deepEqual(f[0].data!.implies, implies);
        assert.ok(f[0].message.includes('equivalent to cluster-admin'), f[0].message);
      }
    });
  }
});

describe('rbac-broad-subject', () => {
  const SECRETS = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'sr', namespace: 'a' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }] };
  const group = (name: string) => ({ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name });
  const table: [string, unknown[], boolean][] = [
    ['system:authenticated × Role with list secrets', [SECRETS, RB('a', 'b', 'Role', 'sr', [group('system:authenticated')])], true],
    ['system:unauthenticated × Role with list secrets', [SECRETS, RB('a', 'b', 'Role', 'sr', [group('system:unauthenticated')])], true],
    ['system:serviceaccounts × Role with list secrets', [SECRETS, RB('a', 'b', 'Role', 'sr', [group('system:serviceaccounts')])], true],
    ['system:serviceaccounts:a × Role with list secrets', [SECRETS, RB('a', 'b', 'Role', 'sr', [group('system:serviceaccounts:a')])], true],
    ['system:masters × Role with list secrets', [SECRETS, RB('a', 'b', 'Role', 'sr', [group('system:masters')])], false],
    ['ServiceAccount × Role with list secrets', [SECRETS, RB('a', 'b', 'Role', 'sr', [{ kind: 'ServiceAccount', name: 'x', namespace: 'a' }])], false],
    ['system:authenticated × view', [CRB('b', 'view', [group('system:authenticated')])], false],
    ['system:authenticated × edit (aggregated, built-in)', [CRB('b', 'edit', [group('system:authenticated')])], true],
    ['system:authenticated × cluster-admin (rbac-cluster-admin-binding instead)', [CRB('b', 'cluster-admin', [group('system:authenticated')])], false],
    ['system:serviceaccounts × nodes/proxy through a RoleBinding (cluster-scoped: not granted)', [CR('np', [{ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }]), RB('a', 'b', 'ClusterRole', 'np', [group('system:serviceaccounts')])], false],
    ['system:serviceaccounts × nodes/proxy through a ClusterRoleBinding', [CR('np', [{ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }]), CRB('b', 'np', [group('system:serviceaccounts')])], true],
    ['system:authenticated × create pods restricted by resourceNames', [CR('p', [{ apiGroups: [''], resources: ['pods'], resourceNames: ['x'], verbs: ['create'] }]), CRB('b', 'p', [group('system:authenticated')])], false],
    ['system:authenticated × get secrets restricted by resourceNames', [CR('p', [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['x'], verbs: ['get'] }]), CRB('b', 'p', [group('system:authenticated')])], false],
  ];
  for (const [label, objects, reported] of table) {
    test(`${label} → ${reported ? 'reported' : 'not reported'}`, () => {
      const f = new RbacModel(src(...objects)).analyze().filter((x) => x.rule === 'rbac-broad-subject');
      assert.equal(f.length, reported ? 1 : 0, f.map((x) => x.message).join('\n'));
      if (reported) {
        assert.equal(f[0].severity, 'error');
        assert.deepEqual(f[0].path, ['roleRef']);
      }
    });
  }
});
