/** `ignore:` entries in `.k8s-guardrails.yaml`, per-container annotations, expiry and `unused-ignore`. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyze, DEFAULT_SETTINGS, EngineSettings, Finding, WorkspaceIndex } from '../../server/src/engine';
import { parseConfig } from '../../server/src/engine/config';

const CONFIG = '/repo/.k8s-guardrails.yaml';
const NOW = new Date('2027-03-31T12:00:00Z');

function pod(opts: { kind?: string; name?: string; ns?: string; annotations?: Record<string, string>; privileged?: string[]; containers?: string[]; init?: string[] } = {}): string {
  const containers = opts.containers ?? ['agent', 'sidecar'];
  const priv = new Set(opts.privileged ?? containers);
  const c = (n: string) => `      - name: ${n}\n        image: busybox:1.36\n        securityContext:\n          privileged: ${priv.has(n)}\n`;
  const ann = opts.annotations ? `  annotations:\n${Object.entries(opts.annotations).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}\n`).join('')}` : '';
  return `apiVersion: apps/v1\nkind: ${opts.kind ?? 'DaemonSet'}\nmetadata:\n  name: ${opts.name ?? 'cilium'}\n${opts.ns ? `  namespace: ${opts.ns}\n` : ''}${ann}spec:\n  template:\n    spec:\n${opts.init ? `      initContainers:\n${opts.init.map(c).join('')}` : ''}      containers:\n${containers.map(c).join('')}`;
}

const SETTINGS: EngineSettings = { ...structuredClone(DEFAULT_SETTINGS), rules: { 'privileged-container': 'error' } };
SETTINGS.pss.level = 'baseline';

function run(files: Record<string, string>, configText?: string, opts: { now?: Date; includeSuppressed?: boolean } = {}) {
  const ws = new WorkspaceIndex();
  for (const [name, text] of Object.entries(files)) ws.set('/repo/' + name, text);
  const parsed = configText !== undefined ? parseConfig(CONFIG, configText) : undefined;
  assert.deepEqual(parsed?.errors ?? [], []);
  const result = analyze(ws, SETTINGS, {
    now: opts.now ?? NOW,
    includeSuppressed: opts.includeSuppressed,
    configIgnores: parsed && { uri: CONFIG, entries: parsed.config.ignores, relativePath: (u) => u.replace('/repo/', '') },
  });
  const all: Finding[] = [];
  for (const list of result.findings.values()) all.push(...list);
  const priv = all.filter((f) => f.rule === 'privileged-container');
  return { all, priv, unused: all.filter((f) => f.rule === 'unused-ignore') };
}

const containerOf = (f: Finding) => {
  const p = f.path!;
  const i = p.indexOf('containers') >= 0 ? p.indexOf('containers') : p.indexOf('initContainers');
  return (f.resource!.object.spec.template.spec[p[i] as string] as { name: string }[])[p[i + 1] as number].name;
};

test('no ignores: both containers reported, findings carry the field path', () => {
  const { priv } = run({ 'ds.yaml': pod() });
  assert.equal(priv.length, 2);
  assert.deepEqual(priv.map(containerOf).sort(), ['agent', 'sidecar']);
});

test('config ignore by rule id suppresses; includeSuppressed marks it by config', () => {
  const cfg = 'ignore:\n  - rule: privileged-container\n    reason: reviewed\n';
  assert.equal(run({ 'ds.yaml': pod() }, cfg).priv.length, 0);
  const r = run({ 'ds.yaml': pod() }, cfg, { includeSuppressed: true });
  assert.equal(r.priv.length, 2);
  for (const f of r.priv) assert.deepEqual(f.suppressed, { by: 'config', reason: 'reviewed' });
  assert.equal(r.unused.length, 0);
});

test('rule globs: "privileged-*" and "*"', () => {
  assert.equal(run({ 'ds.yaml': pod() }, 'ignore:\n  - rule: "privileged-*"\n    reason: r\n').priv.length, 0);
  assert.equal(run({ 'ds.yaml': pod() }, 'ignore:\n  - rule: "*"\n    reason: r\n').all.filter((f) => !f.rule.includes('ignore')).length, 0);
});

for (const [sel, match, miss] of [
  ['kind: DaemonSet', pod(), pod({ kind: 'Deployment' })],
  ['kind: "Daemon*"', pod(), pod({ kind: 'Deployment' })],
  ['namespace: kube-system', pod({ ns: 'kube-system' }), pod({ ns: 'shop' })],
  ['namespace: "kube-*"', pod({ ns: 'kube-public' }), pod()],
  ['namespace: default', pod(), pod({ ns: 'kube-system' })],
  ['name: "cilium*"', pod({ name: 'cilium-node' }), pod({ name: 'calico' })],
  ['name: cilium', pod(), pod({ name: 'cilium2' })],
] as const) {
  test(`selector ${sel}: narrows the match (the other resource is still reported)`, () => {
    const r = run({ 'a.yaml': match, 'b.yaml': miss }, `ignore:\n  - rule: privileged-container\n    ${sel}\n    reason: r\n`);
    assert.deepEqual([...new Set(r.priv.map((f) => f.uri))], ['/repo/b.yaml']);
    assert.equal(r.unused.length, 0);
  });
}

test('path selector: glob relative to the config file; ** crosses directories, * does not', () => {
  const files = { 'vendor/cni/ds.yaml': pod(), 'vendor/ds.yaml': pod(), 'apps/ds.yaml': pod() };
  let r = run(files, 'ignore:\n  - rule: privileged-container\n    path: "vendor/**"\n    reason: r\n');
  assert.deepEqual([...new Set(r.priv.map((f) => f.uri))], ['/repo/apps/ds.yaml']);
  r = run(files, 'ignore:\n  - rule: privileged-container\n    path: "vendor/*.yaml"\n    reason: r\n');
  assert.deepEqual([...new Set(r.priv.map((f) => f.uri))].sort(), ['/repo/apps/ds.yaml', '/repo/vendor/cni/ds.yaml']);
  r = run(files, 'ignore:\n  - rule: privileged-container\n    path: "**/ds.yaml"\n    reason: r\n');
  assert.equal(r.priv.length, 0);
});

test('container selector: only that container is ignored, the other is still reported (init containers too)', () => {
  let r = run({ 'ds.yaml': pod() }, 'ignore:\n  - rule: privileged-container\n    container: agent\n    reason: r\n');
  assert.deepEqual(r.priv.map(containerOf), ['sidecar']);
  r = run({ 'ds.yaml': pod({ init: ['setup'], containers: ['app'], privileged: ['setup', 'app'] }) }, 'ignore:\n  - rule: privileged-container\n    container: "set*"\n    reason: r\n');
  assert.deepEqual(r.priv.map(containerOf), ['app']);
});

test('per-container annotation: ignore.k8s-guardrails.io/<rule>.<container>', () => {
  const r = run({ 'ds.yaml': pod({ annotations: { 'ignore.k8s-guardrails.io/privileged-container.agent': 'CNI agent' } }) }, undefined, { includeSuppressed: true });
  const byName = Object.fromEntries(r.priv.map((f) => [containerOf(f), f.suppressed]));
  assert.deepEqual(byName, { agent: { by: 'annotation', reason: 'CNI agent' }, sidecar: undefined });
  assert.equal(r.all.filter((f) => f.rule === 'ignore-without-reason').length, 0, 'the container form is a valid key');
  assert.equal(r.unused.length, 0);
});

test('expires: applies through that day, then the finding returns and says so', () => {
  const cfg = 'ignore:\n  - rule: privileged-container\n    reason: r\n    expires: 2027-03-31\n';
  assert.equal(run({ 'ds.yaml': pod() }, cfg, { now: new Date('2027-03-31T23:59:00Z') }).priv.length, 0);
  const r = run({ 'ds.yaml': pod() }, cfg, { now: new Date('2027-04-01T00:00:01Z') });
  assert.equal(r.priv.length, 2);
  for (const f of r.priv) {
    assert.match(f.message, /expired on 2027-03-31/);
    assert.equal(f.suppressed, undefined);
  }
  assert.equal(r.unused.length, 0, 'an expired entry that matches is not also "unused"');
  // A quoted date works the same.
  assert.equal(run({ 'ds.yaml': pod() }, cfg.replace('2027-03-31', '"2027-03-31"'), { now: new Date('2027-04-02T00:00:00Z') }).priv.length, 2);
});

test('unused-ignore: a config entry that suppresses nothing, on its line of the config file', () => {
  const cfg = 'ignore:\n  - rule: privileged-container\n    reason: used\n  - rule: privileged-container\n    kind: Deployment\n    reason: nothing matches\n';
  const r = run({ 'ds.yaml': pod() }, cfg);
  assert.equal(r.unused.length, 1);
  assert.equal(r.unused[0].uri, CONFIG);
  assert.equal(r.unused[0].range.start.line, 3);
  assert.equal(r.unused[0].severity, 'warning');
  assert.match(r.unused[0].message, /privileged-container/);
});

test('unused-ignore: not reported for an entry whose rules are all turned off, nor when only some files are analysed', () => {
  const cfg = 'ignore:\n  - rule: image-latest-tag\n    reason: r\n';
  const ws = new WorkspaceIndex();
  ws.set('/repo/ds.yaml', pod());
  const entries = parseConfig(CONFIG, cfg).config.ignores;
  const off = { ...SETTINGS, rules: { ...SETTINGS.rules, 'image-latest-tag': 'off' as const } };
  const a = analyze(ws, off, { configIgnores: { uri: CONFIG, entries } });
  assert.equal(a.findings.get(CONFIG)?.length ?? 0, 0);
  const b = analyze(ws, SETTINGS, { uris: ['/repo/ds.yaml'], configIgnores: { uri: CONFIG, entries } });
  assert.equal(b.findings.get(CONFIG), undefined);
  const c = analyze(ws, SETTINGS, { configIgnores: { uri: CONFIG, entries } });
  assert.equal(c.findings.get(CONFIG)?.length, 1);
});

test('unused-ignore: a stale annotation (whole resource, and per container)', () => {
  const r = run({
    'ds.yaml': pod({
      privileged: ['agent'],
      annotations: {
        'ignore.k8s-guardrails.io/privileged-container.agent': 'used',
        'ignore.k8s-guardrails.io/privileged-container.sidecar': 'stale: sidecar is not privileged',
        'ignore.k8s-guardrails.io/host-namespaces': 'stale',
      },
    }),
  });
  assert.equal(r.priv.length, 0);
  assert.deepEqual(r.unused.map((f) => f.message.match(/ignore\.k8s-guardrails\.io\/\S+/)![0]).sort(), [
    'ignore.k8s-guardrails.io/host-namespaces',
    'ignore.k8s-guardrails.io/privileged-container.sidecar',
  ]);
  for (const f of r.unused) assert.equal(f.uri, '/repo/ds.yaml');
  assert.ok(r.unused.every((f) => f.range.start.line >= 5 && f.range.start.line <= 7));
});

test('config errors: unknown rule with did-you-mean, glob matching nothing, missing reason, unknown key, bad date', () => {
  const text = [
    'ignore:',
    '  - rule: privileged-containr', // 1
    '    reason: r',
    '  - rule: "nothing-*"', // 3
    '    reason: r',
    '  - rule: host-ports', // 5
    '  - rule: host-ports',
    '    reason: r',
    '    kinds: Pod', // 8
    '  - rule: host-ports',
    '    reason: r',
    '    expires: 2027-02-30', // 11
    '  - rule: host-ports',
    '    reason: r',
    '    expires: next week', // 14
    '  - just a string', // 15
  ].join('\n');
  const { errors, config } = parseConfig(CONFIG, text);
  const got = errors.map((e) => [e.range.start.line, e.message]);
  const at = (line: number, re: RegExp) => assert.ok(got.some(([l, m]) => l === line && re.test(m as string)), `line ${line} ${re}: ${JSON.stringify(got)}`);
  at(1, /unknown rule "privileged-containr" \(did you mean "privileged-container"\?\)/);
  at(3, /"nothing-\*".*matches no rule/);
  at(5, /without a reason/);
  at(8, /unknown key "kinds".*did you mean "kind"/);
  at(11, /invalid date "?2027-02-30/);
  at(14, /invalid date "next week"/);
  at(15, /must be a mapping/);
  assert.equal(errors.length, 7);
  assert.equal(config.ignores.length, 0);
});

test('schemas/k8s-guardrails-config.schema.json accepts a full config and rejects an entry without a reason or with an unknown key', () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const Ajv = require('ajv').default;
  const fs = require('node:fs') as typeof import('node:fs');
  const path = require('node:path') as typeof import('node:path');
  const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../schemas/k8s-guardrails-config.schema.json'), 'utf8'));
  const validate = new Ajv({ strict: false }).compile(schema);
  const entry = { rule: 'privileged-container', kind: 'DaemonSet', namespace: 'kube-system', name: 'cilium*', container: 'cilium-agent', path: 'vendor/**', reason: 'r', expires: '2027-03-31' };
  assert.ok(validate({ pss: { level: 'baseline' }, rules: { 'image-latest-tag': 'off' }, paths: { ignore: ['charts/**'] }, ignore: [entry] }), JSON.stringify(validate.errors));
  assert.ok(!validate({ ignore: [{ rule: 'privileged-container' }] }));
  assert.ok(!validate({ ignore: [{ ...entry, kinds: 'Pod' }] }));
  assert.ok(!validate({ ignore: [{ ...entry, expires: 'next week' }] }));
  assert.ok(validate({ kustomize: { enabled: false, timeoutSeconds: 30 } }), JSON.stringify(validate.errors));
  assert.ok(!validate({ kustomize: { command: '/usr/bin/evil' } }), 'the command is a machine setting, not a repository one');
  // The schema and the parser know the same keys.
  const { parseConfig } = require('../../server/src/engine/config') as typeof import('../../server/src/engine/config');
  for (const key of Object.keys(schema.properties)) {
    const parsed = parseConfig('file:///c.yaml', `${key}: {}\n`);
    assert.ok(!parsed.errors.some((e) => /unknown key/.test(e.message)), `${key}: ${JSON.stringify(parsed.errors)}`);
  }
  // And VS Code hands it to Red Hat YAML for completion in the config file.
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8'));
  assert.deepEqual(pkg.contributes.yamlValidation, [{ fileMatch: ['.k8s-guardrails.yaml', '.k8s-guardrails.yml'], url: './schemas/k8s-guardrails-config.schema.json' }]);
});
