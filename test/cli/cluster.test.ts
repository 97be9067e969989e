/**
 * `k8s-guardrails cluster scan|trace|isolate|release` as a real process against the
 * in-repo API simulator (demo seed): output, exit codes, what changed in the cluster.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { startSimulator, Simulator } from '../simulator/server';
import { DEMO, HOSTILE } from '../simulator/seed';
import { REPO } from '../helpers/lsp-client';
import { BIN } from '../helpers/cli';

const QUARANTINE = 'k8s-guardrails.io/quarantine';
const NS = 'payments';
const POD = DEMO.compromisedPod;

interface Run { code: number | null; stdout: string; stderr: string }

/** Runs the CLI asynchronously (the simulator serves from this process). HOME is a temp dir: nothing lands in the real one. */
function cli(sim: Simulator, home: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'cluster', ...args, '--kubeconfig', sim.kubeconfigPath], {
      cwd: REPO,
      env: { ...process.env, KUBECONFIG: '', HOME: home, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill(), 90_000);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

/** No raw control or bidi characters, no markup or link syntax from the cluster. */
function assertInert(text: string) {
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(text, /[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/, 'raw control/bidi character in the output');
  assert.ok(!text.includes('<img'), 'raw HTML in the output');
  assert.ok(!text.includes('](javascript:'), 'a Markdown link in the output');
}

const pod = (sim: Simulator, ns = NS, name = POD) => sim.get('v1', 'Pod', ns, name) as { metadata: { labels: Record<string, string>; annotations?: Record<string, string> } } | undefined;
const policies = (sim: Simulator, ns = NS) => sim.list('networking.k8s.io/v1', 'NetworkPolicy', ns).map((p) => (p as { metadata: { name: string } }).metadata.name).sort();

let home: string;
beforeEach(() => { home = fs.mkdtempSync(path.join(os.tmpdir(), 'k8sg-cluster-cli-')); });
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

describe('read-only commands (one simulator)', () => {
  let sim: Simulator;
  before(async () => { sim = await startSimulator({ port: 0, tls: true, seed: 'demo' }); });
  after(async () => { await sim.close(); });

  test('scan --format json: the rules over the live objects, exit 1 for findings, 0 with --fail-on none', async () => {
    const r = await cli(sim, home, ['scan', '--format', 'json']);
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.version, 1);
    assert.equal(out.context, 'sim-token');
    assert.equal(out.exitCode, 1);
    assert.deepEqual(out.errors, []);
    assert.ok(out.objects > 20, `objects: ${out.objects}`);
    const privileged = out.findings.find((f: { rule: string; file: string }) => f.rule === 'privileged-container' && f.file.includes('/payments/Deployment/legacy-batch.yaml'));
    assert.ok(privileged || out.findings.some((f: { file: string }) => f.file.includes('legacy-batch')), 'legacy-batch is reported');
    assert.ok(out.findings.every((f: { file: string }) => f.file.startsWith('k8s-guardrails-live:/sim-token/')));
    assert.ok(out.findings.some((f: { rule: string }) => f.rule === 'rbac-wildcard'), 'cluster-wide RBAC objects are analysed');

    const none = await cli(sim, home, ['scan', '--fail-on', 'none']);
    assert.equal(none.code, 0, none.stderr);
    assert.match(none.stdout, /k8s-guardrails-live:\/sim-token\/payments\/.*legacy-batch\.yaml:\d+:\d+: (error|warning)/);
    assert.match(none.stdout, /Scanned \d+ object\(s\) of context sim-token/);
    assertInert(none.stdout);
  });

  test('scan: a resource type that cannot be listed makes the scan incomplete: exit 2, named, the rest reported', async () => {
    const f = sim.faults.inject({ method: 'GET', pathRegex: /\/clusterrolebindings$/, status: 403 });
    try {
      const r = await cli(sim, home, ['scan', '--format', 'json']);
      assert.equal(r.code, 2, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out.errors.length, 1);
      assert.match(out.errors[0], /clusterrolebindings.*403/);
      assert.ok(out.findings.length > 0);
      assert.match(r.stderr, /clusterrolebindings/);
    } finally { f.remove(); }
  });

  test('trace: the reverse shell to the public address, text and JSON, exit 0', async () => {
    const r = await cli(sim, home, ['trace', `${NS}/${POD}`]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Egress trace of pod ${NS}/${POD}`));
    assert.match(r.stdout, new RegExp(`${DEMO.attackerIp.replace(/\./g, '\\.')}:${DEMO.attackerPort} public`));
    assertInert(r.stdout);
    const j = await cli(sim, home, ['trace', POD, '-n', NS, '--format', 'json']);
    assert.equal(j.code, 0, j.stderr);
    const out = JSON.parse(j.stdout);
    assert.equal(out.trace.observation.status, 'ok');
    assert.ok(out.trace.connections.some((c: { remote: { address: string; port: number } }) => c.remote.address === DEMO.attackerIp && c.remote.port === DEMO.attackerPort));
  });

  test('trace of a pod whose sockets cannot be read: the policy view, exit 1 (incomplete)', async () => {
    const r = await cli(sim, home, ['trace', `default/${DEMO.hostilePod}`]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /What the NetworkPolicies allow/);
    assert.match(r.stderr, /trace incomplete/);
  });

  test('a missing pod: exit 2, the 404 in words, for every command', async () => {
    for (const cmd of [['trace'], ['isolate', '--dry-run'], ['release', '--dry-run']]) {
      const r = await cli(sim, home, [...cmd, `${NS}/no-such-pod`]);
      assert.equal(r.code, 2, `${cmd.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /does not exist \(404/, cmd.join(' '));
    }
    const j = await cli(sim, home, ['isolate', `${NS}/no-such-pod`, '--dry-run', '--format', 'json']);
    assert.equal(j.code, 2);
    assert.equal(JSON.parse(j.stdout).status, 'error');
  });

  test('invalid names, a missing --reason or --yes with --dry-run: exit 2 before any request', async () => {
    const counter = sim.faults.inject({ pathRegex: /./ });
    try {
      const cases: [string[], RegExp][] = [
        [['trace', 'Payments/x'], /invalid namespace "Payments"/],
        [['trace', 'payments/../../etc'], /invalid pod name/],
        [['isolate', `default/evil\u202eexe.pdf`, '--dry-run'], /invalid pod name "evil\\u\{202E\}exe\.pdf"/],
        [['isolate', 'x', '-n', 'bad_ns', '--dry-run'], /invalid namespace "bad_ns"/],
        [['release', `${NS}/${'a'.repeat(254)}`, '--yes'], /invalid pod name/],
        [['trace', `${NS}/${POD}`, '--container', 'A;rm'], /invalid container name/],
        [['isolate', `${NS}/${POD}`, '--yes'], /needs --reason/],
        [['isolate', `${NS}/${POD}`, '--yes', '--dry-run', '--reason', 'x'], /choose one/],
        [['isolate', `${NS}/${POD}`, '-n', 'shop'], /names namespace "payments" but --namespace is "shop"/],
        [['scan', '--reason', 'x'], /does not apply/],
        [['explode'], /unknown cluster command/],
      ];
      for (const [args, err] of cases) {
        const r = await cli(sim, home, args);
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, err, args.join(' '));
        assertInert(r.stderr);
      }
      assert.equal(counter.hits, 0, 'no request reached the API server');
    } finally { counter.remove(); }
  });
});

describe('isolate and release (a fresh simulator each)', () => {
  let sim: Simulator;
  beforeEach(async () => { sim = await startSimulator({ port: 0, tls: true, seed: 'demo' }); });
  afterEach(async () => { await sim.close(); });

  test('isolate without --yes prints the plan, exits 2 and writes nothing', async () => {
    const writes = ['POST', 'PUT', 'PATCH', 'DELETE'].map((method) => sim.faults.inject({ method }));
    const labels = pod(sim)!.metadata.labels;
    const r = await cli(sim, home, ['isolate', `${NS}/${POD}`]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stdout, /Isolation plan for pod payments\/checkout/);
    assert.match(r.stdout, /Remove label app=checkout/);
    assert.match(r.stderr, /no --yes \(or --dry-run\).*Nothing was changed/);
    assert.deepEqual(writes.map((w) => w.hits), [0, 0, 0, 0]);
    assert.deepEqual(pod(sim)!.metadata.labels, labels);
    assert.ok(!fs.existsSync(path.join(home, 'k8s-guardrails-evidence')));
  });

  test('isolate --dry-run: exit 0, nothing stored, no evidence', async () => {
    const labels = pod(sim)!.metadata.labels;
    const before = policies(sim);
    const r = await cli(sim, home, ['isolate', `${NS}/${POD}`, '--dry-run', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.status, 'dry-run');
    assert.equal(out.exitCode, 0);
    assert.ok(out.audit.every((a: { dryRun?: boolean }) => a.dryRun));
    assert.deepEqual(pod(sim)!.metadata.labels, labels);
    assert.deepEqual(policies(sim), before);
    assert.ok(!fs.existsSync(path.join(home, 'k8s-guardrails-evidence')), 'a dry run saves no evidence');
  });

  test('isolate --yes: exit 0, quarantined, evidence in the default folder; release --yes: exit 0, restored; again: 0 (not isolated)', async () => {
    const labels = pod(sim)!.metadata.labels;
    const r = await cli(sim, home, ['isolate', `${NS}/${POD}`, '--yes', '--reason', 'falco: reverse shell', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.status, 'isolated');
    assert.deepEqual(out.doubts, []);
    assert.ok(out.verification.length > 0 && out.verification.every((v: { ok: boolean }) => v.ok));
    const p = pod(sim)!;
    assert.ok(p.metadata.labels[QUARANTINE]);
    assert.equal(p.metadata.labels.app, undefined);
    assert.match(p.metadata.annotations?.['k8s-guardrails.io/quarantine-audit'] ?? '', /falco: reverse shell/);
    assert.ok(policies(sim).includes('k8s-guardrails-quarantine'));
    // the editor's default evidence folder (HOME is the test's temp dir)
    assert.equal(path.dirname(out.evidence.dir), path.join(home, 'k8s-guardrails-evidence'));
    assert.ok(fs.existsSync(path.join(out.evidence.dir, 'manifest.json')));

    const rel = await cli(sim, home, ['release', `${NS}/${POD}`, '--yes']);
    assert.equal(rel.code, 0, rel.stderr);
    assert.match(rel.stdout, /Released pod payments\//);
    const after = pod(sim);
    if (after) {
      assert.equal(after.metadata.labels[QUARANTINE], undefined);
      assert.equal(after.metadata.labels.app, labels.app);
    }
    assert.ok(!policies(sim).includes('k8s-guardrails-quarantine'));
    if (after) {
      const again = await cli(sim, home, ['release', `${NS}/${POD}`, '--yes', '--format', 'json']);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(JSON.parse(again.stdout).status, 'not-isolated');
    }
  });

  test('release without --yes: exit 2, nothing changed', async () => {
    const e = fs.mkdtempSync(path.join(home, 'ev-'));
    assert.equal((await cli(sim, home, ['isolate', `${NS}/${POD}`, '--yes', '--reason', 'r', '--evidence-dir', e])).code, 0);
    const labels = pod(sim)!.metadata.labels;
    const r = await cli(sim, home, ['release', `${NS}/${POD}`]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no --yes/);
    assert.deepEqual(pod(sim)!.metadata.labels, labels);
    assert.ok(fs.readdirSync(e).length === 1, 'the evidence went to --evidence-dir');
  });

  test('isolate a hostNetwork pod: applied but NOT isolated → exit 1', async () => {
    const r = await cli(sim, home, ['isolate', `default/${DEMO.hostNetworkPod}`, '--yes', '--reason', 'test', '--evidence-dir', home]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /NOT isolated: pod default\/\S+ — the pod uses hostNetwork/);
    assert.match(r.stderr, /not verified as isolated/);
    assert.ok(pod(sim, 'default', DEMO.hostNetworkPod)!.metadata.labels[QUARANTINE]);
  });

  test('a refused patch with hostile text from the cluster: exit 2, rolled back, the text printed inert', async () => {
    const message = `admission webhook "guard" denied the request: ${HOSTILE.markdown} ${HOSTILE.imgXss} ${HOSTILE.ansi} ${HOSTILE.bidi}`;
    sim.faults.inject({ method: 'PATCH', pathRegex: new RegExp(`/pods/${POD}$`), status: 403, times: 1, body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Forbidden', code: 403, message } });
    const labels = pod(sim)!.metadata.labels;
    const before = policies(sim);
    const r = await cli(sim, home, ['isolate', `${NS}/${POD}`, '--yes', '--reason', 'r', '--evidence-dir', home]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stdout + r.stderr, /Isolation failed at step "patch"/);
    assert.match(r.stdout, /denied the request/);
    assertInert(r.stdout);
    assertInert(r.stderr);
    assert.deepEqual(pod(sim)!.metadata.labels, labels);
    assert.deepEqual(policies(sim), before);
  });
});

test('scan, rbac and lsp do not load the cluster code: main.js, cli.js and lsp.js have no @kubernetes/client-node', () => {
  const ops = fs.readFileSync(path.join(REPO, 'server/out/cluster-cli.js'), 'utf8');
  // esbuild marks each bundled module with its path
  assert.match(ops, /node_modules\/@kubernetes\/client-node\//);
  for (const bundle of ['main.js', 'cli.js', 'lsp.js']) {
    const code = fs.readFileSync(path.join(REPO, 'server/out', bundle), 'utf8');
    assert.doesNotMatch(code, /@kubernetes\/client-node/, bundle);
    assert.ok(code.length < ops.length / 3, `${bundle} ${code.length} bytes, cluster-cli.js ${ops.length}`);
  }
});
