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

/**
 * Edits of what whole-workspace models read, and of what they do not: a workload's or selector's label, an
 * object's namespace or name (duplicates), an RBAC subject, a serviceAccountName, and a container's image
 * (changed, or removed: the object becomes an incomplete fragment) — the last keep the workspace's facts, so the
 * snapshot keeps its models (engine/memo.ts) while the edited file's Resources are new objects.
 */
const TARGETS: { re: RegExp; also?: string[] }[] = [
  { re: /(\n {4,}app\.kubernetes\.io\/name: )([^\n]+)/g },
  { re: /(\n {2}namespace: )([^\n]+)/g, also: ['kube-system', 'elsewhere'] },
  { re: /(- kind: ServiceAccount\n {2}name: )([^\n]+)/g, also: ['default'] },
  { re: /(\n {6}serviceAccountName: )([^\n]+)/g, also: ['default'] },
  { re: /(\n {8}image: )([^\n]+)/g, also: ['busybox:1.36', 'nginx:latest'] },
  { re: /(\n {8})(image: [^\n]+)/g, also: ['imagePullPolicy: Always'] },
  { re: /(\n {2}name: )([^\n]+)/g },
];

/** One targeted edit (TARGETS): a value replaced by another value of the same place elsewhere in the text. */
function targeted(text: string, rnd: () => number): string {
  const { re, also = [] } = TARGETS[Math.floor(rnd() * TARGETS.length)];
  const found = [...text.matchAll(re)];
  if (!found.length) return text;
  const m = found[Math.floor(rnd() * found.length)];
  const values = [...new Set([...found.map((x) => x[2]), ...also])];
  const value = values[Math.floor(rnd() * values.length)];
  return text.slice(0, m.index!) + m[1] + value + text.slice(m.index! + m[0].length);
}

function run(files: Map<string, string>, edits: number, seed: number, targetedShare = 0): void {
  const rnd = prng(seed);
  const host = fresh(files);
  host.analysis().diagnostics({ reuseReports: true });
  const uris = [...files.keys()];
  for (let n = 0; n < edits; n++) {
    const uri = uris[Math.floor(rnd() * uris.length)];
    const text = rnd() < targetedShare ? targeted(files.get(uri)!, rnd) : edit(files.get(uri)!, rnd);
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

test('targeted edits (labels, namespaces, names, RBAC subjects, service accounts, images) across files: the findings equal a fresh analysis', () => {
  const files = new Map(generateCorpus(120, 5, 15).split.map((f) => [`file:///ws/${f.name}`, f.text] as [string, string]));
  run(files, 80, 37, 0.8);
});

test('targeted edits in one multi-document file: the findings equal a fresh analysis', () => {
  run(new Map([['file:///ws/all.yaml', generateCorpus(60, 3).single.text]]), 60, 41, 0.8);
});

test('the snapshot keeps its whole-workspace models while the facts stay, and drops them when they change', () => {
  const text = generateCorpus(60, 3).single.text;
  const host = fresh(new Map([['file:///ws/all.yaml', text]]));
  const rbac = host.analysis().rbac();
  // A container's image: no whole-workspace model reads it.
  host.setFile('file:///ws/all.yaml', text.replace(/(\n {8,}image: )([^\n]+)/, '$1busybox:1.36'));
  assert.equal(host.analysis().rbac(), rbac);
  // A workload's service account: the RBAC model reads it.
  host.setFile('file:///ws/all.yaml', text.replace(/(\n {6}serviceAccountName: )([^\n]+)/, '$1default'));
  assert.notEqual(host.analysis().rbac(), rbac);
});

test('duplicate-resource follows an edit that keeps the facts: a definition that loses its image is a fragment, not a second definition', () => {
  const deployment = (replicas: number, image: string) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  replicas: ${replicas}\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        ${image}\n`;
  const files = new Map([
    ['file:///ws/a.yaml', deployment(1, 'image: nginx:1.27')],
    ['file:///ws/b.yaml', deployment(2, 'image: nginx:1.27')],
  ]);
  const host = fresh(files);
  const duplicates = () => [...host.analysis().diagnostics({ reuseReports: true }).findings.values()].flat().filter((f) => f.rule === 'duplicate-resource').length;
  assert.equal(duplicates(), 2);
  for (const image of ['imagePullPolicy: Always', 'image: nginx:1.28']) {
    files.set('file:///ws/b.yaml', deployment(2, image));
    host.setFile('file:///ws/b.yaml', files.get('file:///ws/b.yaml')!);
    same(shown(host.analysis().diagnostics({ reuseReports: true }).findings), shown(fresh(files).analysis().diagnostics().findings), image);
  }
  files.set('file:///ws/b.yaml', deployment(2, 'imagePullPolicy: Always'));
  host.setFile('file:///ws/b.yaml', files.get('file:///ws/b.yaml')!);
  assert.equal(duplicates(), 0);
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
