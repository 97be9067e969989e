/**
 * The CLI as a process: a field that Pod Security Standards baseline forbids fails `--fail-on error` at the
 * default level (restricted), where Pod Security Admission names it under a restricted check (issue #17).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BIN } from '../helpers/cli';


function scan(file: string, text: string, args: string[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-guardrails-severity-'));
  fs.writeFileSync(path.join(dir, file), text);
  const r = spawnSync(process.execPath, [BIN, 'scan', ...args, path.join(dir, file)], { encoding: 'utf8', cwd: dir });
  fs.rmSync(dir, { recursive: true, force: true });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Passes restricted except for what `extra` adds (a pod-level field block and container fields). */
const pod = (podFields: string, containerFields = '', volumes = '') => `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  securityContext:
    runAsNonRoot: true
${podFields}  containers:
  - name: app
    image: nginx:1.27
    securityContext:
      allowPrivilegeEscalation: false
      capabilities:
        drop: [ALL]
${containerFields}${volumes}`;

const SECCOMP_DEFAULT = '    seccompProfile:\n      type: RuntimeDefault\n';
const HOST_PATH = pod(SECCOMP_DEFAULT, '', '  volumes:\n  - name: logs\n    hostPath:\n      path: /var/log\n');

test('a hostPath pod fails --fail-on error at the default level, reported by host-path-volumes', () => {
  const r = scan('hostpath.yaml', HOST_PATH, ['--fail-on', 'error', '--format', 'json']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const errors = JSON.parse(r.stdout).findings.filter((f: any) => f.severity === 'error');
  assert.deepEqual(
    errors.map((f: any) => ({ rule: f.rule, pss: f.pss, line: f.range.start.line + 1 })),
    [{ rule: 'host-path-volumes', pss: { level: 'restricted', check: 'restrictedVolumes' }, line: 19 }],
  );
  assert.ok(!JSON.parse(r.stdout).findings.some((f: any) => f.rule === 'restricted-volume-types'), 'the field is reported once');
});

test('a pod with only restricted-level problems passes --fail-on error, not --fail-on warning', () => {
  const onlyRestricted = pod('', '        add: [CHOWN]\n', '  volumes:\n  - name: share\n    nfs:\n      server: nfs.local\n      path: /exports\n')
    .replace('    runAsNonRoot: true\n', '    runAsNonRoot: false\n');
  const r = scan('restricted.yaml', onlyRestricted, ['--fail-on', 'error', '--format', 'json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const rules = JSON.parse(r.stdout).findings.filter((f: any) => f.pss).map((f: any) => `${f.rule} ${f.severity}`).sort();
  assert.deepEqual(rules, [
    'capabilities-restricted warning',
    'restricted-volume-types warning',
    'run-as-non-root warning',
    'seccomp-profile-missing warning',
  ]);
  assert.equal(scan('restricted.yaml', onlyRestricted, ['--fail-on', 'warning']).code, 1);
});

test('--disable seccomp-profile-missing does not hide an explicit Unconfined', () => {
  const unconfined = pod('    seccompProfile:\n      type: Unconfined\n');
  const r = scan('unconfined.yaml', unconfined, ['--fail-on', 'error', '--disable', 'seccomp-profile-missing']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /^ {2}9:\d+ +error +pod sets seccomp profile type to "Unconfined" .*restricted check "seccompProfile_restricted".*  seccomp-unconfined$/m);
});
