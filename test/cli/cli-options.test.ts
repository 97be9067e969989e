/**
 * `k8s-guardrails scan` for CI: formats (text, JSON, SARIF validated against
 * the official 2.1.0 schema), exit codes and --fail-on, the configuration
 * file, --enable/--disable, bad input, globs and stdin. Most cases run the
 * command in-process (fast); the process-level ones spawn the built CLI.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { REPO } from '../helpers/lsp-client';
import { scan } from '../../server/src/cli/scan';
import { UsageError } from '../../server/src/cli/errors';
import { BIN, tmpTree, PRIVILEGED_POD } from '../helpers/cli';


interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The scan command in-process, with the exit status main.ts would give. */
async function scanIn(cwd: string, args: string[], stdin: string | Buffer = ''): Promise<Run> {
  let stdout = '';
  let stderr = '';
  let code: number;
  try {
    code = await scan(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), readStdin: async () => stdin, isTTY: false, cwd });
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    stderr += `k8s-guardrails: ${e.message}\n`;
    code = 2;
  }
  return { code, stdout, stderr };
}

function spawnCli(cwd: string, args: string[], input?: string | Buffer, env: NodeJS.ProcessEnv = {}): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', cwd, env: { ...process.env, ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const tmp = (files: Record<string, string | Buffer>): string => tmpTree(files, 'k8s-guardrails-cli-');


/** Restricted-compliant, with limits, a pinned image and its own ServiceAccount: only cross-file rules may report. */
const CLEAN = `apiVersion: v1
kind: Pod
metadata:
  name: clean
  namespace: ops
spec:
  serviceAccountName: clean
  automountServiceAccountToken: false
  securityContext:
    runAsNonRoot: true
    seccompProfile: {type: RuntimeDefault}
  containers:
  - name: app
    image: registry.example/app:1.2.3@sha256:0000000000000000000000000000000000000000000000000000000000000000
    resources:
      requests: {cpu: 100m, memory: 64Mi}
      limits: {cpu: 200m, memory: 128Mi}
    securityContext:
      allowPrivilegeEscalation: false
      readOnlyRootFilesystem: true
      capabilities: {drop: [ALL]}
`;

const SUPPRESSED = PRIVILEGED_POD.replace('  namespace: ops\n', '  namespace: ops\n  annotations:\n    ignore.k8s-guardrails.io/privileged-container: "node agent, reviewed by platform security"\n');

function json(r: Run): { version: number; findings: any[] } {
  try {
    return JSON.parse(r.stdout);
  } catch {
    assert.fail(`not JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
}

// ---------------------------------------------------------------- formats

test('text: findings grouped under their file, then a summary line; no colour when not a TTY', async () => {
  const dir = tmp({ 'pod.yaml': PRIVILEGED_POD });
  const r = await scanIn(dir, ['pod.yaml', '--pss-level', 'baseline']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^pod\.yaml\n(.*\n)* {2}11:19 +error +.*  privileged-container$/m);
  assert.match(r.stdout, /\n\n✖ \d+ problems? \(\d+ errors?, \d+ warnings?, \d+ info\) in 1 file of 1 scanned\.\n$/);
  assert.doesNotMatch(r.stdout, /\x1b\[/);
  // The one-line-per-finding shape stays available.
  const c = await scanIn(dir, ['pod.yaml', '--pss-level', 'baseline', '--format', 'compact']);
  assert.match(c.stdout, /^pod\.yaml:11:19: error privileged-container /m);
});

test('text: colour on a TTY, none with NO_COLOR', async () => {
  const dir = tmp({ 'pod.yaml': PRIVILEGED_POD });
  let out = '';
  await scan(['pod.yaml'], { stdout: (s) => (out += s), stderr: () => {}, readStdin: async () => '', isTTY: true, cwd: dir });
  assert.match(out, /\x1b\[31merror\x1b\[0m/);
  // The process decides: NO_COLOR set → no colour (stdout is a pipe here anyway).
  const r = spawnCli(dir, ['scan', 'pod.yaml'], undefined, { NO_COLOR: '1' });
  assert.doesNotMatch(r.stdout, /\x1b\[/);
});

test('json: the version 1 contract, unchanged', async () => {
  const dir = tmp({ 'pod.yaml': PRIVILEGED_POD });
  const r = await scanIn(dir, ['--format', 'json', '--pss-level', 'baseline', 'pod.yaml']);
  assert.equal(r.code, 1);
  const out = json(r);
  assert.deepEqual(Object.keys(out), ['version', 'findings']);
  const f = out.findings.find((x) => x.rule === 'privileged-container');
  assert.deepEqual(f, {
    rule: 'privileged-container',
    severity: 'error',
    message: f.message,
    file: 'pod.yaml',
    range: { start: { line: 10, character: 18 }, end: { line: 10, character: 22 } },
    resource: { apiVersion: 'v1', kind: 'Pod', namespace: 'ops', name: 'agent' },
    pss: { level: 'baseline', check: 'privileged' },
  });
  for (const x of out.findings) assert.equal(x.suppressed, undefined);
});

test('json: suppressed findings are dropped, or marked with --include-suppressed (and never fail)', async () => {
  const dir = tmp({ 'pod.yaml': SUPPRESSED });
  const plain = json(await scanIn(dir, ['--format', 'json', 'pod.yaml']));
  assert.ok(!plain.findings.some((f) => f.rule === 'privileged-container'));
  const r = await scanIn(dir, ['--format', 'json', '--include-suppressed', '--enable', 'privileged-container', '--fail-on', 'error', 'pod.yaml']);
  const f = json(r).findings.find((x) => x.rule === 'privileged-container');
  assert.deepEqual(f.suppressed, { by: 'annotation', reason: 'node agent, reviewed by platform security' });
  // The only error is suppressed: --fail-on error passes.
  assert.ok(!json(r).findings.some((x) => x.severity === 'error' && !x.suppressed), r.stdout);
  assert.equal(r.code, 0);
});

const SARIF_SCHEMA = JSON.parse(fs.readFileSync(path.join(REPO, 'test/cli/sarif-schema-2.1.0.json'), 'utf8'));

function sarifValidator() {
  const isUri = (s: string) => /^[a-z][a-z0-9+.-]*:[^\s<>"{}|\\^`]*$/i.test(s);
  const ajv = new Ajv2020({
    allErrors: true,
    strict: false,
    formats: {
      uri: isUri,
      'uri-reference': (s: string) => /^[^\s<>"{}|\\^`]*$/.test(s),
      'date-time': (s: string) => !Number.isNaN(Date.parse(s)),
      uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    },
  });
  const validate = ajv.compile(SARIF_SCHEMA);
  /** '' when the log is valid, else the schema errors. */
  return (log: unknown): string => (validate(log) ? '' : JSON.stringify(validate.errors, null, 2));
}

test('sarif: valid against the SARIF 2.1.0 schema, with rules, locations, fingerprints and suppressions', async () => {
  const dir = tmp({ 'k8s/pod.yaml': PRIVILEGED_POD, 'k8s/suppressed.yaml': SUPPRESSED.replace('name: agent', 'name: agent2'), 'bad.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: x\n' });
  const r = await scanIn(dir, ['--format', 'sarif', 'k8s', 'bad.yaml', '--include-suppressed']);
  assert.equal(r.code, 1, r.stderr);
  const log = JSON.parse(r.stdout);
  assert.equal(sarifValidator()(log), '');
  assert.notEqual(sarifValidator()({ version: '2.1.0', runs: [{ results: [] }] }), '', 'the schema check rejects a run without a tool');

  const run = log.runs[0];
  const driver = run.tool.driver;
  assert.equal(driver.name, 'k8s-guardrails');
  assert.match(driver.version, /\d/);
  assert.match(driver.informationUri, /^https:\/\//);
  const rule = driver.rules.find((x: any) => x.id === 'privileged-container');
  assert.ok(rule.shortDescription.text && rule.fullDescription.text);
  assert.match(rule.helpUri, /docs\/rules\.md#privileged-container$/);
  assert.equal(rule.defaultConfiguration.level, 'error');
  assert.deepEqual(rule.properties.pss, { level: 'baseline', check: 'privileged' });
  assert.ok(rule.properties.tags.includes('security'));

  const results = run.results.filter((x: any) => x.ruleId === 'privileged-container');
  assert.equal(results.length, 2);
  const active = results.find((x: any) => !x.suppressions);
  assert.equal(driver.rules[active.ruleIndex].id, 'privileged-container');
  assert.equal(active.level, 'error');
  const loc = active.locations[0].physicalLocation;
  assert.deepEqual(loc.artifactLocation, { uri: 'k8s/pod.yaml', uriBaseId: '%SRCROOT%' });
  assert.deepEqual(loc.region, { startLine: 11, startColumn: 19, endLine: 11, endColumn: 23 });
  assert.match(run.originalUriBaseIds['%SRCROOT%'].uri, /^file:\/\/.*\/$/);

  const suppressed = results.find((x: any) => x.suppressions);
  assert.deepEqual(suppressed.suppressions, [{ kind: 'inSource', status: 'accepted', justification: 'node agent, reviewed by platform security' }]);

  // YAML syntax errors are results too.
  assert.ok(run.results.some((x: any) => x.ruleId === 'yaml-syntax' && x.locations[0].physicalLocation.artifactLocation.uri === 'bad.yaml'));
  // Fingerprints are unique within the run.
  const fps = run.results.map((x: any) => x.partialFingerprints['k8sGuardrails/v1']);
  assert.equal(new Set(fps).size, fps.length);
});

test('sarif: fingerprints survive unrelated edits that move lines', async () => {
  const before = tmp({ 'pod.yaml': PRIVILEGED_POD });
  const after = tmp({ 'pod.yaml': '# a comment\n# and another\n' + PRIVILEGED_POD.replace('metadata:\n', 'metadata:\n  labels: {app: agent}\n') });
  const fp = async (dir: string) => {
    const log = JSON.parse((await scanIn(dir, ['--format', 'sarif', 'pod.yaml'])).stdout);
    const res = log.runs[0].results.find((x: any) => x.ruleId === 'privileged-container');
    return { fp: res.partialFingerprints['k8sGuardrails/v1'], line: res.locations[0].physicalLocation.region.startLine };
  };
  const a = await fp(before);
  const b = await fp(after);
  assert.notEqual(a.line, b.line);
  assert.equal(a.fp, b.fp);
});

test('sarif: rules turned off or re-levelled are listed as configuration overrides', async () => {
  const dir = tmp({ 'pod.yaml': PRIVILEGED_POD });
  const r = await scanIn(dir, ['--format', 'sarif', '--disable', 'image-latest-tag', '--enable', 'privileged-container=warning', 'pod.yaml']);
  const log = JSON.parse(r.stdout);
  assert.equal(sarifValidator()(log), '');
  const overrides = log.runs[0].invocations[0].ruleConfigurationOverrides;
  assert.deepEqual(overrides.find((o: any) => o.descriptor.id === 'image-latest-tag').configuration, { enabled: false });
  assert.deepEqual(overrides.find((o: any) => o.descriptor.id === 'privileged-container').configuration, { level: 'warning' });
  assert.equal(log.runs[0].results.find((x: any) => x.ruleId === 'privileged-container').level, 'warning');
});

// ---------------------------------------------------------------- exit codes

test('exit 0 without findings, 1 with findings, 2 for usage errors', async () => {
  const dir = tmp({ 'clean.yaml': CLEAN, 'pod.yaml': PRIVILEGED_POD, 'notes.yaml': 'title: not kubernetes\n' });
  assert.equal((await scanIn(dir, ['clean.yaml', 'notes.yaml', '--fail-on', 'error'])).code, 0);
  assert.equal((await scanIn(dir, ['pod.yaml'])).code, 1);
  // Nothing analysed is never a pass.
  const nothing = await scanIn(dir, ['notes.yaml']);
  assert.equal(nothing.code, 2);
  assert.match(nothing.stderr, /nothing was analysed: the inputs hold no Kubernetes object/);
  assert.match(nothing.stdout, /^Nothing analysed: no Kubernetes objects in 1 file\.$/m);
  for (const args of [['--format', 'xml', 'pod.yaml'], ['--fail-on', 'critical', 'pod.yaml'], ['--max-file-size', 'lots', 'pod.yaml'], [], ['--no-config', '--config', 'x.yaml', 'pod.yaml']]) {
    const r = await scanIn(dir, args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
  }
  const p = spawnCli(dir, ['scan', '--formt', 'json', 'pod.yaml']);
  assert.equal(p.code, 2);
  assert.match(p.stderr, /unknown option '--formt' \(did you mean "--format"\?\)/);
});

test('--fail-on: only findings at or above the level fail', async () => {
  const dir = tmp({ 'pod.yaml': PRIVILEGED_POD });
  // Only below-error findings remain once privileged-container is off.
  const args = ['pod.yaml', '--disable', 'privileged-container', '--format', 'json'];
  const all = json(await scanIn(dir, args)).findings;
  assert.ok(all.length && !all.some((f) => f.severity === 'error'), JSON.stringify(all));
  assert.equal((await scanIn(dir, args)).code, 1, 'default: any finding fails');
  assert.equal((await scanIn(dir, [...args, '--fail-on', 'error'])).code, 0);
  assert.equal((await scanIn(dir, [...args, '--fail-on', 'none'])).code, 0);
  const hasWarning = all.some((f) => f.severity === 'warning');
  assert.equal((await scanIn(dir, [...args, '--fail-on', 'warning'])).code, hasWarning ? 1 : 0);
  assert.equal((await scanIn(dir, ['pod.yaml', '--fail-on', 'error'])).code, 1);
  const text = await scanIn(dir, ['pod.yaml', '--disable', 'privileged-container', '--fail-on', 'error']);
  assert.match(text.stdout, /0 at or above error \(--fail-on error\)/);
});

// ---------------------------------------------------------------- rules and configuration

test('--enable / --disable: repeatable, comma lists, unknown rule → exit 2 with a suggestion', async () => {
  const dir = tmp({ 'pod.yaml': PRIVILEGED_POD });
  const rules = async (...extra: string[]) => new Set(json(await scanIn(dir, ['--format', 'json', 'pod.yaml', ...extra])).findings.map((f) => f.rule));
  const base = await rules();
  assert.ok(base.has('privileged-container') && base.has('missing-resource-limits'), [...base].join());
  const off = await rules('--disable', 'privileged-container', '--disable', 'missing-resource-limits,read-only-root-filesystem');
  assert.ok(!off.has('privileged-container') && !off.has('missing-resource-limits') && !off.has('read-only-root-filesystem'));
  const r = await scanIn(dir, ['pod.yaml', '--disable', 'privileged-containr']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown rule 'privileged-containr' in --disable \(did you mean "privileged-container"\?\)/);
  assert.equal((await scanIn(dir, ['pod.yaml', '--enable', 'no-such-rule'])).code, 2);
  assert.equal((await scanIn(dir, ['pod.yaml', '--enable', 'privileged-container=fatal'])).code, 2);
});

test('config file: .k8s-guardrails.yaml in the current directory sets rules, PSS level and paths.ignore; --enable wins', async () => {
  const dir = tmp({
    '.k8s-guardrails.yaml': 'pss:\n  level: baseline\nrules:\n  privileged-container: warning\n  missing-resource-limits: off\npaths:\n  ignore: ["generated", "k8s/legacy/**"]\n',
    'k8s/pod.yaml': PRIVILEGED_POD,
    'k8s/legacy/old.yaml': PRIVILEGED_POD,
    'generated/x.yaml': PRIVILEGED_POD,
    'k8s/generated/y.yaml': PRIVILEGED_POD,
  });
  const r = await scanIn(dir, ['--format', 'json', '.']);
  const out = json(r);
  assert.deepEqual([...new Set(out.findings.map((f) => f.file))], ['k8s/pod.yaml']);
  const f = out.findings.find((x) => x.rule === 'privileged-container');
  assert.equal(f.severity, 'warning');
  assert.equal(f.pss.level, 'baseline');
  assert.ok(!out.findings.some((x) => x.rule === 'missing-resource-limits'));
  // The command line wins over the file.
  const cli = json(await scanIn(dir, ['--format', 'json', '--enable', 'missing-resource-limits', 'k8s/pod.yaml'])).findings;
  assert.ok(cli.some((x) => x.rule === 'missing-resource-limits'));
  // An explicitly named ignored file is skipped with a note.
  const ign = await scanIn(dir, ['k8s/legacy/old.yaml', 'k8s/pod.yaml']);
  assert.match(ign.stderr, /skipped k8s\/legacy\/old\.yaml: ignored by paths\.ignore/);
  // --no-config: the file is not read.
  assert.ok(json(await scanIn(dir, ['--format', 'json', '--no-config', '.'])).findings.some((x) => x.file === 'generated/x.yaml'));
});

test('config file: --config <file>; errors → exit 2 naming the file, line and value', async () => {
  const dir = tmp({
    'ci/guardrails.yaml': 'pss:\n  level: strict\nrules:\n  privileged-containr: off\npaths:\n  ignore: 42\n',
    'pod.yaml': PRIVILEGED_POD,
    '.k8s-guardrails.yml': 'rules: [oops]\n',
  });
  const r = await scanIn(dir, ['--config', 'ci/guardrails.yaml', 'pod.yaml']);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /ci\/guardrails\.yaml:2:10: invalid PSS level "strict"/);
  assert.match(r.stderr, /ci\/guardrails\.yaml:4:\d+: unknown rule "privileged-containr" \(did you mean "privileged-container"\?\)/);
  assert.match(r.stderr, /ci\/guardrails\.yaml:6:\d+: "paths.ignore" must be a list of globs, not 42/);
  // The default file (.yml) is found too, and its errors are fatal.
  const d = await scanIn(dir, ['pod.yaml']);
  assert.equal(d.code, 2);
  assert.match(d.stderr, /\.k8s-guardrails\.yml:1:\d+: "rules" must map rule ids/);
  // Missing --config file, and YAML syntax errors in it.
  assert.match((await scanIn(dir, ['--config', 'nope.yaml', 'pod.yaml'])).stderr, /cannot read configuration file 'nope\.yaml': no such file/);
  fs.writeFileSync(path.join(dir, 'broken.yaml'), 'rules:\n  x: [\n');
  const b = await scanIn(dir, ['--config', 'broken.yaml', 'pod.yaml']);
  assert.equal(b.code, 2);
  assert.match(b.stderr, /broken\.yaml:\d+:\d+: YAML syntax error/);
  // Through the real process: the same message, exit 2.
  const p = spawnCli(dir, ['scan', '--config', 'ci/guardrails.yaml', 'pod.yaml']);
  assert.equal(p.code, 2);
  assert.match(p.stderr, /invalid configuration file 'ci\/guardrails\.yaml' \(3 errors\)/);
});

// ---------------------------------------------------------------- bad input

test('binary files are not analysed: a not-analysed error each; the rest is scanned', async () => {
  const dir = tmp({ 'k8s/pod.yaml': PRIVILEGED_POD, 'k8s/blob.yaml': Buffer.from([0x61, 0x3a, 0x00, 0x01, 0x02]) });
  const r = await scanIn(dir, ['--format', 'json', 'k8s']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /not analysed: k8s\/blob\.yaml: it is a binary file \(it contains NUL bytes\)/);
  const blob = json(r).findings.filter((f) => f.file === 'k8s/blob.yaml');
  assert.deepEqual(blob.map((f) => [f.rule, f.severity, f.range.start.line]), [['not-analysed', 'error', 0]]);
  assert.match(blob[0].message, /^Not analysed: it is a binary file/);
  assert.ok(json(r).findings.some((f) => f.file === 'k8s/pod.yaml'));
  // Only a binary stdin: nothing analysed (exit 2), and the finding says why.
  const s = await scanIn(dir, ['-', '--format', 'json'], Buffer.from([0, 1, 2]));
  assert.equal(s.code, 2);
  assert.deepEqual(json(s).findings.map((f) => [f.rule, f.file]), [['not-analysed', '<stdin>']]);
});

test('unreadable files (dangling symlink, directory named like a file) → a not-analysed error each, others still reported', async () => {
  const dir = tmp({ 'k8s/pod.yaml': PRIVILEGED_POD.replace('privileged: true', 'privileged: false') });
  fs.symlinkSync(path.join(dir, 'nowhere.yaml'), path.join(dir, 'k8s/broken.yaml'));
  const r = await scanIn(dir, ['--format', 'json', 'k8s', '--fail-on', 'error']);
  assert.equal(r.code, 1, 'the unreadable file fails the scan even when nothing else does');
  assert.match(r.stderr, /not analysed: k8s\/broken\.yaml: it cannot be read \(dangling symbolic link\)/);
  const broken = json(r).findings.filter((f) => f.file === 'k8s/broken.yaml');
  assert.deepEqual(broken.map((f) => [f.rule, f.severity]), [['not-analysed', 'error']]);
  assert.ok(json(r).findings.some((f) => f.file === 'k8s/pod.yaml'), 'the readable file is still reported');
  const named = await scanIn(dir, ['k8s/broken.yaml']);
  assert.equal(named.code, 2, 'a named path that does not resolve is a usage error');
  assert.match(named.stderr, /cannot read 'k8s\/broken\.yaml': dangling symbolic link/);
  // A directory named *.yaml is searched like any directory: an empty one is an error.
  fs.mkdirSync(path.join(dir, 'dir.yaml'));
  const d = await scanIn(dir, ['dir.yaml']);
  assert.equal(d.code, 2);
  assert.match(d.stderr, /no YAML files \(\*\.yaml, \*\.yml\) in directory 'dir\.yaml'/);
  // SARIF carries the unreadable file as an error result.
  const s = JSON.parse((await scanIn(dir, ['--format', 'sarif', 'k8s'])).stdout);
  const result = s.runs[0].results.find((x: any) => x.ruleId === 'not-analysed');
  assert.equal(result?.level, 'error');
  assert.equal(result.locations[0].physicalLocation.artifactLocation.uri, 'k8s/broken.yaml');
  assert.equal(sarifValidator()(s), '');
});

test('a directory without YAML files, a missing file and an unmatched glob are usage errors', async () => {
  const dir = tmp({ 'docs/readme.md': '# hi\n' });
  assert.match((await scanIn(dir, ['docs'])).stderr, /no YAML files .* in directory 'docs'/);
  assert.match((await scanIn(dir, ['missing.yaml'])).stderr, /cannot read 'missing\.yaml': no such file or directory/);
  const g = await scanIn(dir, ['k8s/**/*.yaml']);
  assert.equal(g.code, 2);
  assert.match(g.stderr, /no files match 'k8s\/\*\*\/\*\.yaml'/);
});

test('invalid YAML is a finding (yaml-syntax), not a crash; other documents are still analysed', async () => {
  const dir = tmp({ 'mixed.yaml': `apiVersion: v1\nkind: Pod\nmetadata: {name: [broken\n---\n${PRIVILEGED_POD}` });
  const r = await scanIn(dir, ['--format', 'json', 'mixed.yaml']);
  assert.equal(r.code, 1, r.stderr);
  const rules = json(r).findings.map((f) => f.rule);
  assert.ok(rules.includes('yaml-syntax'), rules.join());
  assert.ok(rules.includes('privileged-container'), rules.join());
});

test('files over --max-file-size are not analysed: a not-analysed error naming the limit', async () => {
  const big = PRIVILEGED_POD + `# ${'x'.repeat(5000)}\n`;
  const dir = tmp({ 'big.yaml': big, 'pod.yaml': PRIVILEGED_POD.replace('agent', 'small') });
  const r = await scanIn(dir, ['--format', 'json', '--max-file-size', '4KiB', '.']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /not analysed: big\.yaml: the file \(5(\.\d)? KiB\) is over the size limit of 4 KiB \(--max-file-size\)/);
  const onBig = json(r).findings.filter((f) => f.file === 'big.yaml');
  assert.deepEqual(onBig.map((f) => f.rule), ['not-analysed']);
  assert.match(onBig[0].message, /over the size limit of 4 KiB \(--max-file-size\)/);
  // Default 64 MiB: a 5 MiB file through the real CLI is analysed.
  const huge = tmp({ 'huge.yaml': PRIVILEGED_POD + '#' + 'x'.repeat(5 * 1024 * 1024) + '\n' });
  const p = spawnCli(huge, ['scan', 'huge.yaml']);
  assert.equal(p.code, 1, p.stderr);
  assert.match(p.stdout, /^huge\.yaml\n(.*\n)* {2}11:19 +error +.*  privileged-container$/m);
  // stdin obeys the limit too.
  const s = await scanIn(dir, ['-', '--max-file-size', '100'], PRIVILEGED_POD);
  assert.match(s.stderr, /not analysed: <stdin>: .* over the size limit of 100 bytes/);
  assert.match(s.stdout, /^<stdin>\n {2}1:1 +error +.*  not-analysed$/m);
});

// ---------------------------------------------------------------- globs and stdin

test('globs: *, ** and ? expanded by the tool (quoted), sorted, without duplicates', async () => {
  const dir = tmp({
    'apps/web/deploy.yaml': PRIVILEGED_POD.replace('agent', 'web'),
    'apps/api/deploy.yml': PRIVILEGED_POD.replace('agent', 'api'),
    'apps/api/values.json': '{}',
    'apps/a1.yaml': PRIVILEGED_POD.replace('agent', 'a1'),
    'apps/ab.yaml': PRIVILEGED_POD.replace('agent', 'ab'),
    'apps/node_modules/x.yaml': PRIVILEGED_POD,
    'top.yaml': PRIVILEGED_POD.replace('agent', 'top'),
  });
  const files = async (...args: string[]) => [...new Set(json(await scanIn(dir, ['--format', 'json', ...args])).findings.map((f) => f.file))];
  assert.deepEqual(await files('apps/**/*.yaml'), ['apps/a1.yaml', 'apps/ab.yaml', 'apps/web/deploy.yaml']);
  assert.deepEqual(await files('apps/*/deploy.y*ml'), ['apps/api/deploy.yml', 'apps/web/deploy.yaml']);
  assert.deepEqual(await files('apps/a?.yaml'), ['apps/a1.yaml', 'apps/ab.yaml']);
  assert.deepEqual(await files('**/deploy.yaml', 'apps/web/deploy.yaml'), ['apps/web/deploy.yaml']);
  assert.deepEqual(await files('*.yaml'), ['top.yaml']);
  // Through the real process, quoted (no shell expansion).
  const p = spawnCli(dir, ['scan', '--format', 'json', 'apps/**/*.yml']);
  assert.deepEqual([...new Set(json(p).findings.map((f) => f.file))], ['apps/api/deploy.yml']);
});

test('globs: braces and classes, as in VS Code (quoted, through the process)', async () => {
  const dir = tmp({
    'examples/a/pod.yaml': PRIVILEGED_POD.replace('agent', 'a'),
    'examples/b/deep/pod.yml': PRIVILEGED_POD.replace('agent', 'b'),
    'examples/c/pod.json': '{}',
    'examples/v1.yaml': PRIVILEGED_POD.replace('agent', 'v1'),
    'examples/v2.yaml': PRIVILEGED_POD.replace('agent', 'v2'),
    'examples/vx.yaml': PRIVILEGED_POD.replace('agent', 'vx'),
    'examples/(x).yaml': PRIVILEGED_POD.replace('agent', 'paren'),
  });
  const files = (...args: string[]) => [...new Set(json(spawnCli(dir, ['scan', '--format', 'json', ...args])).findings.map((f) => f.file))];
  assert.deepEqual(files('examples/**/*.{yaml,yml}'), ['examples/(x).yaml', 'examples/a/pod.yaml', 'examples/b/deep/pod.yml', 'examples/v1.yaml', 'examples/v2.yaml', 'examples/vx.yaml']);
  assert.deepEqual(files('examples/v[0-9].yaml'), ['examples/v1.yaml', 'examples/v2.yaml']);
  assert.deepEqual(files('examples/v[!0-9].yaml'), ['examples/vx.yaml']);
  assert.deepEqual(files('examples/{a,b}'), ['examples/a/pod.yaml', 'examples/b/deep/pod.yml']);
  assert.deepEqual(files('examples/(?).yaml'), ['examples/(x).yaml'], 'parentheses are literal');
  const none = spawnCli(dir, ['scan', 'examples/{z,y}/*.yaml']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no files match 'examples\/\{z,y\}\/\*\.yaml'/);
});

test('paths.ignore and ignore path: entries use the same globs (braces, classes, ** at any depth)', async () => {
  const dir = tmp({
    '.k8s-guardrails.yaml': [
      'paths:',
      '  ignore: ["{charts,vendor}/**", "*.tmpl.y[a]ml", "build/"]',
      'ignore:',
      '  - rule: privileged-container',
      '    path: "apps/{legacy,old}/**/*.yaml"',
      '    reason: reviewed',
      '',
    ].join('\n'),
    'charts/x/templates/a.yaml': PRIVILEGED_POD,
    'vendor/v.yaml': PRIVILEGED_POD,
    'deep/dir/a.tmpl.yaml': PRIVILEGED_POD,
    'build/out/b.yaml': PRIVILEGED_POD,
    'apps/legacy/x/pod.yaml': PRIVILEGED_POD.replace('agent', 'legacy'),
    'apps/new/pod.yaml': PRIVILEGED_POD.replace('agent', 'new'),
    'overlays/charts/c.yaml': PRIVILEGED_POD.replace('agent', 'overlay'),
  });
  const r = spawnCli(dir, ['scan', '--format', 'json', '--include-suppressed', '.']);
  const findings = json(r).findings.filter((f) => f.rule === 'privileged-container');
  const byFile = Object.fromEntries(findings.map((f) => [f.file, !!(f as { suppressed?: unknown }).suppressed]));
  assert.deepEqual(byFile, { 'apps/legacy/x/pod.yaml': true, 'apps/new/pod.yaml': false, 'overlays/charts/c.yaml': false });
});

test('stdin with -: once, named by --stdin-filename, combined with files as one workspace', async () => {
  const dir = tmp({ 'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ops\n  labels:\n    pod-security.kubernetes.io/enforce: privileged\n' });
  const r = await scanIn(dir, ['--format', 'json', '-', '--stdin-filename', 'rendered/pod.yaml', 'ns.yaml'], PRIVILEGED_POD);
  const findings = json(r).findings;
  assert.ok(findings.some((f) => f.file === 'rendered/pod.yaml'));
  // The Namespace in ns.yaml allows privileged pods: no PSS finding on stdin's pod.
  assert.ok(!findings.some((f) => f.rule === 'privileged-container'), JSON.stringify(findings.map((f) => f.rule)));
  const p = spawnCli(dir, ['scan', '-'], PRIVILEGED_POD);
  assert.equal(p.code, 1);
  assert.match(p.stdout, /^<stdin>\n(.*\n)* {2}11:19 +error +.*  privileged-container$/m);
  const empty = spawnCli(dir, ['scan', '-'], '');
  assert.equal(empty.code, 2, 'empty input: nothing analysed');
  assert.match(empty.stderr, /nothing was analysed/);
});

test('--output writes the report to a file', async () => {
  const dir = tmp({ 'pod.yaml': PRIVILEGED_POD });
  const r = await scanIn(dir, ['--format', 'sarif', '-o', 'out/report.sarif', 'pod.yaml']);
  assert.equal(r.stdout, '');
  assert.equal(r.code, 2, 'missing output directory is an error');
  fs.mkdirSync(path.join(dir, 'out'));
  const ok = await scanIn(dir, ['--format', 'sarif', '-o', 'out/report.sarif', 'pod.yaml']);
  assert.equal(ok.code, 1);
  assert.equal(sarifValidator()(JSON.parse(fs.readFileSync(path.join(dir, 'out/report.sarif'), 'utf8'))), '');
});
