/**
 * Fix round-trips at scale: every fix of every finding of a generated corpus
 * (scripts/bench/corpus.ts, fixed seed, comments added) is applied on its own;
 * the result parses, the finding is gone, no new finding of the same rule
 * appears on that resource, no new kind of finding appears in the file, and
 * every comment survives.
 *
 * `npm test` runs 1,000 resources; K8SG_ROUNDTRIP_RESOURCES=20000 (and
 * K8SG_ROUNDTRIP_SEED) run a larger or different corpus.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyze, applyEdits, DEFAULT_SETTINGS, Finding, ruleById, WorkspaceIndex } from '../../server/src/engine';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadSourceFile } from '../../server/src/engine/model';
import { hardenToRestricted } from '../../server/src/engine/rules/pss/harden';
import { generateCorpus } from '../../scripts/bench/corpus';

const RESOURCES = Number(process.env.K8SG_ROUNDTRIP_RESOURCES ?? 1000);
const SEED = Number(process.env.K8SG_ROUNDTRIP_SEED ?? 7);
/** Resources per file: small files keep each re-analysis cheap; cross-resource rules still see their neighbours. */
const PER_FILE = 5;

/**
 * Adds comments the fixes must keep: one before each document, one at the end of
 * every `image:`, `name:` and `securityContext:` line (lines fixes touch or insert next to).
 */
export function withComments(text: string): string {
  let n = 0;
  return text
    .split('\n')
    .map((line) => {
      if (line === '---' || line === '') return line;
      if (/^apiVersion:/.test(line)) return `# doc ${++n}: reviewed\n${line}`;
      if (/^\s*(- )?(image|name|securityContext):/.test(line) && !/[|>]\s*$/.test(line)) return `${line} # c${n}-${line.trim().split(':')[0].replace(/^- /, '')}`;
      return line;
    })
    .join('\n');
}

/**
 * Varies the YAML style per file (deterministically from its index), the way hand-written manifests
 * differ: 4-space indentation (and sequence items), CRLF line endings, flow mappings for one-key blocks, quoted scalars,
 * comment lines opening blocks.
 */
export function restyle(text: string, index: number): string {
  let t = text;
  // Every column doubles: "  - name:" (content at 4) becomes "    -   name:" (content at 8).
  if (index & 1) t = t.replace(/^( *)((?:- )*)/gm, (_m, sp: string, dashes: string) => sp + sp + dashes.replace(/- /g, '-   '));
  if (index & 2) {
    // securityContext: {privileged: true} / capabilities: {add: [NET_ADMIN, SYS_ADMIN]} / seccompProfile: {type: RuntimeDefault}
    t = t.replace(/^( *)(- )?(securityContext|capabilities|seccompProfile|configMap):( #[^\n]*)?\n\1(?:  |    )( *)([A-Za-z]+): ([^\n#]+)\n(?!\1 {2,}\5[A-Za-z-])/gm, (m, ind, dash, k, c, _x, k2, v) => `${ind}${dash ?? ''}${k}: {${k2}: ${v.trim()}}${c ?? ''}\n`);
  }
  if (index & 4) t = t.replace(/^( *(?:- )?(?:name|image|mountPath|path|serviceAccountName)): ([^"'\s#{[][^#\n]*?)( #.*)?$/gm, (m, k, v, c) => `${k}: "${v}"${c ?? ''}`);
  // A comment line as the first thing inside blocks fixes insert into.
  if (index & 16) t = t.replace(/^( *)((?:- )?)(securityContext|containers|spec|capabilities):( #[^\n]*)?$/gm, (m, ind: string, dash: string, k: string) => `${m}\n${ind}${dash ? '  ' : ''}  # inside ${k}`);
  if (index & 8) t = t.replace(/\n/g, '\r\n');
  return t;
}

const countOf = (text: string, s: string) => text.split(s).length - 1;
const key = (f: Finding) => `${f.rule}@${f.range.start.line}:${f.range.start.character}`;
const comments = (text: string) => text.split(/\r?\n/).map((l) => /\s#\s.*$|^\s*#.*$/.exec(l)?.[0].trim()).filter((c): c is string => !!c);

function findingsOf(uri: string, text: string): Finding[] {
  const ws = new WorkspaceIndex();
  ws.set(uri, text);
  return analyze(ws, DEFAULT_SETTINGS).findings.get(uri) ?? [];
}

interface Failure { check: string; fix: string; finding: string; detail: string }

function roundTrip(uri: string, text: string, failures: Failure[], stats: { fixes: number; findings: number; byRule: Map<string, number> }): void {
  const before = findingsOf(uri, text);
  const rulesBefore = new Set(before.map((x) => x.rule));
  const cmts = comments(text);
  for (const f of before) {
    stats.findings++;
    for (const fix of f.fixes?.() ?? []) {
      if (fix.suppression) continue; // covered by fix-roundtrip.test.ts; here: the fixes that change the workload
      stats.fixes++;
      stats.byRule.set(f.rule, (stats.byRule.get(f.rule) ?? 0) + 1);
      if (fix.title.startsWith('Harden ')) stats.byRule.set('(Harden … to restricted)', (stats.byRule.get('(Harden … to restricted)') ?? 0) + 1);
      const fail = (check: string, detail: string) => failures.push({ check, fix: fix.title, finding: `${uri} ${key(f)} ${f.resource?.display ?? ''}`, detail });
      const after = applyEdits(text, fix.edits.filter((e) => e.uri === uri));
      if (after === text) { fail('changes the text', ''); continue; }
      const now = findingsOf(uri, after);
      const broken = now.filter((x) => x.rule === 'yaml-syntax' || x.rule === 'yaml-duplicate-key');
      if (broken.length) { fail('result parses', `${broken.map((b) => b.message).join('; ')}\n${after}`); continue; }
      const onRes = (x: Finding) => x.resource?.display === f.resource?.display;
      if (fix.title.startsWith('Harden ')) {
        const left = now.filter((x) => onRes(x) && ruleById(x.rule)?.family === 'pss' && ruleById(x.rule)?.fix === 'always');
        if (left.length) fail('every fixable PSS finding gone', left.map(key).join(', '));
      } else {
        const same = (x: Finding) => x.rule === f.rule && x.message === f.message && onRes(x);
        if (now.filter(same).length >= before.filter(same).length) fail('finding gone', f.message);
        // No new finding of the same rule on that resource. A fix may settle one part of a finding that
        // names several (wildcard verbs of a rule that also has wildcard resources; egress of a pod that
        // no policy selects for either direction): the rest is still reported, with a narrower message.
        const sameRule = (xs: Finding[]) => xs.filter((x) => x.rule === f.rule && onRes(x));
        if (sameRule(now).length > sameRule(before).length) {
          const was = new Set(sameRule(before).map((x) => x.message));
          fail('no new finding of the same rule on the resource', sameRule(now).filter((x) => !was.has(x.message)).map((x) => x.message).join('; '));
        }
      }
      // Taking a pod off the host network puts it under the NetworkPolicies of its namespace: what they
      // now deny (e.g. DNS under a default deny) is a true consequence of the fix, not a new problem it made.
      const offHostNetwork = countOf(after, 'hostNetwork: true') < countOf(text, 'hostNetwork: true');
      const added = now.filter((x) => !rulesBefore.has(x.rule) && !(offHostNetwork && ruleById(x.rule)?.family === 'netpol'));
      if (added.length) fail('no new kind of finding', added.map((x) => `${key(x)} ${x.message}`).join('; '));
      for (const c of cmts) if (!after.includes(c)) { fail('comment kept', c); break; }
    }
  }
}

test(`every fix on a ${RESOURCES}-resource corpus (seed ${SEED}) round-trips`, () => {
  const corpus = generateCorpus(RESOURCES, SEED, PER_FILE);
  const failures: Failure[] = [];
  const stats = { fixes: 0, findings: 0, byRule: new Map<string, number>() };
  corpus.split.forEach((file, i) => roundTrip(`file:///corpus/${file.name}`, restyle(withComments(file.text), i), failures, stats));
  if (process.env.K8SG_ROUNDTRIP_VERBOSE) console.log(`${stats.findings} findings, ${stats.fixes} fixes applied`, Object.fromEntries([...stats.byRule].sort()));
  // Group the failures (one line per check × fix), with the first example of each.
  const groups = new Map<string, Failure[]>();
  for (const f of failures) {
    const k = `${f.check} — ${f.fix.replace(/\b[a-z]+-\d+\b/g, '<name>')}`;
    groups.set(k, [...(groups.get(k) ?? []), f]);
  }
  const report = [...groups].map(([k, fs]) => `${fs.length}× ${k}\n    e.g. ${fs[0].finding}: ${fs[0].detail.slice(0, 1500)}`).join('\n');
  assert.equal(failures.length, 0, `${failures.length} of ${stats.fixes} fixes failed:\n${report}`);
  assert.ok(stats.fixes > RESOURCES / 2, `enough fixes exercised (${stats.fixes})`);
});

// ---------------------------------------------------------------------------------------------
// "Harden … to restricted" computes several edits per re-parse: the same text as one edit at a time.

const REPO = path.join(__dirname, '../../..');
function yamlFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(e.name) ? [p] : [];
  });
}

test('Harden: batched edits give exactly the one-edit-at-a-time text', () => {
  const corpus = generateCorpus(Math.min(RESOURCES, 1000), SEED, PER_FILE);
  const files = [
    ...corpus.split.map((f, i) => ({ uri: `file:///corpus/${f.name}`, text: restyle(withComments(f.text), i) })),
    ...['test/fixtures/rules', 'examples'].flatMap((d) => yamlFiles(path.join(REPO, d))).map((f) => ({ uri: f, text: fs.readFileSync(f, 'utf8') })),
  ];
  const one = { parses: 0, edits: 0 };
  const batched = { parses: 0, edits: 0 };
  let compared = 0;
  for (const { uri, text } of files) {
    for (const res of loadSourceFile(uri, text).resources) {
      const ref = { parses: 0, edits: 0 };
      const a = hardenToRestricted(res, { oneEditAtATime: true, stats: ref });
      if (ref.edits >= 64) continue; // the reference stops at 64 edits
      const b = hardenToRestricted(res, { stats: batched });
      one.parses += ref.parses;
      one.edits += ref.edits;
      assert.deepEqual(b, a, `${uri} ${res.kind}/${res.name}`);
      if (a) compared++;
    }
  }
  assert.ok(compared > 100, `compared ${compared}`);
  assert.equal(batched.edits, one.edits);
  // (Corpus workloads have one container: one re-parse per PSS check either way; the gain is on many containers, below.)
  assert.ok(batched.parses <= one.parses, `re-parses: ${batched.parses} batched vs ${one.parses} one at a time`);
  if (process.env.K8SG_ROUNDTRIP_VERBOSE) console.log(`Harden on ${compared} workloads: ${one.parses} re-parses one edit at a time, ${batched.parses} batched`);
});

test('Harden: a pod with 40 insecure containers is hardened completely in one re-parse per PSS check', () => {
  const container = (i: number) => `  - name: c${i} # container ${i}
    image: busybox:1.36
    securityContext:
      privileged: true
      allowPrivilegeEscalation: true
      capabilities:
        add: [NET_ADMIN]
`;
  const pod = (n: number) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: huge\nspec:\n  hostNetwork: true\n  containers:\n${Array.from({ length: n }, (_, i) => container(i)).join('')}`;
  // Few enough containers for the one-at-a-time reference (under 64 edits): the same text.
  const small = loadSourceFile('file:///small.yaml', pod(5)).resources[0];
  const smallStats = { parses: 0, edits: 0 };
  assert.deepEqual(hardenToRestricted(small, { stats: smallStats }), hardenToRestricted(small, { oneEditAtATime: true }));
  assert.ok(smallStats.edits > 20 && smallStats.parses <= 10, `${smallStats.edits} edits in ${smallStats.parses} re-parses`);
  const text = pod(40);
  const uri = 'file:///huge.yaml';
  const res = loadSourceFile(uri, text).resources[0];
  const ref = { parses: 0, edits: 0 };
  hardenToRestricted(res, { oneEditAtATime: true, stats: ref });
  const stats = { parses: 0, edits: 0 };
  const fix = hardenToRestricted(res, { stats })!;
  const after = applyEdits(text, fix.edits);
  const left = findingsOf(uri, after).filter((x) => ruleById(x.rule)?.family === 'pss' && ruleById(x.rule)?.fix === 'always');
  assert.deepEqual(left.map(key), []);
  for (let i = 0; i < 40; i++) assert.ok(after.includes(`# container ${i}`));
  assert.equal(ref.parses, 64, 'one edit at a time stops at 64 edits, short of restricted');
  assert.ok(stats.edits > 200 && stats.parses <= 10, `${stats.edits} edits in ${stats.parses} re-parses`);
});
