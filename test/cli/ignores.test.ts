/** `ignore:` entries in the configuration file, through the CLI: suppression, expiry, unused entries, errors (exit 2) and SARIF. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { REPO } from '../helpers/lsp-client';
import { scan } from '../../server/src/cli/scan';
import { UsageError } from '../../server/src/cli/errors';
import { BIN, tmpTree } from '../helpers/cli';


interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function scanIn(cwd: string, args: string[], now?: Date): Promise<Run> {
  let stdout = '';
  let stderr = '';
  let code: number;
  try {
    code = await scan(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), readStdin: async () => '', isTTY: false, cwd, now });
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    stderr += `k8s-guardrails: ${e.message}\n`;
    code = 2;
  }
  return { code, stdout, stderr };
}

const tmp = (files: Record<string, string>): string => tmpTree(files, 'k8s-guardrails-ignores-');

const DS = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: cilium
  namespace: kube-system
spec:
  template:
    spec:
      containers:
      - name: cilium-agent
        image: cilium:1.15
        securityContext:
          privileged: true
      - name: sidecar
        image: busybox:1.36
        securityContext:
          privileged: true
`;

const CONFIG = `pss:
  level: baseline
ignore:
  - rule: privileged-container
    kind: DaemonSet
    namespace: kube-system
    name: "cilium*"
    container: cilium-agent
    path: "vendor/**"
    reason: "CNI agent needs host access; reviewed by platform security"
    expires: 2027-03-31
`;

const json = (r: Run) => JSON.parse(r.stdout) as { findings: any[] };
const NOW = new Date('2027-01-01T00:00:00Z');

test('config ignore: only the selected container is suppressed; --include-suppressed marks it by config', async () => {
  const dir = tmp({ '.k8s-guardrails.yaml': CONFIG, 'vendor/cilium/ds.yaml': DS });
  let r = await scanIn(dir, ['--format', 'json', 'vendor'], NOW);
  assert.equal(r.code, 1, r.stderr);
  let priv = json(r).findings.filter((f) => f.rule === 'privileged-container');
  assert.equal(priv.length, 1, r.stdout);
  assert.equal(priv[0].range.start.line, 16, 'the sidecar is still reported');
  assert.equal(json(r).findings.filter((f) => f.rule === 'unused-ignore').length, 0);
  r = await scanIn(dir, ['--format', 'json', '--include-suppressed', 'vendor'], NOW);
  priv = json(r).findings.filter((f) => f.rule === 'privileged-container');
  assert.deepEqual(priv.map((f) => f.suppressed), [{ by: 'config', reason: 'CNI agent needs host access; reviewed by platform security' }, undefined]);
});

test('config ignore: path selector is relative to the config file (files elsewhere still reported)', async () => {
  const dir = tmp({ '.k8s-guardrails.yaml': CONFIG, 'vendor/ds.yaml': DS, 'apps/ds.yaml': DS });
  const r = await scanIn(dir, ['--format', 'json', '.'], NOW);
  const priv = json(r).findings.filter((f) => f.rule === 'privileged-container');
  assert.deepEqual(priv.map((f) => path.relative(dir, path.resolve(dir, f.file))).sort(), ['apps/ds.yaml', 'apps/ds.yaml', 'vendor/ds.yaml']);
});

test('expired ignore: the finding returns and says the ignore expired (fixed clock)', async () => {
  const dir = tmp({ '.k8s-guardrails.yaml': CONFIG, 'vendor/ds.yaml': DS });
  const r = await scanIn(dir, ['--format', 'json', 'vendor'], new Date('2027-04-01T08:00:00Z'));
  assert.equal(r.code, 1);
  const priv = json(r).findings.filter((f) => f.rule === 'privileged-container');
  assert.equal(priv.length, 2);
  assert.match(priv[0].message, /ignore in the configuration file expired on 2027-03-31/);
  assert.equal(json(r).findings.filter((f) => f.rule === 'unused-ignore').length, 0);
});

test('unused config entry: an unused-ignore finding on the config file, on the entry line; it fails the scan', async () => {
  const dir = tmp({ '.k8s-guardrails.yaml': CONFIG, 'apps/ds.yaml': DS.replace(/privileged: true/g, 'privileged: false') });
  const r = await scanIn(dir, ['--format', 'json', 'apps'], NOW);
  assert.equal(r.code, 1, r.stdout);
  const unused = json(r).findings.filter((f) => f.rule === 'unused-ignore');
  assert.equal(unused.length, 1, r.stdout);
  assert.equal(unused[0].file, '.k8s-guardrails.yaml');
  assert.equal(unused[0].range.start.line, 3);
  const text = await scanIn(dir, ['apps'], NOW);
  assert.match(text.stdout, /^\.k8s-guardrails\.yaml\n {2}4:\d+ +warning +.*  unused-ignore$/m);
});

test('stale annotation: unused-ignore on the annotation', async () => {
  const stale = DS.replace('  namespace: kube-system\n', '  namespace: kube-system\n  annotations:\n    ignore.k8s-guardrails.io/host-ports: "not used any more"\n');
  const dir = tmp({ 'ds.yaml': stale });
  const r = await scanIn(dir, ['--format', 'json', '--no-config', '--pss-level', 'baseline', 'ds.yaml'], NOW);
  const unused = json(r).findings.filter((f) => f.rule === 'unused-ignore');
  assert.equal(unused.length, 1, r.stdout);
  assert.equal(unused[0].range.start.line, 6);
});

test('config errors: exit 2 naming the file, line and value, with did-you-mean (real process)', () => {
  const bad = 'ignore:\n  - rule: privileged-containr\n    reason: r\n  - rule: host-ports\n  - rule: host-ports\n    reason: r\n    expires: 31/03/2027\n    nmae: x\n';
  const dir = tmp({ '.k8s-guardrails.yaml': bad, 'ds.yaml': DS });
  const r = spawnSync(process.execPath, [BIN, 'scan', 'ds.yaml'], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /invalid configuration file '\.k8s-guardrails\.yaml' \(4 errors\)/);
  assert.match(r.stderr, /\.k8s-guardrails\.yaml:2:\d+: unknown rule "privileged-containr" \(did you mean "privileged-container"\?\)/);
  assert.match(r.stderr, /\.k8s-guardrails\.yaml:4:\d+: ignore entry for "host-ports" without a reason/);
  assert.match(r.stderr, /\.k8s-guardrails\.yaml:7:\d+: invalid date "31\/03\/2027"/);
  assert.match(r.stderr, /\.k8s-guardrails\.yaml:8:\d+: unknown key "nmae" in ignore entry \(did you mean "name"\?\)/);
  assert.equal(r.stdout, '');
});

const SARIF_SCHEMA = JSON.parse(fs.readFileSync(path.join(REPO, 'test/cli/sarif-schema-2.1.0.json'), 'utf8'));

test('sarif: suppressed results only with --include-suppressed; config suppressions are "external", annotation ones "inSource"; valid against SARIF 2.1.0', async () => {
  const annotated = DS.replace('name: cilium\n', 'name: other\n').replace('  namespace: kube-system\n', '  namespace: kube-system\n  annotations:\n    ignore.k8s-guardrails.io/privileged-container: "reviewed"\n');
  const dir = tmp({ '.k8s-guardrails.yaml': CONFIG + '  - rule: host-ports\n    reason: unused\n', 'vendor/ds.yaml': DS, 'vendor/other.yaml': annotated });
  const r = await scanIn(dir, ['--format', 'sarif', 'vendor', '--include-suppressed'], NOW);
  assert.equal(r.code, 1, r.stderr);
  const log: any = JSON.parse(r.stdout);
  // Without --include-suppressed the suppressed results are left out; the others are the same, fingerprints included.
  const plain: any[] = JSON.parse((await scanIn(dir, ['--format', 'sarif', 'vendor'], NOW)).stdout).runs[0].results;
  assert.deepEqual(plain, log.runs[0].results.filter((x: any) => !x.suppressions));
  const ajv = new Ajv2020({
    allErrors: true,
    strict: false,
    formats: {
      uri: (s: string) => /^[a-z][a-z0-9+.-]*:[^\s<>"{}|\\^`]*$/i.test(s),
      'uri-reference': (s: string) => /^[^\s<>"{}|\\^`]*$/.test(s),
      'date-time': (s: string) => !Number.isNaN(Date.parse(s)),
      uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    },
  });
  const validate = ajv.compile(SARIF_SCHEMA);
  const valid: boolean = validate(log as object);
  assert.ok(valid, JSON.stringify(validate.errors, null, 2));
  const results: any[] = log.runs[0].results;
  const kinds = results.filter((x) => x.suppressions).map((x) => x.suppressions[0].kind).sort();
  assert.deepEqual(kinds, ['external', 'inSource', 'inSource']);
  const ext = results.find((x) => x.suppressions?.[0].kind === 'external');
  assert.equal(ext.suppressions[0].justification, 'CNI agent needs host access; reviewed by platform security');
  const unused = results.filter((x) => x.ruleId === 'unused-ignore');
  assert.equal(unused.length, 1);
  assert.equal(unused[0].locations[0].physicalLocation.artifactLocation.uri, '.k8s-guardrails.yaml');
  assert.equal(unused[0].locations[0].physicalLocation.region.startLine, 12);
});
