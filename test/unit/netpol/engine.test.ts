/** Unit tests of the NetworkPolicy engine building blocks, API details and robustness. */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  NetworkModel,
  PodInfo,
  allowsDns,
  compileSelector,
  egressToInternet,
  isDefaultDeny,
  isPublicIp,
  parseCidr,
  parseIp,
  parsePolicy,
  selectorMatches,
  validatePolicy,
  PolicyProblem,
} from '../../../server/src/engine/netpol';

describe('cidr parsing', () => {
  const cases: [string, string | undefined, boolean?][] = [
    ['10.0.0.0/8', '10.0.0.0/8', false],
    ['10.1.2.3/8', '10.0.0.0/8', true],
    ['0.0.0.0/0', '0.0.0.0/0', false],
    ['255.255.255.255/32', '255.255.255.255/32', false],
    ['2001:db8::/32', '2001:db8::/32', false],
    ['2001:DB8:0::1/32', '2001:db8::/32', true],
    ['::/0', '::/0', false],
    ['::ffff:10.0.0.0/104', '::ffff:a00:0/104', false],
    ['10.0.0.0/33', undefined],
    ['10.0.0.0', undefined],
    ['256.0.0.0/8', undefined],
    ['10.0.0/8', undefined],
    ['fe80::1%eth0/64', undefined],
    ['2001:db8::/129', undefined],
    [' 10.0.0.0/8', undefined],
    ['10.0.0.0/8/8', undefined],
    ['', undefined],
  ];
  for (const [input, canonical, hostBits] of cases) {
    test(`${JSON.stringify(input)} -> ${canonical ?? 'invalid'}`, () => {
      const p = parseCidr(input);
      assert.equal(p?.canonical, canonical);
      if (hostBits !== undefined) assert.equal(p?.hostBitsSet, hostBits);
    });
  }
  test('leading zeros are decimal (not octal) and flagged', () => {
    const p = parseCidr('010.0.0.0/8');
    assert.equal(p?.canonical, '10.0.0.0/8');
    assert.equal(p?.leadingZeros, true);
  });
  test('non-string inputs', () => {
    for (const v of [undefined, null, 42, {}, [], true]) assert.equal(parseCidr(v), undefined);
    for (const v of [undefined, null, 42, {}, [], true]) assert.equal(parseIp(v), undefined);
  });
  test('IPv4-mapped IPv6 addresses are treated as IPv4', () => {
    assert.deepEqual(parseIp('::ffff:1.2.3.4'), parseIp('1.2.3.4'));
  });
});

describe('public address space', () => {
  const cases: [string, boolean][] = [
    ['8.8.8.8', true],
    ['1.1.1.1', true],
    ['10.1.2.3', false],
    ['172.16.0.1', false],
    ['172.32.0.1', true],
    ['192.168.1.1', false],
    ['100.64.0.1', false],
    ['127.0.0.1', false],
    ['169.254.169.254', false],
    ['224.0.0.1', false],
    ['255.255.255.255', false],
    ['2606:4700:4700::1111', true],
    ['2001:db8::1', false],
    ['fd00::1', false],
    ['fe80::1', false],
    ['::1', false],
    ['64:ff9b::808:808', true],
    ['64:ff9b::a00:1', false],
  ];
  for (const [ip, pub] of cases) test(`${ip} public=${pub}`, () => assert.equal(isPublicIp(parseIp(ip)!), pub));
});

describe('label selectors', () => {
  const labels = { app: 'web', env: 'prod' };
  const cases: [string, unknown, boolean][] = [
    ['{} selects everything', {}, true],
    ['matchLabels hit', { matchLabels: { app: 'web' } }, true],
    ['matchLabels miss', { matchLabels: { app: 'api' } }, false],
    ['matchLabels AND', { matchLabels: { app: 'web', env: 'dev' } }, false],
    ['In hit', { matchExpressions: [{ key: 'env', operator: 'In', values: ['dev', 'prod'] }] }, true],
    ['In absent key', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['x'] }] }, false],
    ['NotIn hit', { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, false],
    ['NotIn absent key matches', { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['x'] }] }, true],
    ['Exists', { matchExpressions: [{ key: 'app', operator: 'Exists' }] }, true],
    ['DoesNotExist', { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, false],
    ['labels AND expressions', { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }, false],
    ['invalid operator matches nothing', { matchExpressions: [{ key: 'app', operator: 'in', values: ['web'] }] }, false],
    ['non-string value matches nothing', { matchLabels: { app: 1 } }, false],
    ['non-object selector matches nothing', 'app=web', false],
  ];
  for (const [name, sel, expected] of cases) {
    test(name, () => {
      const problems: PolicyProblem[] = [];
      assert.equal(selectorMatches(compileSelector(sel, ['s'], problems), labels), expected);
    });
  }
});

describe('NetworkModel API', () => {
  const pod = (name: string, labels: Record<string, string>, extra: Partial<PodInfo> = {}): PodInfo => ({ name, namespace: 'ns', labels, ...extra });
  const web = pod('web', { app: 'web' });
  const api = pod('api', { app: 'api' }, { ports: [{ name: 'http', containerPort: 8080 }] });
  const ref = { some: 'opaque' };
  const policy = {
    name: 'api-in',
    namespace: 'ns',
    ref,
    object: { spec: { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 'http' }] }] } },
  };
  const model = new NetworkModel({ namespaces: [{ name: 'ns', labels: {} }], policies: [policy], pods: [web, api] });

  test('allowedBy carries the policy source (with ref), direction, rule index and path', () => {
    const v = model.allowed({ kind: 'pod', pod: web }, { kind: 'pod', pod: api }, 8080);
    assert.equal(v.allowed, true);
    assert.equal(v.ingress.allowedBy.length, 1);
    const r = v.ingress.allowedBy[0];
    assert.equal(r.policy.ref, ref);
    assert.equal(r.direction, 'ingress');
    assert.equal(r.ruleIndex, 0);
    assert.deepEqual(r.path, ['spec', 'ingress', 0]);
    assert.deepEqual(v.ingress.policies.map((p) => p.name), ['api-in']);
    assert.match(v.reason, /^allowed: .*ns\/api-in ingress\[0\]/);
  });
  test('denied reason names the isolating policies', () => {
    const v = model.allowed({ kind: 'ip', ip: '8.8.8.8' }, { kind: 'pod', pod: api }, 8080);
    assert.equal(v.allowed, false);
    assert.match(v.reason, /^denied: .*isolated for ingress by ns\/api-in/);
  });
  test('numeric strings are ports, names resolve on the destination', () => {
    assert.equal(model.allowed({ kind: 'pod', pod: web }, { kind: 'pod', pod: api }, '8080').allowed, true);
    assert.equal(model.allowed({ kind: 'pod', pod: web }, { kind: 'pod', pod: api }, 'http').allowed, true);
    assert.equal(model.allowed({ kind: 'pod', pod: web }, { kind: 'pod', pod: api }, 'http', 'UDP').allowed, false);
    assert.equal(model.allowed({ kind: 'pod', pod: web }, { kind: 'pod', pod: api }, 'nope').allowed, false);
  });
  test('policiesSelecting', () => {
    assert.deepEqual(model.policiesSelecting(api).ingress.map((p) => p.name), ['api-in']);
    assert.deepEqual(model.policiesSelecting(api).egress, []);
    assert.deepEqual(model.policiesSelecting({ ...api, hostNetwork: true }).ingress, []);
  });
  test('policy namespace falls back to metadata.namespace', () => {
    const m = new NetworkModel({
      namespaces: [],
      policies: [{ name: 'x', namespace: undefined as unknown as string, object: { metadata: { namespace: 'ns' }, spec: {} } }],
    });
    assert.equal(m.policiesSelecting(api).ingress.length, 1);
  });
  test('options default', () => {
    assert.deepEqual(model.options, { ipBlockMatchesPodIPs: false });
  });
  test('model.problems() lists what the API server rejects, per policy (lint warnings are the engine rules\')', () => {
    const m = new NetworkModel({
      namespaces: [],
      policies: [
        { name: 'p', namespace: 'ns', object: { spec: { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: '1-80' }] }] } } },
        { name: 'q', namespace: 'ns', object: { spec: { podSelector: {}, policyTypes: ['Ingress'], egress: [{}] } } },
      ],
    });
    assert.deepEqual(m.problems().map((e) => [e.policy.name, e.problems.map((p) => p.code)]), [['p', ['invalid-port']], ['q', []]]);
  });
  test('allowsDns without any policy', () => {
    assert.equal(allowsDns(model, web), true);
  });
});

describe('robustness: never throws on garbage', () => {
  const garbage: unknown[] = [
    undefined, null, 0, 1, 'x', true, [], {}, [[]], { spec: null }, { spec: [] }, { spec: 'x' },
    { spec: { podSelector: null, ingress: null, egress: null, policyTypes: null } },
    { spec: { podSelector: [], ingress: 'x', egress: 7, policyTypes: {} } },
    { spec: { ingress: [1, 'a', null, [], { from: 'x', ports: 'y' }, { from: [1, null, 'x', [], { ipBlock: 1 }, { ipBlock: { cidr: 1, except: 'x' } }] }] } },
    { spec: { egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [null, 1, {}, '0.0.0.0/0'] } }], ports: [1, null, { port: {} }, { port: [], endPort: 'x' }, { protocol: 5 }] }] } },
    { spec: { podSelector: { matchLabels: 'x', matchExpressions: 'y' } } },
    { spec: { podSelector: { matchLabels: { a: null, b: {} }, matchExpressions: [null, 1, { key: 1, operator: 2, values: 'x' }, { key: 'a', operator: 'In', values: [1, null] }] } } },
    { spec: { policyTypes: [null, 1, 'Ingress', 'Egress', 'x'] } },
  ];
  const weirdPods: unknown[] = [
    { name: 'p', namespace: 'ns', labels: null },
    { name: 'p', namespace: 'ns', labels: { a: 1 }, ips: ['x', 5, null], ports: [null, 1, { name: 5 }] },
    { name: 1, namespace: null },
    null,
  ];
  test('validatePolicy / egressToInternet / isDefaultDeny / parsePolicy', () => {
    for (const g of garbage) {
      assert.ok(Array.isArray(validatePolicy(g)), JSON.stringify(g));
      assert.ok(Array.isArray(validatePolicy(g, parsePolicy(g))));
      assert.ok(Array.isArray(egressToInternet(g)));
      assert.equal(typeof isDefaultDeny(g).ingress, 'boolean');
      assert.ok(parsePolicy(g));
    }
  });
  test('NetworkModel with garbage policies, pods, peers and ports', () => {
    const model = new NetworkModel({
      namespaces: [null, 1, { name: 'ns', labels: 'x' }] as any,
      policies: [...garbage.map((object, i) => ({ name: `g${i}`, namespace: 'ns', object })), null as any, 5 as any],
      pods: weirdPods as any,
      options: { ipBlockMatchesPodIPs: 'yes', podCIDRs: 'x' } as any,
    });
    for (const a of weirdPods) {
      for (const b of weirdPods) {
        for (const port of [80, 'http', '', -1, 1.5, NaN, null as any, {} as any]) {
          const v = model.allowed({ kind: 'pod', pod: a as any }, { kind: 'pod', pod: b as any }, port, 'tcp' as any);
          assert.equal(typeof v.allowed, 'boolean');
          model.allowed({ kind: 'ip', ip: 'garbage' }, { kind: 'pod', pod: b as any }, port);
          model.allowed(null as any, undefined as any, port);
        }
      }
      model.policiesSelecting(a as any);
      allowsDns(model, a as any);
    }
    assert.ok(Array.isArray(model.problems()));
    assert.ok(new NetworkModel(undefined as any));
  });
  test('throwing getters are contained', () => {
    const evil = { get spec(): unknown { throw new Error('boom'); } };
    const problems = validatePolicy(evil);
    assert.equal(problems[0].code, 'invalid-field');
    assert.deepEqual(egressToInternet(evil), []);
  });
});
