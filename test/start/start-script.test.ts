/**
 * `npm start` (out/scripts/editor/start.js) on a fresh machine: the demo opens a copy of examples/ outside
 * the repository (so fixes tried in the demo never rewrite it), and code-server's ripgrep (Go to File,
 * search) is Debian's `rg`, linked whenever it is on PATH, with a clear message when it is not.
 * `--dry-run` prepares and checks without starting code-server.
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { linkRipgrep, RIPGREP_MISSING } from '../../scripts/editor/code-server-setup';

const REPO = path.join(__dirname, '../../..');
const START = path.join(REPO, 'out/scripts/editor/start.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'k8sg-start-test-'));

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface DryRun {
  workspace: string;
  copiedFrom: string | null;
  ripgrep: boolean;
}

function dryRun(args: string[]): DryRun {
  const r = spawnSync(process.execPath, [START, ...args, '--dry-run', '--no-demo-cluster'], { cwd: REPO, encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  return JSON.parse(r.stdout) as DryRun;
}

const inside = (p: string, dir: string): boolean => !path.relative(fs.realpathSync(dir), p).startsWith('..');

describe('npm start: the workspace', () => {
  it('examples/ is opened as a copy outside the repository, deleted on exit', () => {
    const before = fs.readFileSync(path.join(REPO, 'examples/insecure/deploy.yaml'), 'utf8');
    const out = dryRun(['examples']);
    assert.equal(out.copiedFrom, path.join(REPO, 'examples'));
    assert.ok(!inside(out.workspace, REPO), `${out.workspace} is outside ${REPO}`);
    assert.ok(out.workspace.startsWith(os.tmpdir()), out.workspace);
    assert.equal(path.basename(out.workspace), 'examples');
    assert.ok(!fs.existsSync(out.workspace), 'the copy is removed when start exits');
    assert.equal(fs.readFileSync(path.join(REPO, 'examples/insecure/deploy.yaml'), 'utf8'), before);
  });

  it('without a folder argument, the default examples/ is a copy too', () => {
    const out = dryRun([]);
    assert.equal(out.copiedFrom, path.join(REPO, 'examples'));
    assert.ok(!inside(out.workspace, REPO), out.workspace);
  });

  it('--in-place opens the folder itself; a folder outside the repository is never copied', () => {
    assert.deepEqual(dryRun(['examples', '--in-place']).workspace, path.join(REPO, 'examples'));
    const own = path.join(tmp, 'my-project');
    fs.mkdirSync(own);
    const out = dryRun([own]);
    assert.equal(out.workspace, own);
    assert.equal(out.copiedFrom, null);
  });

  it("code-server's ripgrep works here (.ci/run installs rg)", () => {
    assert.equal(dryRun(['examples']).ripgrep, true, RIPGREP_MISSING);
  });
});

describe("npm start: code-server's ripgrep", () => {
  // a code-server layout whose @vscode/ripgrep postinstall never downloaded rg
  const fakeCodeServer = path.join(tmp, 'code-server');
  const rgPackage = path.join(fakeCodeServer, 'lib/vscode/node_modules/@vscode/ripgrep');
  fs.mkdirSync(rgPackage, { recursive: true });

  it('reports missing rg with how to install it', () => {
    const lines: string[] = [];
    assert.equal(linkRipgrep(fakeCodeServer, (l) => lines.push(l), path.join(tmp, 'empty-path')), false);
    assert.match(lines.join('\n'), /ripgrep \(`rg`\) is not on PATH/);
    assert.match(RIPGREP_MISSING, /apt-get install -y ripgrep/);
  });

  it('links rg from PATH once it is installed (also after the one-time setup)', () => {
    const bin = path.join(tmp, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'rg'), '#!/bin/sh\necho fake-rg\n', { mode: 0o755 });
    assert.equal(linkRipgrep(fakeCodeServer, () => undefined, bin), true);
    const linked = path.join(rgPackage, 'bin/rg');
    assert.equal(fs.realpathSync(linked), path.join(bin, 'rg'));
    assert.equal(spawnSync(linked, { encoding: 'utf8' }).stdout.trim(), 'fake-rg');
  });
});
