/**
 * What the editor's language status item asks the server (`k8sGuardrails/fileStatus`): the PSS level and
 * version in force for a file and where they come from (Namespace labels, config file, setting, default),
 * the size of the index, the schema layer; and the work-done progress the server reports while it indexes
 * the workspace and renders kustomizations, only to a client that declares `window.workDoneProgress`.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient, REPO } from '../helpers/lsp-client';
import { FILE_STATUS_REQUEST, FileStatusResult } from '../../shared/protocol';

const NS = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    pod-security.kubernetes.io/enforce: baseline
    pod-security.kubernetes.io/enforce-version: v1.30
`;
const NS_WARN_ONLY = `apiVersion: v1
kind: Namespace
metadata:
  name: audited
  labels:
    pod-security.kubernetes.io/warn: baseline
`;
const deploy = (ns: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${ns}
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: nginx:1.27
`;

function workspace(files: Record<string, string>): { dir: string; uri: (rel: string) => string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8sg-lsp-status-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return { dir, uri: (rel) => pathToFileURL(path.join(dir, rel)).href };
}

async function withServer(files: Record<string, string>, settings: unknown, fn: (lsp: LspClient, ws: ReturnType<typeof workspace>) => Promise<void>, capabilities: Record<string, unknown> = {}, setup?: (lsp: LspClient) => void): Promise<void> {
  const ws = workspace(files);
  const lsp = new LspClient();
  setup?.(lsp);
  try {
    await lsp.initialize(pathToFileURL(ws.dir).href, settings, capabilities);
    await fn(lsp, ws);
  } finally {
    await lsp.close();
    fs.rmSync(ws.dir, { recursive: true, force: true });
  }
}

/** Asks until the workspace is indexed (`filesIndexed` reaches `files`). */
async function status(lsp: LspClient, uri: string, files: number): Promise<FileStatusResult> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const r = await lsp.request<FileStatusResult>(FILE_STATUS_REQUEST, { uri });
    if (r.filesIndexed >= files && r.filesAnalysed >= files) return r;
    if (Date.now() > deadline) throw new Error(`index not ready: ${JSON.stringify(r)}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

test('fileStatus: the level of a labelled Namespace, with the file and line that set it', () =>
  withServer({ 'ns.yaml': NS, 'web.yaml': deploy('shop'), 'other.yaml': deploy('other'), 'warn.yaml': `${NS_WARN_ONLY}---\n${deploy('audited')}` }, {}, async (lsp, { uri }) => {
    const web = await status(lsp, uri('web.yaml'), 4);
    assert.equal(web.kubernetes, true);
    assert.equal(web.filesIndexed, 4);
    assert.equal(web.schema, true);
    assert.deepEqual(web.pss, [{ namespace: 'shop', level: 'baseline', version: 'v1.30', source: 'namespace', where: 'Namespace shop (ns.yaml:5)', uri: uri('ns.yaml') }]);
    // a namespace the workspace does not define: the default
    const other = await status(lsp, uri('other.yaml'), 4);
    assert.deepEqual(other.pss, [{ namespace: 'other', level: 'restricted', version: 'latest', source: 'default', where: 'the default' }]);
    // a Namespace that only warns: enforce still comes from the default (the Deployment's namespace comes first)
    const warn = await status(lsp, uri('warn.yaml'), 4);
    assert.deepEqual(warn.pss, [{ namespace: 'audited', level: 'restricted', version: 'latest', source: 'default', where: 'the default' }]);
  }));

test('fileStatus: the config file, then the setting; a file with no Kubernetes object; schema off', async () => {
  await withServer({ 'web.yaml': deploy('shop'), '.k8s-guardrails.yaml': 'pss:\n  level: baseline\n  version: v1.29\n' }, {}, async (lsp, { uri }) => {
    const web = await status(lsp, uri('web.yaml'), 1);
    assert.deepEqual(web.pss, [{ namespace: 'shop', level: 'baseline', version: 'v1.29', source: 'config', where: '.k8s-guardrails.yaml', uri: uri('.k8s-guardrails.yaml') }]);
  });
  await withServer({ 'web.yaml': deploy('shop'), 'notes.yaml': 'title: not kubernetes\n' }, { pss: { level: 'privileged' }, schema: { enable: 'off' } }, async (lsp, { uri }) => {
    const web = await status(lsp, uri('web.yaml'), 1);
    assert.deepEqual(web.pss, [{ namespace: 'shop', level: 'privileged', version: 'latest', source: 'setting', where: 'settings (k8sGuardrails.pss)' }]);
    assert.equal(web.schema, false);
    const notes = await lsp.request<FileStatusResult>(FILE_STATUS_REQUEST, { uri: uri('notes.yaml') });
    assert.equal(notes.kubernetes, false);
    // an open, unsaved document the index does not hold on disk
    const untitled = 'untitled:Untitled-1';
    lsp.open(untitled, deploy('shop'));
    await lsp.waitForDiagnostics(untitled);
    const u = await lsp.request<FileStatusResult>(FILE_STATUS_REQUEST, { uri: untitled });
    assert.equal(u.kubernetes, true);
    assert.equal(u.pss[0].level, 'privileged');
  });
});

interface ProgressEvent {
  token: string | number;
  kind: string;
  title?: string;
  message?: string;
}

function recordProgress(created: (string | number)[], events: ProgressEvent[]) {
  return (lsp: LspClient) => {
    lsp.conn.onRequest('window/workDoneProgress/create', (p: { token: string | number }) => {
      created.push(p.token);
      return null;
    });
    lsp.conn.onUnhandledProgress((p: { token: string | number; value: { kind: string; title?: string; message?: string } }) => events.push({ token: p.token, ...p.value }));
  };
}

async function until(what: string, ok: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('progress: begin, report and end around the workspace scan, only for a client that declares window.workDoneProgress', async () => {
  const files: Record<string, string> = { 'ns.yaml': NS };
  for (let i = 0; i < 40; i++) files[`apps/web-${i}.yaml`] = deploy('shop');
  const created: (string | number)[] = [];
  const events: ProgressEvent[] = [];
  await withServer(
    files,
    {},
    async (lsp, { uri }) => {
      await status(lsp, uri('ns.yaml'), 41);
      await until('the end of the indexing progress', () => events.some((e) => e.kind === 'end'));
      assert.equal(created.length, 1, 'one progress: the workspace scan (no kustomization, no chart)');
      const mine = events.filter((e) => e.token === created[0]);
      assert.equal(mine[0].kind, 'begin');
      assert.equal(mine[0].title, 'Kubernetes Guardrails: Indexing workspace YAML');
      assert.equal(mine.at(-1)!.kind, 'end');
      const reports = mine.filter((e) => e.kind === 'report');
      assert.ok(reports.length >= 1, JSON.stringify(mine));
      assert.equal(reports.at(-1)!.message, '41 files');
    },
    { window: { workDoneProgress: true } },
    recordProgress(created, events),
  );

  // the same server, a client without the capability: no create request, no $/progress
  const created2: (string | number)[] = [];
  const events2: ProgressEvent[] = [];
  await withServer(files, {}, async (lsp, { uri }) => {
    await status(lsp, uri('ns.yaml'), 41);
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(created2, []);
    assert.deepEqual(events2, []);
  }, {}, recordProgress(created2, events2));
});

test('progress: Kustomize renders report begin and end', () => {
  const created: (string | number)[] = [];
  const events: ProgressEvent[] = [];
  const ws = workspace({});
  fs.cpSync(path.join(REPO, 'test/fixtures/kustomize/shop'), ws.dir, { recursive: true });
  const lsp = new LspClient();
  recordProgress(created, events)(lsp);
  return (async () => {
    try {
      await lsp.initialize(pathToFileURL(ws.dir).href, {}, { window: { workDoneProgress: true } });
      await until('a Kustomize render progress to begin and end', () => {
        const begin = events.find((e) => e.kind === 'begin' && /^Kubernetes Guardrails: Rendering \d+ kustomizations?$/.test(e.title ?? ''));
        return !!begin && events.some((e) => e.token === begin.token && e.kind === 'end');
      }, 60_000);
      // renders are not counted as workspace files; the files they hold back are
      const deployment = pathToFileURL(path.join(ws.dir, 'base/deployment.yaml')).href;
      const yamlFiles = (fs.readdirSync(ws.dir, { recursive: true }) as string[]).filter((f) => /\.ya?ml$/.test(f)).length;
      const r = await status(lsp, deployment, yamlFiles);
      assert.equal(r.filesIndexed, yamlFiles);
      assert.equal(r.filesAnalysed, yamlFiles);
      assert.equal(r.rendered, 'kustomize');
    } finally {
      await lsp.close();
      fs.rmSync(ws.dir, { recursive: true, force: true });
    }
  })();
});
