/** Limits through the CLI: a per-file time limit that cuts a file short is reported, never silent. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { REPO } from '../helpers/lsp-client';
import { BIN } from '../helpers/cli';

const scan = (args: string[]) => spawnSync(process.execPath, [BIN, 'scan', ...args], { encoding: 'utf8', cwd: REPO });

test('--time-limit: a file cut short gets a not-analysed error (exit 1); generous limits change nothing', () => {
  const cut = scan(['examples/insecure/pod.yaml', '--time-limit', '0.0001', '--format', 'json']);
  assert.equal(cut.status, 1, cut.stderr);
  assert.match(cut.stderr, /not analysed: examples\/insecure\/pod\.yaml: analysis stopped after [\d.]+ ms \(--time-limit 0\.0001\); its findings are incomplete/);
  const na = JSON.parse(cut.stdout).findings.filter((f: { rule: string }) => f.rule === 'not-analysed');
  assert.equal(na.length, 1);
  assert.match(na[0].message, /^Not analysed: the analysis stopped after [\d.]+ ms, over the time limit of 0\.0001 ms \(--time-limit\)\. The findings shown for this file may be incomplete/);
  const full = scan(['examples/insecure/pod.yaml', '--format', 'json']);
  const generous = scan(['examples/insecure/pod.yaml', '--format', 'json', '--time-limit', '600000']);
  assert.equal(generous.stdout, full.stdout);
  assert.ok(JSON.parse(full.stdout).findings.length > JSON.parse(cut.stdout).findings.length);
  assert.equal(scan(['examples/insecure/pod.yaml', '--time-limit', 'soon']).status, 2);
});
