// Runs the whole test suite: node:test suites (engine, CLI, LSP, simulator…),
// then the real-editor suite in code-server + Chromium, then the packaged .vsix
// installed into code-server (test/editor/installed). Prints one summary
// line "N passed, N failed" at the end. Usage: node scripts/test.mjs [--no-editor]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const out = path.join(root, 'out/test');
const artifacts = path.join(root, '.test-artifacts');
mkdirSync(artifacts, { recursive: true });

let workspaceToRemove;
let passed = 0;
let failed = 0;
const failures = [];

// Every folder under out/test except the editor suite (it needs the VS Code API) and helpers;
// the Playwright tests under editor/playwright drive a browser from plain node, so they run here.
const dirs = readdirSync(out, { withFileTypes: true })
  .filter((e) => e.isDirectory() && !['editor', 'helpers', 'fixtures'].includes(e.name))
  .map((e) => path.join(out, e.name));
if (existsSync(path.join(out, 'editor/playwright'))) dirs.push(path.join(out, 'editor/playwright'));

const tap = path.join(artifacts, 'node-tests.tap');
const r = spawnSync(
  process.execPath,
  ['--test', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...dirs],
  { stdio: 'inherit', cwd: root },
);
const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
const count = (name) => Number(new RegExp(`^# ${name} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
passed += count('pass');
failed += count('fail') + count('cancelled');
if (r.status !== 0) {
  failures.push('node:test suites');
  if (!count('fail')) failed++;
}

if (!process.argv.includes('--no-editor')) {
  const launcher = path.join(root, 'out/test/editor/launchers/run-code-server.js');
  // The suite edits files: give it a fresh copy of examples/ as its workspace, outside the
  // repository (file watching inside the git-ignored .test-artifacts/ proved unreliable).
  const workspace = mkdtempSync(path.join(tmpdir(), 'k8sg-editor-workspace-'));
  cpSync(path.join(root, 'examples'), workspace, { recursive: true });
  workspaceToRemove = workspace;
  rmSync(path.join(artifacts, 'editor-summary.json'), { force: true });
  const e = spawnSync(process.execPath, [launcher, `--workspace=${workspace}`, `--screenshots=${path.join(artifacts, 'screenshots')}`], { stdio: 'inherit', cwd: root, env: { ...process.env, K8SG_TEST_SUMMARY: path.join(artifacts, 'editor-summary.json') } });
  let summary;
  try {
    summary = JSON.parse(readFileSync(path.join(artifacts, 'editor-summary.json'), 'utf8'));
  } catch {
    summary = undefined;
  }
  if (summary) {
    passed += summary.passes ?? 0;
    failed += summary.failures ?? 0;
  }
  if (e.status !== 0) {
    failures.push('real-editor suite');
    if (!summary?.failures) failed++;
  }

  // Restricted Mode (an untrusted workspace): only the tests that need it.
  rmSync(path.join(artifacts, 'editor-summary.json'), { force: true });
  const u = spawnSync(process.execPath, [launcher, '--untrusted', `--workspace=${workspace}`, `--screenshots=${path.join(artifacts, 'screenshots-untrusted')}`], {
    stdio: 'inherit',
    cwd: root,
    env: { ...process.env, K8SG_TEST_SUMMARY: path.join(artifacts, 'editor-summary.json'), K8SG_MOCHA_GREP: 'Restricted Mode' },
  });
  let usummary;
  try {
    usummary = JSON.parse(readFileSync(path.join(artifacts, 'editor-summary.json'), 'utf8'));
  } catch {
    usummary = undefined;
  }
  passed += usummary?.passes ?? 0;
  failed += usummary?.failures ?? 0;
  if (u.status !== 0 || !usummary?.passes) {
    failures.push('real-editor suite (Restricted Mode)');
    if (!usummary?.failures) failed++;
  }

  // The .vsix as users get it: `npm run package`, installed into code-server with
  // --install-extension, and a smoke suite (test/editor/installed) run against that copy.
  const t0 = Date.now();
  const pack = spawnSync('npm', ['run', 'package'], { stdio: ['ignore', 'ignore', 'inherit'], cwd: root });
  const vsix = path.join(root, 'k8s-guardrails.vsix');
  rmSync(path.join(artifacts, 'editor-summary.json'), { force: true });
  let isummary;
  if (pack.status === 0 && existsSync(vsix)) {
    console.log(`npm run package: ${vsix} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const i = spawnSync(
      process.execPath,
      [launcher, `--install-vsix=${vsix}`, `--extensionTestsPath=${path.join(root, 'out/test/editor/installed/index.js')}`, `--workspace=${workspace}`, `--screenshots=${path.join(artifacts, 'screenshots-installed')}`],
      { stdio: 'inherit', cwd: root, env: { ...process.env, K8SG_TEST_SUMMARY: path.join(artifacts, 'editor-summary.json') } },
    );
    try {
      isummary = JSON.parse(readFileSync(path.join(artifacts, 'editor-summary.json'), 'utf8'));
    } catch {
      isummary = undefined;
    }
    passed += isummary?.passes ?? 0;
    failed += isummary?.failures ?? 0;
    if (i.status !== 0 || !isummary?.passes) {
      failures.push('installed .vsix suite');
      if (!isummary?.failures) failed++;
    }
  } else {
    failures.push('npm run package');
    failed++;
  }
}

if (typeof workspaceToRemove === 'string') rmSync(workspaceToRemove, { recursive: true, force: true });

console.log('');
if (failures.length) console.log(`Failed: ${failures.join(', ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed || failures.length ? 1 : 0);
