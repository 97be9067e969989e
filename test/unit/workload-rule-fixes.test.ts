/** The quick fixes of the workload rules of issue #22: minimal, comment-preserving edits that remove the finding. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyze, applyEdits, DEFAULT_SETTINGS, EngineSettings, WorkspaceIndex } from '../../server/src/engine';

const URI = 'file:///tmp/k8sg-workload-fixes/pod.yaml';

function findings(text: string, settings: EngineSettings, rule: string) {
  const ws = new WorkspaceIndex();
  ws.set(URI, text);
  return (analyze(ws, settings).findings.get(URI) ?? []).filter((f) => f.rule === rule);
}

/** Applies the first fix of the first finding of `rule` and returns the text; the finding must be gone. */
function fixed(text: string, rule: string, settings: EngineSettings = DEFAULT_SETTINGS): string {
  const [f] = findings(text, settings, rule);
  assert.ok(f, `${rule} reported`);
  const [fix] = f.fixes?.() ?? [];
  assert.ok(fix, `${rule} offers a fix`);
  assert.ok(!fix.fixAll, `${rule}: not part of fix-all (it can break a workload)`);
  const after = applyEdits(text, fix.edits);
  assert.deepEqual(findings(after, settings, rule), [], `${rule}: gone after the fix\n${after}`);
  return after;
}

const pod = (container: string) => `apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
spec:
  containers:
  - name: web # the web server
    image: registry.example.com/web:1.4
${container}`;

const BASELINE: EngineSettings = { ...DEFAULT_SETTINGS, pss: { ...DEFAULT_SETTINGS.pss, level: 'baseline', source: 'settings' } };

test('net-raw-not-dropped: adds NET_RAW to an existing drop list, or creates it', () => {
  assert.equal(
    fixed(pod('    securityContext:\n      capabilities:\n        drop: [NET_ADMIN] # keep\n'), 'net-raw-not-dropped', BASELINE),
    pod('    securityContext:\n      capabilities:\n        drop: [NET_ADMIN, NET_RAW] # keep\n'),
  );
  assert.equal(fixed(pod('    securityContext:\n      runAsNonRoot: true\n'), 'net-raw-not-dropped', BASELINE), pod('    securityContext:\n      runAsNonRoot: true\n      capabilities:\n        drop:\n        - NET_RAW\n'));
  // At restricted capabilities-restricted reports it instead.
  assert.deepEqual(findings(pod(''), DEFAULT_SETTINGS, 'net-raw-not-dropped'), []);
});

test('writable-host-path: sets readOnly: true on the mount', () => {
  const spec = (ro: string) => `    volumeMounts:\n    - name: data\n      mountPath: /data${ro}\n  volumes:\n  - name: data\n    hostPath:\n      path: /srv/data\n`;
  assert.equal(fixed(pod(spec('')), 'writable-host-path'), pod(spec('\n      readOnly: true')));
  assert.equal(fixed(pod(spec('\n      readOnly: false # was')), 'writable-host-path'), pod(spec('\n      readOnly: true # was')));
});

test('image-pull-policy-not-always: sets imagePullPolicy: Always', () => {
  assert.equal(fixed(pod('    imagePullPolicy: IfNotPresent\n'), 'image-pull-policy-not-always'), pod('    imagePullPolicy: Always\n'));
  assert.equal(fixed(pod(''), 'image-pull-policy-not-always'), pod('    imagePullPolicy: Always\n'));
});
