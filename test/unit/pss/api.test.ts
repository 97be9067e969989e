/**
 * API-level tests for the PSS engine: version parsing, the check table, version clamping,
 * and robustness against arbitrary input.
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  evaluatePss, formatPssVersion, formatPssViolations, LATEST_KNOWN_PSS_VERSION, parsePssVersion, PSS_CHECKS, pssChecksFor,
} from '../../../server/src/engine/pss';
import type { PssCheckId, PssVersion } from '../../../server/src/engine/pss';

const v = (text: string): PssVersion => {
  const parsed = parsePssVersion(text);
  assert.ok(parsed, text);
  return parsed;
};

describe('parsePssVersion (upstream ParseVersion)', () => {
  const valid: [string, number][] = [['v1.0', 0], ['v1.9', 9], ['v1.25', 25], ['v1.37', 37], ['v1.100', 100], ['v1.9999999999', 9999999999]];
  for (const [text, minor] of valid) {
    test(`accepts ${text}`, () => {
      assert.deepEqual(parsePssVersion(text), { major: 1, minor, latest: false });
    });
  }
  test('accepts latest', () => {
    const p = parsePssVersion('latest');
    assert.ok(p);
    assert.equal(p.latest, true);
    assert.equal(formatPssVersion(p), 'latest');
  });
  const invalid = [
    '', 'Latest', 'LATEST', ' latest', 'latest ', '1.25', 'v1', 'v1.', 'v1.025', 'v1.00', 'v2.0', 'v0.9', 'v1.25.0',
    'v1.25 ', ' v1.25', 'v1.-1', 'v1.x', 'V1.25', 'v1.25\n', 'v1.٣', 'v1.99999999999999999999',
  ];
  for (const text of invalid) {
    test(`rejects ${JSON.stringify(text)}`, () => {
      assert.equal(parsePssVersion(text), undefined);
    });
  }
  test('rejects non-strings without throwing', () => {
    assert.equal(parsePssVersion(undefined as any), undefined);
    assert.equal(parsePssVersion(125 as any), undefined);
    assert.equal(parsePssVersion({} as any), undefined);
  });
  test('formats numeric versions', () => {
    assert.equal(formatPssVersion(v('v1.7')), 'v1.7');
  });
});

describe('check table', () => {
  const expected: Record<PssCheckId, { level: string; minVersions: string[]; overrides?: { id: string; since: string }[] }> = {
    appArmorProfile: { level: 'baseline', minVersions: ['v1.0'] },
    capabilities_baseline: { level: 'baseline', minVersions: ['v1.0'] },
    hostNamespaces: { level: 'baseline', minVersions: ['v1.0'] },
    hostPathVolumes: { level: 'baseline', minVersions: ['v1.0'] },
    hostPorts: { level: 'baseline', minVersions: ['v1.0'] },
    hostProbesAndHostLifecycle: { level: 'baseline', minVersions: ['v1.34'] },
    privileged: { level: 'baseline', minVersions: ['v1.0'] },
    procMount: { level: 'baseline', minVersions: ['v1.0', 'v1.35'] },
    seLinuxOptions: { level: 'baseline', minVersions: ['v1.0', 'v1.31'] },
    seccompProfile_baseline: { level: 'baseline', minVersions: ['v1.0', 'v1.19'] },
    sysctls: { level: 'baseline', minVersions: ['v1.0', 'v1.27', 'v1.29', 'v1.32', 'v1.37'] },
    windowsHostProcess: { level: 'baseline', minVersions: ['v1.0'] },
    allowPrivilegeEscalation: { level: 'restricted', minVersions: ['v1.8', 'v1.25'] },
    capabilities_restricted: {
      level: 'restricted', minVersions: ['v1.22', 'v1.25'], overrides: [{ id: 'capabilities_baseline', since: 'v1.22' }],
    },
    procMount_restricted: { level: 'restricted', minVersions: ['v1.35'], overrides: [{ id: 'procMount', since: 'v1.35' }] },
    restrictedVolumes: { level: 'restricted', minVersions: ['v1.0'], overrides: [{ id: 'hostPathVolumes', since: 'v1.0' }] },
    runAsNonRoot: { level: 'restricted', minVersions: ['v1.0', 'v1.35'] },
    runAsUser: { level: 'restricted', minVersions: ['v1.23', 'v1.35'] },
    seccompProfile_restricted: {
      level: 'restricted', minVersions: ['v1.19', 'v1.25'], overrides: [{ id: 'seccompProfile_baseline', since: 'v1.19' }],
    },
  };

  test('has exactly the upstream checks, in upstream order', () => {
    assert.deepEqual(PSS_CHECKS.map((c) => c.id), Object.keys(expected));
  });
  for (const c of PSS_CHECKS) {
    test(`${c.id}: level, versions, overrides, docs`, () => {
      const e = expected[c.id];
      assert.equal(c.level, e.level);
      assert.deepEqual(c.minVersions, e.minVersions);
      assert.deepEqual(c.overrides, e.overrides);
      assert.ok(c.title.length > 0 && !c.title.includes('\n'));
      assert.match(c.docsUrl, /^https:\/\/kubernetes\.io\/docs\/concepts\/security\/pod-security-standards\/#(baseline|restricted)$/);
      assert.ok(c.docsUrl.endsWith('#' + c.level));
    });
  }
  test('LATEST_KNOWN_PSS_VERSION is the newest minimum version', () => {
    assert.equal(LATEST_KNOWN_PSS_VERSION, 'v1.37');
    const newest = Math.max(...PSS_CHECKS.flatMap((c) => c.minVersions.map((m) => Number(m.split('.')[1]))));
    assert.equal(LATEST_KNOWN_PSS_VERSION, `v1.${newest}`);
  });
  test('table is frozen', () => {
    assert.ok(Object.isFrozen(PSS_CHECKS));
  });
});

describe('checks per level and version', () => {
  test('baseline v1.0', () => {
    assert.deepEqual(pssChecksFor('baseline', v('v1.0')), [
      'appArmorProfile', 'capabilities_baseline', 'hostNamespaces', 'hostPathVolumes', 'hostPorts', 'privileged', 'procMount',
      'seLinuxOptions', 'seccompProfile_baseline', 'sysctls', 'windowsHostProcess',
    ]);
  });
  test('baseline latest adds hostProbesAndHostLifecycle', () => {
    assert.deepEqual(pssChecksFor('baseline', v('latest')), [
      'appArmorProfile', 'capabilities_baseline', 'hostNamespaces', 'hostPathVolumes', 'hostPorts', 'hostProbesAndHostLifecycle',
      'privileged', 'procMount', 'seLinuxOptions', 'seccompProfile_baseline', 'sysctls', 'windowsHostProcess',
    ]);
  });
  test('restricted v1.0 includes baseline minus hostPathVolumes', () => {
    assert.deepEqual(pssChecksFor('restricted', v('v1.0')), [
      'appArmorProfile', 'capabilities_baseline', 'hostNamespaces', 'hostPorts', 'privileged', 'procMount', 'seLinuxOptions',
      'seccompProfile_baseline', 'sysctls', 'windowsHostProcess', 'restrictedVolumes', 'runAsNonRoot',
    ]);
  });
  test('restricted latest', () => {
    assert.deepEqual(pssChecksFor('restricted', v('latest')), [
      'appArmorProfile', 'hostNamespaces', 'hostPorts', 'hostProbesAndHostLifecycle', 'privileged', 'seLinuxOptions', 'sysctls',
      'windowsHostProcess', 'allowPrivilegeEscalation', 'capabilities_restricted', 'procMount_restricted', 'restrictedVolumes',
      'runAsNonRoot', 'runAsUser', 'seccompProfile_restricted',
    ]);
  });
  test('privileged runs nothing', () => {
    assert.deepEqual(pssChecksFor('privileged', v('latest')), []);
  });
  test('newer than known evaluates as latest', () => {
    for (const text of ['v1.38', 'v1.50', 'v1.9999999999']) {
      for (const level of ['baseline', 'restricted'] as const) {
        assert.deepEqual(pssChecksFor(level, v(text)), pssChecksFor(level, v('latest')), `${level} ${text}`);
      }
    }
    assert.deepEqual(pssChecksFor('baseline', { major: 2, minor: 0, latest: false }), pssChecksFor('baseline', v('latest')));
  });
  test('malformed version objects evaluate as latest; pre-v1.0 has no checks', () => {
    assert.deepEqual(pssChecksFor('restricted', { major: NaN, minor: 1, latest: false }), pssChecksFor('restricted', v('latest')));
    assert.deepEqual(pssChecksFor('restricted', undefined as any), pssChecksFor('restricted', v('latest')));
    assert.deepEqual(pssChecksFor('restricted', { major: 0, minor: 30, latest: false }), []);
    assert.deepEqual(pssChecksFor('restricted', { major: 1, minor: -1, latest: false }), []);
  });
});

describe('evaluatePss', () => {
  const privilegedPod = {
    metadata: { name: 'p' },
    spec: { containers: [{ name: 'app', image: 'nginx', securityContext: { privileged: true } }] },
  };

  test('privileged level returns nothing; unknown levels return nothing', () => {
    assert.deepEqual(evaluatePss(privilegedPod, 'privileged', v('latest')), []);
    assert.deepEqual(evaluatePss(privilegedPod, 'bogus' as any, v('latest')), []);
  });

  test('violation shape', () => {
    const [violation] = evaluatePss(privilegedPod, 'baseline', v('v1.30'));
    assert.deepEqual(violation, {
      check: 'privileged',
      level: 'baseline',
      reason: 'privileged',
      detail: 'container "app" must not set securityContext.privileged=true',
      locations: [
        {
          path: ['spec', 'containers', 0, 'securityContext', 'privileged'],
          message: 'container "app" sets securityContext.privileged=true',
        },
      ],
    });
  });

  test('restricted violations carry their own level', () => {
    const res = evaluatePss(privilegedPod, 'restricted', v('latest'));
    assert.deepEqual(res.map((r) => [r.check, r.level]), [
      ['privileged', 'baseline'],
      ['allowPrivilegeEscalation', 'restricted'],
      ['capabilities_restricted', 'restricted'],
      ['runAsNonRoot', 'restricted'],
      ['seccompProfile_restricted', 'restricted'],
    ]);
  });

  test('formatPssViolations matches upstream aggregate detail format', () => {
    const res = evaluatePss(
      { spec: { hostPID: true, containers: [{ name: 'a', securityContext: { privileged: true } }] } },
      'baseline',
      v('latest'),
    );
    assert.equal(
      formatPssViolations(res),
      'host namespaces (hostPID=true), privileged (container "a" must not set securityContext.privileged=true)',
    );
  });

  test('annotation values are quoted like Go %q', () => {
    const res = evaluatePss(
      { metadata: { annotations: { 'container.apparmor.security.beta.kubernetes.io/a': 'we"ird\\\n\u0001é' } }, spec: {} },
      'baseline',
      v('latest'),
    );
    assert.equal(
      res[0].detail,
      'annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/a="we\\"ird\\\\\\n\\x01é""',
    );
  });

  test('does not mutate its input', () => {
    const pod = JSON.parse(JSON.stringify(privilegedPod));
    evaluatePss(pod, 'restricted', v('latest'));
    assert.deepEqual(pod, privilegedPod);
  });

  test('workload pod templates ({metadata, spec}) are evaluated the same way', () => {
    const template = { metadata: { labels: { app: 'x' } }, spec: { hostIPC: true, containers: [{ name: 'c' }] } };
    assert.deepEqual(evaluatePss(template, 'baseline', v('latest')).map((r) => r.check), ['hostNamespaces']);
  });

  test('never throws on arbitrary input', () => {
    const weird: unknown[] = [
      undefined, null, 0, 1, -1, NaN, Infinity, '', 'x', true, false, [], [null], [1, 'a'], {}, { a: null },
      Object.create(null), [[[]]], { __proto__: { privileged: true } }, BigInt(0), Symbol('s'), () => 1, new Date(0),
      { length: 3 }, new Map([['a', 1]]),
    ];
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const keys = [
      'metadata', 'annotations', 'spec', 'containers', 'initContainers', 'ephemeralContainers', 'securityContext', 'privileged',
      'capabilities', 'add', 'drop', 'seccompProfile', 'type', 'appArmorProfile', 'seLinuxOptions', 'user', 'role', 'procMount',
      'sysctls', 'name', 'windowsOptions', 'hostProcess', 'volumes', 'hostPath', 'ports', 'hostPort', 'livenessProbe', 'httpGet',
      'host', 'lifecycle', 'postStart', 'tcpSocket', 'os', 'hostUsers', 'runAsNonRoot', 'runAsUser', 'allowPrivilegeEscalation',
      'hostNetwork', 'nfs', 'emptyDir', 'container.apparmor.security.beta.kubernetes.io/x', 'seccomp.security.alpha.kubernetes.io/pod',
    ];
    const gen = (depth: number): unknown => {
      const r = rand(10);
      if (depth > 5 || r < 4) return weird[rand(weird.length)];
      if (r < 6) return Array.from({ length: rand(4) }, () => gen(depth + 1));
      const o: Record<string, unknown> = {};
      for (let i = rand(6); i > 0; i--) o[keys[rand(keys.length)]] = gen(depth + 1);
      return o;
    };
    const versions = ['v1.0', 'v1.8', 'v1.19', 'v1.22', 'v1.25', 'v1.34', 'v1.35', 'latest'].map(v);
    for (let i = 0; i < 3000; i++) {
      const pod: any = rand(3) === 0 ? gen(0) : { metadata: gen(1), spec: gen(1) };
      for (const level of ['baseline', 'restricted'] as const) {
        const res = evaluatePss(pod, level, versions[rand(versions.length)]);
        assert.ok(Array.isArray(res));
        for (const r of res) {
          assert.ok(r.locations.length > 0);
          assert.equal(typeof r.detail, 'string');
        }
      }
    }
    for (const bad of weird) {
      assert.ok(Array.isArray(evaluatePss(bad as any, 'restricted', v('latest'))));
      assert.ok(Array.isArray(evaluatePss({ spec: bad } as any, 'restricted', v('latest'))));
      assert.ok(Array.isArray(evaluatePss({ spec: { containers: [bad] } } as any, 'restricted', v('latest'))));
    }
  });

  test('getters that throw are contained', () => {
    const evil = {
      get metadata(): unknown {
        throw new Error('boom');
      },
      spec: {
        get containers(): unknown {
          throw new Error('boom');
        },
      },
    };
    assert.deepEqual(evaluatePss(evil as any, 'restricted', v('latest')), []);
  });
});
