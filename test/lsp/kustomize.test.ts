/**
 * Kustomize in the language server (real `kubectl kustomize`): overlays are
 * rendered on start and on save, diagnostics land on the patch and base
 * files, a patch is never analysed on its own, Restricted Mode renders
 * nothing, and suppressed findings show as hints with k8sGuardrails.showSuppressed.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { LspClient, REPO } from '../helpers/lsp-client';

const SHOP = path.join(REPO, 'test/fixtures/kustomize/shop');

function workspace(src = SHOP): { dir: string; uri: (rel: string) => string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8sg-lsp-kustomize-'));
  fs.cpSync(src, dir, { recursive: true });
  return { dir, uri: (rel) => pathToFileURL(path.join(dir, rel)).href };
}

/** A copy of the shop fixture, a language server on it; both gone afterwards. */
async function withServer(settings: unknown, fn: (lsp: LspClient, ws: ReturnType<typeof workspace>) => Promise<void>, src = SHOP): Promise<void> {
  const ws = workspace(src);
  const lsp = new LspClient();
  try {
    await lsp.initialize(pathToFileURL(ws.dir).href, settings);
    await fn(lsp, ws);
  } finally {
    await lsp.close();
    fs.rmSync(ws.dir, { recursive: true, force: true });
  }
}

const codes = (d: Diagnostic[]) => d.map((x) => `${x.range.start.line + 1} ${x.code}`).sort();

test('overlays are analysed as rendered: diagnostics on the patch, the inline patch and the base; none on a patch alone', () =>
  withServer({}, async (lsp, { dir, uri }) => {
  // Rendered: the pod-level runAsNonRoot of the base applies (the patch alone would be run-as-non-root too).
  const rendered = (d: Diagnostic[]) => d.some((x) => x.code === 'privileged-container') && !d.some((x) => x.code === 'run-as-non-root');
  const sidecar = await lsp.waitForDiagnostics(uri('overlays/staging/debug-sidecar.yaml'), rendered, 30000);
  const priv = sidecar.find((x) => x.code === 'privileged-container')!;
  assert.equal(priv.range.start.line, 11);
  assert.match(priv.message, /container "debug"/);
  assert.equal(priv.source, 'k8s-guardrails');
  assert.deepEqual(priv.relatedInformation?.map((r) => [r.location.uri, r.message]), [[uri('overlays/staging/kustomization.yaml'), 'rendered by this kustomization as Deployment staging-web in namespace shop-staging']]);
  const prod = await lsp.waitForDiagnostics(uri('overlays/production/kustomization.yaml'), (d) => d.some((x) => x.code === 'allow-privilege-escalation'), 30000);
  assert.deepEqual(codes(prod), ['21 allow-privilege-escalation']);
  const broken = await lsp.waitForDiagnostics(uri('overlays/broken/kustomization.yaml'), (d) => d.length > 0, 30000);
  assert.equal(broken[0].code, 'kustomize-build-failed');
  assert.match(broken[0].message, /missing-patch\.yaml/);
  const base = await lsp.waitForDiagnostics(uri('base/deployment.yaml'), (d) => d.some((x) => x.code === 'image-latest-tag'), 30000);
  assert.equal(base.filter((x) => x.code === 'image-latest-tag').length, 1, 'seen through three overlays, shown once');
  // The partial patch: opened in the editor, it raises nothing of its own.
  const replicas = uri('overlays/staging/replicas.yaml');
  lsp.open(replicas, fs.readFileSync(path.join(dir, 'overlays/staging/replicas.yaml'), 'utf8'));
  await new Promise((r) => setTimeout(r, 1500));
  assert.deepEqual(lsp.diagnostics.get(replicas)?.diagnostics ?? [], []);
  // A plain file next to the overlays sees the rendered NetworkPolicies (namespace shop-staging, prefixed names).
  const plain = await lsp.waitForDiagnostics(uri('plain.yaml'), (d) => d.some((x) => x.code === 'netpol-dns-not-allowed'), 30000);
  assert.match(plain.find((x) => x.code === 'netpol-dns-not-allowed')!.message, /staging-default-deny/);
  }));

test('saving a fixed patch renders again and clears its diagnostics', () =>
  withServer({}, async (lsp, { dir, uri }) => {
  const file = path.join(dir, 'overlays/staging/debug-sidecar.yaml');
  const sidecar = uri('overlays/staging/debug-sidecar.yaml');
  await lsp.waitForDiagnostics(sidecar, (d) => d.some((x) => x.code === 'privileged-container') && !d.some((x) => x.code === 'run-as-non-root'), 30000);
  const fixed = fs.readFileSync(file, 'utf8').replace('privileged: true   # reported here, in the patch that sets it', 'privileged: false');
  lsp.open(sidecar, fs.readFileSync(file, 'utf8'));
  lsp.change(sidecar, fixed);
  fs.writeFileSync(file, fixed);
  void lsp.conn.sendNotification('textDocument/didSave', { textDocument: { uri: sidecar } });
  const after = await lsp.waitForDiagnostics(sidecar, (d) => !d.some((x) => x.code === 'privileged-container'), 30000);
  assert.ok(after.some((x) => x.code === 'read-only-root-filesystem'), 'the rest of the sidecar is still reported: ' + JSON.stringify(after));
  }));

test('Restricted Mode (trusted: false): nothing is rendered, files are analysed as written', () =>
  withServer({ trusted: false }, async (lsp, { dir, uri }) => {
  // As written, the replicas patch is a fragment (one note); the sidecar patch's whole container is analysed.
  const replicas = await lsp.waitForDiagnostics(uri('overlays/staging/replicas.yaml'), (d) => d.some((x) => x.code === 'incomplete-resource'), 30000);
  assert.deepEqual(codes(replicas), ['5 incomplete-resource']);
  await lsp.waitForDiagnostics(uri('overlays/staging/debug-sidecar.yaml'), (d) => d.some((x) => x.code === 'privileged-container'), 30000);
  await new Promise((r) => setTimeout(r, 1500));
  assert.ok(!(lsp.diagnostics.get(uri('overlays/broken/kustomization.yaml'))?.diagnostics ?? []).some((x) => x.code === 'kustomize-build-failed'));
  }));

test('kubectl missing: plain files are still analysed; kustomization files are not analysed as written', () =>
  withServer({ kustomize: { command: '/nonexistent/kubectl' } }, async (lsp, { dir, uri }) => {
  const plain = await lsp.waitForDiagnostics(uri('plain.yaml'), (d) => d.some((x) => x.code === 'privileged-container'), 30000);
  assert.ok(plain.length > 0);
  await new Promise((r) => setTimeout(r, 2000));
  assert.deepEqual(lsp.diagnostics.get(uri('overlays/staging/replicas.yaml'))?.diagnostics ?? [], []);
  }));

test('showSuppressed: an ignored finding is a hint that gives the reason; without it, the finding is hidden', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8sg-lsp-suppressed-'));
  const pod = `apiVersion: v1
kind: Pod
metadata:
  name: agent
  annotations:
    ignore.k8s-guardrails.io/privileged-container: "CNI agent; reviewed by platform security"
spec:
  containers:
  - name: agent
    image: nginx:1.27
    securityContext: {privileged: true}
`;
  fs.writeFileSync(path.join(dir, 'pod.yaml'), pod);
  const podUri = pathToFileURL(path.join(dir, 'pod.yaml')).href;
  for (const show of [false, true]) {
    const lsp = new LspClient();
    try {
      await lsp.initialize(pathToFileURL(dir).href, { showSuppressed: show });
      const d = await lsp.waitForDiagnostics(podUri, (x) => x.some((y) => y.code === 'run-as-non-root'), 20000);
      const priv = d.filter((x) => x.code === 'privileged-container');
      if (!show) assert.deepEqual(priv, []);
      else {
        assert.equal(priv.length, 1);
        assert.equal(priv[0].severity, 4 /* Hint */);
        assert.match(priv[0].message, /\[suppressed by annotation: CNI agent; reviewed by platform security\]/);
        const actions = await lsp.codeActions(podUri, priv[0].range, priv);
        assert.ok(!actions.some((a) => /ignore/i.test(a.title)), 'no second ignore for an ignored finding');
        assert.ok(!d.some((x) => x.code === 'unused-ignore'));
      }
    } finally {
      await lsp.close();
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

test('Components: rendered through the overlay that lists them, diagnostics on their JSON 6902 operations; an unused one is no build failure', () =>
  withServer(
    {},
    async (lsp, { dir, uri }) => {
      const insecure = await lsp.waitForDiagnostics(uri('components/insecure/kustomization.yaml'), (d) => d.some((x) => x.code === 'run-as-non-root'), 30000);
      const nonRoot = insecure.find((x) => x.code === 'run-as-non-root')!;
      assert.equal(nonRoot.range.start.line + 1, 8, 'on the remove operation');
      assert.match(nonRoot.message, /from Namespace shop-prod \(prod\/kustomization\.yaml:14\)/);
      await lsp.waitForDiagnostics(uri('components/readonly/writable.yaml'), (d) => d.some((x) => x.code === 'read-only-root-filesystem'), 30000);
      // The unused Component: its kustomization and its patch, opened, show nothing.
      for (const rel of ['components/unused/kustomization.yaml', 'components/unused/host-network.yaml']) lsp.open(uri(rel), fs.readFileSync(path.join(dir, rel), 'utf8'));
      await new Promise((r) => setTimeout(r, 1500));
      assert.deepEqual(lsp.diagnostics.get(uri('components/unused/kustomization.yaml'))?.diagnostics ?? [], []);
      assert.deepEqual(lsp.diagnostics.get(uri('components/unused/host-network.yaml'))?.diagnostics ?? [], []);
    },
    path.join(REPO, 'test/fixtures/kustomize/components'),
  ));

test('renders are cached by their inputs: saving a patch renders only the overlay that reads it', async () => {
  const count = path.join(os.tmpdir(), `k8sg-lsp-render-count-${process.pid}`);
  const tool = `${count}.sh`;
  const kubectl = (process.env.PATH ?? '').split(path.delimiter).map((d) => path.join(d, 'kubectl')).find((p) => fs.existsSync(p))!;
  fs.writeFileSync(tool, `#!/bin/sh\necho run >> '${count}'\nexec '${kubectl}' "$@"\n`, { mode: 0o755 });
  fs.writeFileSync(count, '');
  const runs = () => fs.readFileSync(count, 'utf8').split('\n').filter(Boolean).length;
  try {
    await withServer({ kustomize: { command: tool } }, async (lsp, { dir, uri }) => {
      const sidecar = uri('overlays/staging/debug-sidecar.yaml');
      await lsp.waitForDiagnostics(sidecar, (d) => d.some((x) => x.code === 'privileged-container'), 30000);
      await lsp.waitForDiagnostics(uri('overlays/broken/kustomization.yaml'), (d) => d.some((x) => x.code === 'kustomize-build-failed'), 30000);
      const first = runs();
      assert.equal(first, 3, 'staging, production and broken render once at start');
      const file = path.join(dir, 'overlays/staging/debug-sidecar.yaml');
      const fixed = fs.readFileSync(file, 'utf8').replace('privileged: true   # reported here, in the patch that sets it', 'privileged: false');
      lsp.open(sidecar, fs.readFileSync(file, 'utf8'));
      lsp.change(sidecar, fixed);
      fs.writeFileSync(file, fixed);
      void lsp.conn.sendNotification('textDocument/didSave', { textDocument: { uri: sidecar } });
      await lsp.waitForDiagnostics(sidecar, (d) => !d.some((x) => x.code === 'privileged-container'), 30000);
      assert.equal(runs(), first + 1, 'only the staging overlay ran again; the others came from the cache');
    });
  } finally {
    fs.rmSync(count, { force: true });
    fs.rmSync(tool, { force: true });
  }
});
