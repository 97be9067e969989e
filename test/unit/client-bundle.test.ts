/**
 * The VS Code client's bundles (client/out/extension.js, client/out/cluster.js)
 * carry no engine code: the client asks the language server (shared/protocol)
 * and shares only engine-free code with it (shared/). Read from esbuild's
 * metafile of a build made in memory (scripts/build.mjs --metafile --no-write).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

// compiled: out/test/unit/client-bundle.test.js
const root = path.resolve(__dirname, '../../..');

interface Metafile {
  inputs: Record<string, unknown>;
  outputs: Record<string, { bytes: number; inputs: Record<string, unknown> }>;
}

test('the client bundles hold no server code: no engine, no vendored YAML loader', { timeout: 180_000 }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'k8sg-client-meta-'));
  try {
    const r = spawnSync(process.execPath, ['scripts/build.mjs', `--metafile=${dir}`, '--no-write', '--only=client/out/'], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, `build failed:\n${r.stdout}\n${r.stderr}`);
    for (const [bundle, entry] of [
      ['client-extension', 'client/src/extension.ts'],
      ['client-cluster', 'client/src/cluster-entry.ts'],
    ]) {
      const meta = JSON.parse(readFileSync(path.join(dir, `${bundle}.json`), 'utf8')) as Metafile;
      const inputs = Object.keys(meta.inputs);
      // the metafile lists what the bundle was built from (else this test would pass on nothing)
      assert.ok(inputs.includes(entry), `${bundle}: ${entry} is not among its inputs`);
      const engine = inputs.filter((f) => f.startsWith('server/src/engine/') || /js-yaml-loader/.test(f));
      assert.deepEqual(engine, [], `${bundle} bundles engine code (through which import? see \`node scripts/build.mjs --metafile=DIR\`)`);
      // stronger: the client reaches into no server folder at all; what both sides need lives in shared/
      const server = inputs.filter((f) => f.startsWith('server/'));
      assert.deepEqual(server, [], `${bundle} bundles server code: move what the client needs to shared/ (no engine imports) or ask the server`);
    }
    // the cluster features evaluate NetworkPolicies with the shared library, not the engine's copy
    const cluster = JSON.parse(readFileSync(path.join(dir, 'client-cluster.json'), 'utf8')) as Metafile;
    assert.ok(Object.keys(cluster.inputs).includes('shared/netpol/model.ts'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
