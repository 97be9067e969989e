/**
 * Re-lint as you type (issue #24): a re-parse keeps the Resources of unchanged documents and the
 * analysis replays their per-resource reports while the workspace's facts are unchanged
 * (engine/analyze.ts ReportCache, WorkspaceIndex.facts; `reuseReports`, as the language server asks). Correctness: after any sequence of edits
 * through the host, the findings (messages, ranges, related locations, suppression, fixes' edits) equal a
 * fresh host's on the same files.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { AnalysisHost, DEFAULT_SETTINGS, Finding, Rule, RULES } from '../../server/src/engine';
import { generateCorpus, prng } from '../../scripts/bench/corpus';

function fresh(files: Map<string, string>): AnalysisHost {
  const h = new AnalysisHost();
  h.setSettings(DEFAULT_SETTINGS);
  for (const [uri, text] of files) h.setFile(uri, text);
  return h;
}

/** Everything a front end shows of a finding, fixes' edits included. */
function shown(findings: Map<string, Finding[]>): string[] {
  const out: string[] = [];
  for (const [uri, list] of [...findings].sort(([a], [b]) => (a < b ? -1 : 1)))
    for (const f of list)
      out.push(JSON.stringify([uri, f.rule, f.severity, f.message, f.range, f.path, f.related, f.suppressed, f.resource?.display, f.fixes?.().map((x) => [x.title, x.edits, x.fixAll])]));
  return out;
}

/** Equal finding lists; else the first finding that differs. */
function same(actual: string[], expected: string[], what: string): void {
  const i = actual.findIndex((a, j) => a !== expected[j]);
  if (i >= 0 || actual.length !== expected.length) assert.fail(`${what}: finding ${i < 0 ? actual.length : i} of ${expected.length} differs:\n  got      ${actual[i] ?? '(none)'}\n  expected ${expected[i < 0 ? actual.length : i] ?? '(none)'}`);
}

/** One random edit of one line: in place (same line count) mostly, sometimes a line added or removed, an indentation broken. */
function edit(text: string, rnd: () => number): string {
  const lines = text.split('\n');
  const i = Math.floor(rnd() * lines.length);
  const line = lines[i];
  const r = rnd();
  if (r < 0.45) lines[i] = line.length ? line.replace(/(\w)(\W*)$/, `$1${'xyz1'[Math.floor(rnd() * 4)]}$2`) : line; // a character typed
  else if (r < 0.6) lines[i] = line.replace(/\w$/, ''); // a character deleted
  else if (r < 0.7) lines[i] = line.replace(/: .*$/, ': true'); // a value replaced
  else if (r < 0.8) lines.splice(i, 0, line); // a line duplicated
  else if (r < 0.88) lines.splice(i, 1); // a line removed
  else if (r < 0.94) lines[i] = ' ' + line; // indentation broken
  else lines.splice(i, 0, ''); // a blank line
  return lines.join('\n');
}

function run(files: Map<string, string>, edits: number, seed: number): void {
  const rnd = prng(seed);
  const host = fresh(files);
  host.analysis().diagnostics({ reuseReports: true });
  const uris = [...files.keys()];
  for (let n = 0; n < edits; n++) {
    const uri = uris[Math.floor(rnd() * uris.length)];
    const text = edit(files.get(uri)!, rnd);
    files.set(uri, text);
    host.setFile(uri, text);
    // As the language server asks: the edited file first, then (sometimes) every file.
    const own = host.analysis().diagnostics({ uris: [uri], reuseReports: true });
    same(shown(own.findings), shown(fresh(files).analysis().diagnostics({ uris: [uri] }).findings), `edit ${n} of ${uri}`);
    if (n % 5 === 4) same(shown(host.analysis().diagnostics({ reuseReports: true }).findings), shown(fresh(files).analysis().diagnostics().findings), `all files after edit ${n}`);
  }
}

test('random one-line edits of a multi-document file: the findings equal a fresh analysis after every edit', () => {
  // Namespaces with PSS labels, NetworkPolicies, RBAC, workloads, Services, ConfigMaps in one file.
  const text = generateCorpus(60, 3).single.text;
  run(new Map([['file:///ws/all.yaml', text]]), 60, 11);
});

test('random one-line edits in a workspace with Namespaces, NetworkPolicies and RBAC across files', () => {
  const files = new Map(generateCorpus(120, 5, 15).split.map((f) => [`file:///ws/${f.name}`, f.text] as [string, string]));
  run(files, 60, 23);
});

test('an edit that does not touch what other resources read re-runs the per-resource rules on the edited resource only', () => {
  const text = generateCorpus(60, 3).single.text;
  const seen = new Set<string>();
  // The registry's rules, counting which resources their per-resource check runs on.
  const rules: Rule[] = RULES.map((r) => (r.checkResource ? { ...r, checkResource: (res, ctx) => (seen.add(`${res.kind}/${res.name}`), r.checkResource!(res, ctx)) } : r));
  const host = fresh(new Map([['file:///ws/all.yaml', text]]));
  host.analysis().diagnostics({ rules, reuseReports: true });
  const all = seen.size;
  assert.ok(all > 30);
  // A container's image: no other resource's findings read it.
  const edited = text.replace(/(\n {8,}image: )([^\n]+)/, '$1busybox:1.36');
  assert.notEqual(edited, text);
  seen.clear();
  host.setFile('file:///ws/all.yaml', edited);
  const after = host.analysis().diagnostics({ rules, reuseReports: true });
  assert.equal(seen.size, 1, [...seen].join(', '));
  same(shown(after.findings), shown(fresh(new Map([['file:///ws/all.yaml', edited]])).analysis().diagnostics({ rules }).findings), 'after the image edit');
  // A Namespace's PSS label is read by every workload of the namespace: everything runs again.
  seen.clear();
  host.setFile('file:///ws/all.yaml', edited.replace(/pod-security\.kubernetes\.io\/enforce: \w+/, 'pod-security.kubernetes.io/enforce: privileged'));
  host.analysis().diagnostics({ rules, reuseReports: true });
  assert.equal(seen.size, all);
});
