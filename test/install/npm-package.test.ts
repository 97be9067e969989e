/**
 * The npm package as a user gets it: `npm pack` from a clean copy of the source tree (only the files git
 * tracks or would track, so nothing built beforehand; the `prepack` script must build the bundles), then
 * `npm install -g --prefix <tmp> <tgz>` offline with an empty npm cache (the package must need no
 * registry), then the installed `k8s-guardrails` binary: `scan` finds a problem, and `lsp --stdio` answers
 * diagnostics, a quick fix and schema completion (the schemas must ship in the package).
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CompletionList } from 'vscode-languageserver-protocol';
import { LspClient, REPO } from '../helpers/lsp-client';
import { webDeployment } from '../helpers/manifests';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'k8sg-npm-package-'));
const source = path.join(tmp, 'source');
const prefix = path.join(tmp, 'prefix');
const BIN = path.join(prefix, 'bin', 'k8s-guardrails');
const installed = path.join(prefix, 'lib', 'node_modules', 'k8s-guardrails');

const DEPLOYMENT = webDeployment('            privileged: true\n            \n'); // the blank last line: where completion is asked

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): { stdout: string; stderr: string; status: number | null; ms: number } {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? ''), status: r.status, ms: Date.now() - t0 };
}

/** npm with the user's config but a private, empty cache and no registry: anything fetched fails. */
function npmEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    npm_config_cache: path.join(tmp, 'npm-cache'),
    npm_config_offline: 'true',
    npm_config_registry: 'http://127.0.0.1:9/',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
}

let tarball = '';

before(() => {
  // A clean tree: the files git knows (tracked, or new and not ignored), as they are in the working tree.
  const files = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], REPO);
  assert.equal(files.status, 0, `git ls-files: ${files.stderr}`);
  for (const f of files.stdout.split('\0').filter(Boolean)) {
    const from = path.join(REPO, f);
    if (!fs.existsSync(from) || f === 'node_modules') continue; // deleted in the working tree; the symlink
    fs.mkdirSync(path.dirname(path.join(source, f)), { recursive: true });
    fs.copyFileSync(from, path.join(source, f));
  }
  assert.ok(!fs.existsSync(path.join(source, 'server/out')), 'the copy holds no build output');
  fs.symlinkSync(fs.realpathSync(path.join(REPO, 'node_modules')), path.join(source, 'node_modules'));

  // .npmrc sets ignore-scripts (for dependencies' install scripts); a release runs `npm run pack`, which is this.
  const pack = run('npm', ['pack', '--ignore-scripts=false', '--json', '--pack-destination', tmp], source, { ...process.env, npm_config_update_notifier: 'false' });
  assert.equal(pack.status, 0, `npm pack failed:\n${pack.stderr.slice(-4000)}`);
  const info = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('[')))[0] as { filename: string; size: number; unpackedSize: number; entryCount: number };
  tarball = path.join(tmp, info.filename);
  console.log(`# npm pack (with prepack build): ${(pack.ms / 1000).toFixed(1)} s, ${info.filename} ${(info.size / 1e6).toFixed(2)} MB (${(info.unpackedSize / 1e6).toFixed(1)} MB unpacked, ${info.entryCount} files)`);

  fs.mkdirSync(prefix);
  const install = run('npm', ['install', '-g', '--prefix', prefix, tarball], tmp, npmEnv());
  assert.equal(install.status, 0, `offline npm install of the tarball failed:\n${install.stdout}\n${install.stderr.slice(-4000)}`);
  console.log(`# npm install -g --prefix (offline, empty cache): ${(install.ms / 1000).toFixed(1)} s`);
});

after(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('npm package, installed from the tarball', () => {
  it('declares no dependencies and ships the bundles, schemas and the file `main` names', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')) as { main: string; dependencies?: object };
    assert.equal(pkg.dependencies, undefined);
    for (const f of [pkg.main, 'server/out/main.js', 'server/out/cluster-cli.js', 'server/out/schema-worker.js', 'schemas/v1.35/index.json', 'schemas/v1.35/_definitions.json', 'snippets/kubernetes.json']) {
      assert.ok(fs.existsSync(path.join(installed, f)), `${f} is in the installed package`);
    }
    assert.ok(!fs.existsSync(path.join(installed, 'server/src')), 'sources are not shipped');
    assert.ok(!fs.existsSync(path.join(installed, 'server/out/main.js.map')), 'source maps are not shipped');
    assert.ok(!fs.existsSync(path.join(installed, 'node_modules')), 'nothing was installed beside it');
  });

  it('`k8s-guardrails scan` runs from the prefix and reports a privileged container', () => {
    const file = path.join(tmp, 'work', 'deploy.yaml');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, DEPLOYMENT);
    const r = run(BIN, ['scan', '--format', 'json', 'deploy.yaml'], path.dirname(file));
    assert.equal(r.status, 1, r.stderr);
    const out = JSON.parse(r.stdout) as { findings: { rule: string; file: string }[] };
    assert.ok(out.findings.some((f) => f.rule === 'privileged-container' && f.file === 'deploy.yaml'), r.stdout);
    const version = run(BIN, ['--version'], tmp);
    assert.match(version.stdout, /0\.\d+\.\d+/);
  });

  describe('`k8s-guardrails lsp --stdio` from the prefix', () => {
    let lsp: LspClient;
    const uri = pathToFileURL(path.join(tmp, 'work', 'lsp.yaml')).href;

    before(async () => {
      lsp = new LspClient(['lsp', '--stdio'], { file: BIN, cwd: tmp });
      await lsp.initialize(null);
      lsp.open(uri, DEPLOYMENT);
    });

    after(() => lsp.close());

    it('publishes the finding and offers its quick fix', async () => {
      const diags = await lsp.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'privileged-container'), 20_000);
      const d = diags.find((x) => x.code === 'privileged-container')!;
      const actions = await lsp.codeActions(uri, d.range, [d]);
      const fix = actions.find((a) => a.kind === 'quickfix' && a.edit);
      assert.ok(fix, JSON.stringify(actions.map((a) => a.title)));
      const edits = Object.values(fix.edit!.changes ?? {}).flat();
      assert.ok(edits.some((e) => /false/.test(e.newText)), JSON.stringify(edits));
    });

    it('completes Kubernetes schema fields inside a container securityContext (schemas shipped)', async () => {
      const lines = DEPLOYMENT.split('\n');
      const position = { line: lines.length - 2, character: 12 };
      const list = await lsp.request<CompletionList | null>('textDocument/completion', { textDocument: { uri }, position });
      const labels = (list?.items ?? []).map((i) => i.label);
      for (const field of ['runAsNonRoot', 'readOnlyRootFilesystem', 'allowPrivilegeEscalation']) assert.ok(labels.includes(field), `${field} in ${labels.join(', ')}\nstderr: ${lsp.stderr}`);
    });
  });
});
