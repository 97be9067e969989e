/**
 * Helm in the language server (a real helm 4 from the devDependencies):
 * charts are rendered on start and on save, diagnostics land on the template
 * and values lines, a hover on a template line shows what it rendered, and
 * Restricted Mode renders nothing (templates stay `not-analysed`).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient, REPO } from '../helpers/lsp-client';
import { helmBinaries } from '../helpers/helm';

const OWN = path.join(REPO, 'test/fixtures/helm/own');
const HELM = helmBinaries().find((h) => h.major === 4);

async function withServer(settings: unknown, fn: (lsp: LspClient, dir: string, uri: (rel: string) => string) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8sg-lsp-helm-'));
  fs.cpSync(OWN, dir, { recursive: true });
  const lsp = new LspClient();
  try {
    await lsp.initialize(pathToFileURL(dir).href, settings);
    await fn(lsp, dir, (rel) => pathToFileURL(path.join(dir, rel)).href);
  } finally {
    await lsp.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('charts are analysed as rendered: findings on the values and template lines, hover shows the rendered value, save renders again', { skip: !HELM }, () =>
  withServer({ helm: { command: HELM?.path } }, async (lsp, dir, uri) => {
    const values = uri('charts/web/charts/agent/values.yaml');
    const priv = (await lsp.waitForDiagnostics(values, (d) => d.some((x) => x.code === 'privileged-container'), 30000)).find((x) => x.code === 'privileged-container')!;
    assert.equal(priv.range.start.line, 0);
    assert.deepEqual(
      priv.relatedInformation?.map((r) => [r.location.uri, r.location.range.start.line, r.message]),
      [[uri('charts/web/charts/agent/templates/daemonset.yaml'), 17, 'the template line that renders it']],
    );
    const tpl = uri('charts/web/charts/agent/templates/daemonset.yaml');
    const onTemplate = await lsp.waitForDiagnostics(tpl, (d) => d.some((x) => x.code === 'host-path-volumes'), 30000);
    assert.ok(!onTemplate.some((x) => x.code === 'not-analysed'));
    assert.equal(onTemplate.find((x) => x.code === 'host-path-volumes')!.range.start.line, 25);
    const broken = await lsp.waitForDiagnostics(uri('charts/broken/Chart.yaml'), (d) => d.length > 0, 30000);
    assert.equal(broken[0].code, 'helm-render-failed');
    assert.match(broken[0].message, /replicas is required/);

    // Hover on `hostNetwork: {{ .Values.hostNetwork }}`: what each release rendered.
    const deployment = uri('charts/web/templates/deployment.yaml');
    lsp.open(deployment, fs.readFileSync(path.join(dir, 'charts/web/templates/deployment.yaml'), 'utf8'));
    const hover = (await lsp.conn.sendRequest('textDocument/hover', { textDocument: { uri: deployment }, position: { line: 16, character: 8 } })) as { contents: { value: string } } | null;
    assert.ok(hover, 'a hover on the template line');
    assert.match(hover.contents.value, /release `web-dev`:\n\n```yaml\nfalse/);
    assert.match(hover.contents.value, /release `web-prod`:\n\n```yaml\ntrue/);

    // The quick fix edits the values line (a value change), not the rendered text.
    const actions = (await lsp.conn.sendRequest('textDocument/codeAction', {
      textDocument: { uri: values },
      range: priv.range,
      context: { diagnostics: [priv], only: ['quickfix'] },
    })) as { title: string; edit?: { changes?: Record<string, { range: { start: { line: number; character: number } }; newText: string }[]> } }[];
    const fix = actions.find((x) => /privileged: false/.test(x.title))!;
    assert.ok(fix, JSON.stringify(actions.map((x) => x.title)));
    assert.deepEqual(Object.keys(fix.edit!.changes!), [values]);
    assert.deepEqual(fix.edit!.changes![values].map((e) => [e.range.start.line, e.range.start.character, e.newText]), [[0, 12, 'false']]);

    // Fix the value and save: rendered again, the finding is gone.
    const file = path.join(dir, 'charts/web/charts/agent/values.yaml');
    const fixed = fs.readFileSync(file, 'utf8').replace('privileged: true', 'privileged: false');
    lsp.open(values, fs.readFileSync(file, 'utf8'));
    lsp.change(values, fixed);
    fs.writeFileSync(file, fixed);
    void lsp.conn.sendNotification('textDocument/didSave', { textDocument: { uri: values } });
    await lsp.waitForDiagnostics(values, (d) => !d.some((x) => x.code === 'privileged-container'), 30000);
  }));

test('Restricted Mode (trusted: false): no chart is rendered, each template is a not-analysed error', { skip: !HELM }, () =>
  withServer({ trusted: false, helm: { command: HELM?.path } }, async (lsp, _dir, uri) => {
    const tpl = uri('charts/web/templates/deployment.yaml');
    lsp.open(tpl, fs.readFileSync(path.join(OWN, 'charts/web/templates/deployment.yaml'), 'utf8'));
    const d = await lsp.waitForDiagnostics(tpl, (x) => x.length > 0, 30000);
    assert.deepEqual(d.map((x) => x.code), ['not-analysed']);
    await new Promise((r) => setTimeout(r, 1500));
    assert.ok(!(lsp.diagnostics.get(uri('charts/web/charts/agent/values.yaml'))?.diagnostics ?? []).some((x) => x.code === 'privileged-container'));
  }));
