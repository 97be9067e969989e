/**
 * Severity follows the lowest level a field violates: a field that a baseline check forbids is reported
 * by the baseline rule, with its severity, also where Pod Security Admission reports it under the
 * restricted check that overrides the baseline one (restrictedVolumes, capabilities_restricted,
 * seccompProfile_restricted, procMount_restricted). Truth tables per level, version, rule setting and mode.
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyze, DEFAULT_SETTINGS, RULES, WorkspaceIndex } from '../../../server/src/engine';
import type { EngineSettings, RuleSetting } from '../../../server/src/engine/rules/types';
import { evaluatePss, parsePssVersion } from '../../../server/src/engine/pss';

const PSS_RULES = new Set(RULES.filter((r) => r.family === 'pss').map((r) => r.id));

/** A pod that passes restricted (latest), with `change` applied to it. */
function pod(change: (spec: any) => void, namespace?: string): any {
  const spec: any = {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{ name: 'app', image: 'app:1.0', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
  };
  change(spec);
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', ...(namespace ? { namespace } : {}) }, spec };
}

/** The PSS findings as `path rule severity pss.check`, sorted. */
function pssFindings(docs: any[], pss: Partial<EngineSettings['pss']> = {}, rules: Record<string, RuleSetting> = {}): string[] {
  const ws = new WorkspaceIndex();
  ws.set('mem:/t.yaml', docs.map((d) => JSON.stringify(d)).join('\n---\n'));
  const settings = structuredClone(DEFAULT_SETTINGS);
  Object.assign(settings.pss, pss);
  Object.assign(settings.rules, rules);
  return [...analyze(ws, settings).findings.values()]
    .flat()
    .filter((f) => PSS_RULES.has(f.rule))
    .map((f) => `${(f.path ?? []).join('.')} ${f.rule} ${f.severity} ${f.pss?.check}`)
    .sort();
}

const HOST_PATH = pod((s) => (s.volumes = [{ name: 'host', hostPath: { path: '/var/log' } }, { name: 'share', nfs: { server: 'nfs', path: '/x' } }, { name: 'tmp', emptyDir: {} }]));
const CAPS = pod((s) => {
  s.containers[0].securityContext.capabilities.add = ['SYS_ADMIN', 'CHOWN', 'NET_BIND_SERVICE'];
  s.containers.push({ name: 'side', image: 'side:1.0', securityContext: { allowPrivilegeEscalation: false } });
});
const SECCOMP = pod((s) => {
  delete s.securityContext.seccompProfile;
  s.containers[0].securityContext.seccompProfile = { type: 'Unconfined' };
  s.containers.push({ name: 'side', image: 'side:1.0', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } });
});
const UNMASKED = pod((s) => (s.containers[0].securityContext.procMount = 'Unmasked'));
const UNMASKED_USERNS = pod((s) => {
  s.hostUsers = false;
  s.containers[0].securityContext.procMount = 'Unmasked';
});

const C0 = 'spec.containers.0.securityContext';
const C1 = 'spec.containers.1.securityContext';

describe('severity follows the lowest level a field violates', () => {
  const table: [name: string, doc: any, pss: Partial<EngineSettings['pss']>, rules: Record<string, RuleSetting>, expected: string[]][] = [
    // hostPathVolumes / restrictedVolumes
    ['hostPath, restricted', HOST_PATH, {}, {}, [
      'spec.volumes.0.hostPath host-path-volumes error restrictedVolumes',
      'spec.volumes.1.nfs restricted-volume-types warning restrictedVolumes',
    ]],
    ['hostPath, baseline', HOST_PATH, { level: 'baseline' }, {}, ['spec.volumes.0.hostPath host-path-volumes error hostPathVolumes']],
    ['hostPath, restricted, restricted-volume-types off', HOST_PATH, {}, { 'restricted-volume-types': 'off' }, [
      'spec.volumes.0.hostPath host-path-volumes error restrictedVolumes',
    ]],
    ['hostPath, restricted, host-path-volumes off', HOST_PATH, {}, { 'host-path-volumes': 'off' }, [
      'spec.volumes.1.nfs restricted-volume-types warning restrictedVolumes',
    ]],
    ['hostPath, restricted, host-path-volumes at warning', HOST_PATH, {}, { 'host-path-volumes': 'warning' }, [
      'spec.volumes.0.hostPath host-path-volumes warning restrictedVolumes',
      'spec.volumes.1.nfs restricted-volume-types warning restrictedVolumes',
    ]],
    ['hostPath, restricted, restricted-volume-types at error', HOST_PATH, {}, { 'restricted-volume-types': 'error' }, [
      'spec.volumes.0.hostPath host-path-volumes error restrictedVolumes',
      'spec.volumes.1.nfs restricted-volume-types error restrictedVolumes',
    ]],
    // capabilities_baseline / capabilities_restricted (from v1.22)
    ['capabilities, restricted', CAPS, {}, {}, [
      `${C0}.capabilities.add.0 capabilities-baseline error capabilities_restricted`,
      `${C0}.capabilities.add.1 capabilities-restricted warning capabilities_restricted`,
      `${C1}.capabilities.drop capabilities-restricted warning capabilities_restricted`,
    ]],
    ['capabilities, baseline', CAPS, { level: 'baseline' }, {}, [`${C0}.capabilities.add.0 capabilities-baseline error capabilities_baseline`]],
    ['capabilities, restricted v1.21 (no override yet)', CAPS, { version: 'v1.21' }, {}, [
      `${C0}.capabilities.add.0 capabilities-baseline error capabilities_baseline`,
    ]],
    ['capabilities, restricted, capabilities-restricted off', CAPS, {}, { 'capabilities-restricted': 'off' }, [
      `${C0}.capabilities.add.0 capabilities-baseline error capabilities_restricted`,
    ]],
    ['capabilities, restricted, capabilities-baseline off', CAPS, {}, { 'capabilities-baseline': 'off' }, [
      `${C0}.capabilities.add.1 capabilities-restricted warning capabilities_restricted`,
      `${C1}.capabilities.drop capabilities-restricted warning capabilities_restricted`,
    ]],
    // seccompProfile_baseline / seccompProfile_restricted (from v1.19)
    ['seccomp, restricted', SECCOMP, {}, {}, [
      `${C0}.seccompProfile.type seccomp-unconfined error seccompProfile_restricted`,
      `${C1}.seccompProfile seccomp-profile-missing warning seccompProfile_restricted`,
    ]],
    ['seccomp, baseline', SECCOMP, { level: 'baseline' }, {}, [`${C0}.seccompProfile.type seccomp-unconfined error seccompProfile_baseline`]],
    ['seccomp, restricted, seccomp-profile-missing off: Unconfined still reported', SECCOMP, {}, { 'seccomp-profile-missing': 'off' }, [
      `${C0}.seccompProfile.type seccomp-unconfined error seccompProfile_restricted`,
    ]],
    ['seccomp, restricted, seccomp-unconfined off', SECCOMP, {}, { 'seccomp-unconfined': 'off' }, [
      `${C1}.seccompProfile seccomp-profile-missing warning seccompProfile_restricted`,
    ]],
    // procMount / procMount_restricted (from v1.35; baseline allows Unmasked in a user namespace from v1.35)
    ['Unmasked, restricted', UNMASKED, {}, {}, [`${C0}.procMount proc-mount error procMount_restricted`]],
    ['Unmasked, baseline', UNMASKED, { level: 'baseline' }, {}, [`${C0}.procMount proc-mount error procMount`]],
    ['Unmasked, restricted v1.34 (no override yet)', UNMASKED, { version: 'v1.34' }, {}, [`${C0}.procMount proc-mount error procMount`]],
    ['Unmasked, restricted, proc-mount-restricted off', UNMASKED, {}, { 'proc-mount-restricted': 'off' }, [`${C0}.procMount proc-mount error procMount_restricted`]],
    ['Unmasked, restricted, proc-mount off', UNMASKED, {}, { 'proc-mount': 'off' }, []],
    ['Unmasked in a user namespace, restricted (baseline allows it)', UNMASKED_USERNS, {}, {}, [
      `${C0}.procMount proc-mount-restricted warning procMount_restricted`,
    ]],
    ['Unmasked in a user namespace, baseline', UNMASKED_USERNS, { level: 'baseline' }, {}, []],
    ['Unmasked in a user namespace, restricted, proc-mount off', UNMASKED_USERNS, {}, { 'proc-mount': 'off' }, [
      `${C0}.procMount proc-mount-restricted warning procMount_restricted`,
    ]],
  ];
  for (const [name, doc, pss, rules, expected] of table) {
    test(name, () => assert.deepEqual(pssFindings([doc], pss, rules), [...expected].sort()));
  }
});

describe('a field is reported once across enforce/warn modes', () => {
  const ns = (name: string, labels: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
  const withNs = (doc: any) => ({ ...doc, metadata: { ...doc.metadata, namespace: 'shop' } });
  const enforceBaselineWarnRestricted = ns('shop', { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'restricted' });
  const enforceRestrictedWarnBaseline = ns('shop', { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'baseline' });

  test('enforce baseline, warn restricted: hostPath once, at enforce', () => {
    assert.deepEqual(pssFindings([enforceBaselineWarnRestricted, withNs(HOST_PATH)]), [
      'spec.volumes.0.hostPath host-path-volumes error hostPathVolumes',
      'spec.volumes.1.nfs restricted-volume-types warning restrictedVolumes',
    ]);
  });
  test('enforce restricted, warn baseline: hostPath once, at enforce', () => {
    assert.deepEqual(pssFindings([enforceRestrictedWarnBaseline, withNs(HOST_PATH)]), [
      'spec.volumes.0.hostPath host-path-volumes error restrictedVolumes',
      'spec.volumes.1.nfs restricted-volume-types warning restrictedVolumes',
    ]);
  });
  test('enforce baseline, warn restricted: an added SYS_ADMIN once, at enforce', () => {
    assert.deepEqual(pssFindings([enforceBaselineWarnRestricted, withNs(CAPS)]), [
      `${C0}.capabilities.add.0 capabilities-baseline error capabilities_baseline`,
      `${C0}.capabilities.add.1 capabilities-restricted warning capabilities_restricted`,
      `${C1}.capabilities.drop capabilities-restricted warning capabilities_restricted`,
    ]);
  });
  test('enforce baseline v1.34, warn restricted latest: an Unmasked /proc in a user namespace is only restricted', () => {
    const labels = { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.34', 'pod-security.kubernetes.io/warn': 'restricted' };
    assert.deepEqual(pssFindings([ns('shop', labels), withNs(UNMASKED_USERNS)]), [
      `${C0}.procMount proc-mount error procMount`,
    ]);
  });
});

test('the finding of a baseline field under a restricted check offers the baseline rule\'s fix', () => {
  const ws = new WorkspaceIndex();
  ws.set('mem:/t.yaml', JSON.stringify(SECCOMP));
  const f = [...analyze(ws, DEFAULT_SETTINGS).findings.values()].flat().find((x) => x.rule === 'seccomp-unconfined');
  assert.ok(f?.fixes);
  assert.deepEqual(f.fixes({ fixAllOnly: true }).map((x) => x.title), ['Use RuntimeDefault']);
});

describe('evaluatePss marks the fields an overridden baseline check forbids too', () => {
  const latest = parsePssVersion('latest')!;
  const marks = (doc: any, level: 'baseline' | 'restricted') =>
    evaluatePss(doc, level, latest).flatMap((v) => v.locations.map((l) => `${v.check} ${l.path.join('.')} ${l.baselineCheck ?? '-'}`));
  test('restricted', () => {
    assert.deepEqual(marks(HOST_PATH, 'restricted'), ['restrictedVolumes spec.volumes.0.hostPath hostPathVolumes', 'restrictedVolumes spec.volumes.1.nfs -']);
    assert.deepEqual(marks(SECCOMP, 'restricted'), [
      `seccompProfile_restricted ${C0}.seccompProfile.type seccompProfile_baseline`,
      `seccompProfile_restricted ${C1}.seccompProfile -`,
    ]);
    assert.deepEqual(marks(UNMASKED_USERNS, 'restricted'), [`procMount_restricted ${C0}.procMount -`]);
  });
  test('baseline: no marks', () => {
    assert.deepEqual(marks(HOST_PATH, 'baseline'), ['hostPathVolumes spec.volumes.0.hostPath -']);
  });
});
