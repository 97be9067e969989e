/**
 * The SARIF log's layout and value, through the built CLI: compact, one
 * result per line (the text without its line breaks is `JSON.stringify` of
 * its value), and the same JSON value as the log recorded in
 * test/cli/sarif-layout/expected.sarif.json — recorded with the indented
 * writer before the compact one replaced it, on examples/ and this folder's
 * inputs, which reach every part of a result: logical locations, PSS and
 * Kustomize properties, related locations, both kinds of suppression,
 * numbered duplicate fingerprints, findings without a resource, rule
 * overrides and tool notifications with and without a location. The
 * recording keeps only the ids of `tool.driver.rules` (rule documentation
 * changes often and is written by one `JSON.stringify` in every layout),
 * and stands the version and the checkout's URI for placeholders.
 *
 * A change that adds or changes findings on these inputs on purpose
 * re-records it: `K8SG_RECORD_SARIF=1 node --test out/test/cli/sarif-layout.test.js`
 * (then review the diff: partialFingerprints must not change).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BIN, tmpTree } from '../helpers/cli';
import { REPO } from '../helpers/lsp-client';

const HERE = 'test/cli/sarif-layout';
const EXPECTED = path.join(REPO, HERE, 'expected.sarif.json');

const ARGS = [
  'scan',
  'examples',
  // Before its folder: named on the command line, so its paths.ignore skip is a notification.
  `${HERE}/input/skipped.yaml`,
  `${HERE}/input`,
  '--config',
  `${HERE}/config.yaml`,
  '--format',
  'sarif',
  '--include-suppressed',
  '--disable',
  'rbac-wildcard',
  '--enable',
  'automount-service-account-token=error',
  // The chart is not rendered: a not-analysed result without a resource.
  '--helm',
  '/nonexistent/helm',
];

/** The log as recorded: rule descriptors by id, the version and the checkout's URI as placeholders. */
function normalised(log: any): any {
  const run = log.runs[0];
  const driver = run.tool.driver;
  assert.equal(run.originalUriBaseIds['%SRCROOT%'].uri, pathToFileURL(REPO).href.replace(/\/?$/, '/'));
  return {
    ...log,
    runs: [
      {
        ...run,
        tool: { ...run.tool, driver: { ...driver, version: '<version>', semanticVersion: '<version>', rules: driver.rules.map((r: any) => r.id) } },
        originalUriBaseIds: { '%SRCROOT%': { uri: '<repo>/' } },
      },
    ],
  };
}

test('sarif: compact, one result per line, and the same JSON value as the log the indented writer recorded', () => {
  const r = spawnSync(process.execPath, [BIN, ...ARGS], { cwd: REPO, encoding: 'utf8', maxBuffer: 1 << 28 });
  // Exit 2: the configured release names no chart (an error notification); the log is written all the same.
  assert.equal(r.status, 2, r.stderr);
  const text = r.stdout;
  const log = JSON.parse(text);
  if (process.env.K8SG_RECORD_SARIF) fs.writeFileSync(EXPECTED, JSON.stringify(normalised(log), null, 1) + '\n');

  // The layout: JSON.stringify's text with a line break before each result and before the closing bracket.
  assert.equal(text.replaceAll('\n', ''), JSON.stringify(log));
  const lines = text.split('\n');
  const results = log.runs[0].results;
  assert.equal(lines.length, results.length + 3, 'the head, a line per result, the tail, and the final line break');
  assert.ok(lines[0].endsWith('"results":['));
  results.forEach((result: unknown, i: number) => assert.deepEqual(JSON.parse(lines[1 + i].replace(/,$/, '')), result));
  assert.equal(lines[lines.length - 1], '');

  // The value, fingerprints included.
  const expected = JSON.parse(fs.readFileSync(EXPECTED, 'utf8'));
  assert.deepEqual(normalised(log), expected);
  // What the inputs were chosen for is still in the recording.
  const kinds = (pick: (x: any) => unknown) => results.filter(pick).length;
  assert.ok(kinds((x: any) => x.suppressions?.[0].kind === 'inSource') && kinds((x: any) => x.suppressions?.[0].kind === 'external'));
  assert.ok(kinds((x: any) => x.relatedLocations) && kinds((x: any) => x.properties?.kustomization) && kinds((x: any) => x.properties?.pss));
  assert.ok(kinds((x: any) => !x.locations[0].logicalLocations) && kinds((x: any) => /:\d+$/.test(x.partialFingerprints['k8sGuardrails/v1'])));
  assert.ok(results.some((x: any) => x.message.text.includes('q"b\\s\x01t-\u{1F600}')), 'a message JSON escapes');
  const invocation = log.runs[0].invocations[0];
  assert.equal(invocation.ruleConfigurationOverrides.length, 2);
  assert.deepEqual(
    invocation.toolExecutionNotifications.map((n: any) => [n.level, !!n.locations]),
    [
      ['warning', false],
      ['error', true],
    ],
  );
});

test('sarif: a log without results is compact too', () => {
  const dir = tmpTree({ 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: ops\ndata:\n  a: b\n' }, 'k8s-guardrails-sarif-');
  const r = spawnSync(process.execPath, [BIN, 'scan', '.', '--no-config', '--format', 'sarif'], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const log = JSON.parse(r.stdout);
  assert.deepEqual(log.runs[0].results, [], r.stdout.slice(0, 2000));
  assert.equal(r.stdout, JSON.stringify(log) + '\n');
});
