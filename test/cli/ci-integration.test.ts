/**
 * The CI integrations as data under test: the GitHub Action's scan and
 * verdict steps (action.yml, run with bash as the runner would, against the
 * built CLI) and the pre-commit hook (.pre-commit-hooks.yaml: its entry and
 * args with the command on PATH).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { REPO } from '../helpers/lsp-client';
import { tmpTree, PRIVILEGED_POD } from '../helpers/cli';

interface Step {
  name: string;
  id?: string;
  run?: string;
  uses?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}

const action = yaml.load(fs.readFileSync(path.join(REPO, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default: string }>;
  runs: { using: string; steps: Step[] };
};
const step = (name: string) => action.runs.steps.find((s) => s.name === name)!;

const tmp = (files: Record<string, string>): string => tmpTree(files, 'k8s-guardrails-ci-');


/** A step's script as the runner runs it: bash -eo pipefail, inputs through the step's env. */
function runStep(s: Step, cwd: string, inputs: Record<string, string>, outputs: Record<string, string> = {}) {
  const runner = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-guardrails-runner-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH!,
    HOME: process.env.HOME ?? runner,
    GITHUB_ACTION_PATH: REPO,
    GITHUB_OUTPUT: path.join(runner, 'output'),
    GITHUB_STEP_SUMMARY: path.join(runner, 'summary.md'),
    RUNNER_TEMP: runner,
  };
  const all = { ...Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, v.default])), ...inputs };
  for (const [k, v] of Object.entries(s.env ?? {}))
    env[k] = v.replace(/\$\{\{ inputs\.([\w-]+) \}\}/g, (_m, name) => all[name] ?? '').replace(/\$\{\{ steps\.scan\.outputs\.([\w-]+) \}\}/g, (_m, name) => outputs[name] ?? '');
  assert.doesNotMatch(s.run!, /\$\{\{/, 'inputs reach the script through env only (no expression injection)');
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', s.run!], { cwd, env, encoding: 'utf8' });
  const out: Record<string, string> = {};
  if (fs.existsSync(env.GITHUB_OUTPUT)) for (const line of fs.readFileSync(env.GITHUB_OUTPUT, 'utf8').split('\n')) if (line.includes('=')) out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
  const summary = fs.existsSync(env.GITHUB_STEP_SUMMARY) ? fs.readFileSync(env.GITHUB_STEP_SUMMARY, 'utf8') : '';
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, outputs: out, summary };
}

test('action.yml: a composite action that uploads SARIF with codeql-action and sets up node only when needed', () => {
  assert.equal(action.runs.using, 'composite');
  for (const input of ['paths', 'config', 'fail-on', 'upload-sarif', 'sarif-file']) assert.ok(input in action.inputs, input);
  assert.equal(action.inputs['fail-on'].default, 'error');
  const upload = action.runs.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))!;
  assert.ok(upload, 'an upload-sarif step');
  assert.match(upload.if!, /always\(\)/, 'SARIF is uploaded also when the scan fails');
  assert.match(step('Set up node 20').if!, /steps\.node\.outputs\.setup == 'true'/);
  assert.match(step('Build k8s-guardrails').run!, /npm ci --ignore-scripts/);
});

test('action.yml: the scan step writes SARIF and annotations, summarises, and the verdict fails at the threshold', () => {
  const dir = tmp({ 'k8s/pod.yaml': PRIVILEGED_POD, 'k8s/quiet.yaml': PRIVILEGED_POD.replace('name: agent', 'name: quiet').replace('  namespace: ops\n', '  namespace: ops\n  annotations:\n    ignore.k8s-guardrails.io/privileged-container: "reviewed"\n'), 'docs/not-k8s.yaml': 'title: x\n' });
  const r = runStep(step('Scan'), dir, { paths: 'k8s\ndocs' });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.outputs['exit-code'], '1');
  assert.equal(r.outputs.sarif, 'true');
  assert.match(r.stdout, /^::error file=k8s\/pod\.yaml,line=11,col=19,.*title=privileged-container \(error\)::/m);
  assert.match(r.stdout, /^k8s\/pod\.yaml$/m, 'the text report is printed in the log too');
  assert.match(r.summary, /^### k8s-guardrails\n\n```\n[\s\S]*✖ \d+ problems/);
  const sarif = JSON.parse(fs.readFileSync(path.join(dir, 'k8s-guardrails.sarif'), 'utf8'));
  assert.ok(sarif.runs[0].results.length > 0);
  assert.ok(!sarif.runs[0].results.some((x: any) => x.suppressions), 'suppressed findings stay out of code scanning');
  const verdict = runStep(step('Verdict'), dir, {}, r.outputs);
  assert.equal(verdict.code, 1);
  assert.match(verdict.stdout, /::error title=k8s-guardrails::findings at or above error/);

  // fail-on none, config and extra args pass through; no annotations: text on the log only.
  fs.writeFileSync(path.join(dir, 'ci.yaml'), 'pss:\n  level: privileged\n');
  const lenient = runStep(step('Scan'), dir, { paths: 'k8s', 'fail-on': 'none', config: 'ci.yaml', annotations: 'false', args: '--disable image-latest-tag --pss-level baseline' });
  assert.equal(lenient.outputs['exit-code'], '0', lenient.stderr);
  assert.doesNotMatch(lenient.stdout, /^::/m);
  assert.equal(runStep(step('Verdict'), dir, { 'fail-on': 'none' }, lenient.outputs).code, 0);
  // A usage error fails the verdict whatever the threshold.
  const broken = runStep(step('Scan'), dir, { paths: 'k8s', 'fail-on': 'none', args: '--no-such-option' });
  assert.equal(broken.outputs['exit-code'], '2');
  assert.match(runStep(step('Verdict'), dir, {}, broken.outputs).stdout, /did not complete \(exit 2\)/);
});

test('.pre-commit-hooks.yaml: the hook scans the repository with the command on PATH', () => {
  const hooks = yaml.load(fs.readFileSync(path.join(REPO, '.pre-commit-hooks.yaml'), 'utf8')) as { id: string; entry: string; args: string[]; language: string; files: string; pass_filenames: boolean }[];
  const hook = hooks.find((h) => h.id === 'k8s-guardrails')!;
  assert.equal(hook.language, 'system');
  assert.equal(hook.pass_filenames, false);
  assert.match('deploy/pod.yml', new RegExp(hook.files));
  assert.doesNotMatch('README.md', new RegExp(hook.files));
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-guardrails-bin-'));
  fs.symlinkSync(path.join(REPO, 'bin/k8s-guardrails.js'), path.join(bin, 'k8s-guardrails'));
  const run = (dir: string) => {
    const [cmd, ...rest] = hook.entry.split(' ');
    return spawnSync(cmd, [...rest, ...hook.args], { cwd: dir, encoding: 'utf8', env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` } });
  };
  const bad = run(tmp({ 'pod.yaml': PRIVILEGED_POD }));
  assert.equal(bad.status, 1, bad.stderr);
  assert.match(bad.stdout, /privileged-container/);
  const fine = run(tmp({ 'pod.yaml': PRIVILEGED_POD.replace('privileged: true', 'privileged: false'), '.k8s-guardrails.yaml': 'pss:\n  level: privileged\n' }));
  assert.equal(fine.status, 0, fine.stdout + fine.stderr);
});

test('docs/examples/github-workflow.yml: the documented workflow uses the action with code scanning permission', () => {
  const text = fs.readFileSync(path.join(REPO, 'docs/examples/github-workflow.yml'), 'utf8');
  const wf = yaml.load(text) as { permissions: Record<string, string>; jobs: Record<string, { steps: { uses?: string; with?: Record<string, string> }[] }> };
  assert.equal(wf.permissions['security-events'], 'write');
  const uses = wf.jobs.scan.steps.find((s) => s.uses?.startsWith('k8s-guardrails/k8s-guardrails@'))!;
  for (const input of Object.keys(uses.with ?? {})) assert.ok(input in action.inputs, `input ${input} exists in action.yml`);
  assert.ok(fs.readFileSync(path.join(REPO, 'docs/ci.md'), 'utf8').includes(text.split('\n').slice(1).join('\n').trimEnd()), 'docs/ci.md shows the same workflow');
});
