/** Limits through the CLI: a per-file time limit that cuts a file short is reported, never silent. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO } from '../helpers/lsp-client';

const BIN = path.join(REPO, 'bin/k8s-guardrails.js');
const scan = (args: string[]) => spawnSync(process.execPath, [BIN, 'scan', ...args], { encoding: 'utf8', cwd: REPO });

test('--time-limit: a file cut short is an error naming it (exit 2); generous limits change nothing', () => {
  const cut = scan(['examples/insecure/pod.yaml', '--time-limit', '0.0001', '--format', 'json']);
  assert.equal(cut.status, 2, cut.stderr);
  assert.match(cut.stderr, /analysis of examples\/insecure\/pod\.yaml stopped after [\d.]+ ms \(--time-limit 0\.0001\): its findings are incomplete/);
  const full = scan(['examples/insecure/pod.yaml', '--format', 'json']);
  const generous = scan(['examples/insecure/pod.yaml', '--format', 'json', '--time-limit', '600000']);
  assert.equal(generous.stdout, full.stdout);
  assert.ok(JSON.parse(full.stdout).findings.length > JSON.parse(cut.stdout).findings.length);
  assert.equal(scan(['examples/insecure/pod.yaml', '--time-limit', 'soon']).status, 2);
});
