/** `files.exclude` (sent by the client as workspace.exclude): excluded workspace files are not indexed. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from '../helpers/lsp-client';
import { FLOW_PRIVILEGED_POD } from '../helpers/manifests';

test('workspace scan honours files.exclude globs: braces, classes, **/name only as a whole segment', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8sg-exclude-'));
  const files = ['build/out/pod.yaml', 'dist/pod.yaml', 'gen/pod.yaml', 'x/gen/pod.yaml', 'regen/pod.yaml', 'apps/pod1.yaml', 'apps/podx.yaml', 'keep/pod.yaml'];
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), FLOW_PRIVILEGED_POD);
  }
  const uri = (f: string) => pathToFileURL(path.join(dir, f)).href;
  const lsp = new LspClient();
  try {
    await lsp.initialize(pathToFileURL(dir).href, { workspace: { exclude: ['{build,dist}', '**/gen', 'apps/pod[0-9].yaml'] } });
    const analysed = ['regen/pod.yaml', 'apps/podx.yaml', 'keep/pod.yaml'];
    for (const f of analysed) await lsp.waitForDiagnostics(uri(f), (d) => d.some((x) => x.code === 'privileged-container'));
    await new Promise((r) => setTimeout(r, 500));
    const published = files.filter((f) => lsp.diagnostics.has(uri(f)));
    assert.deepEqual(published, ['regen/pod.yaml', 'apps/podx.yaml', 'keep/pod.yaml']);
  } finally {
    await lsp.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
