/**
 * Rule fixtures as data: every YAML file under test/fixtures/rules marks the
 * findings it expects on the offending line:
 *
 *     privileged: true   # expect: privileged-container
 *
 * A directory whose name ends in `.workspace` is analysed as one workspace
 * (cross-file rules). A first-line comment `# settings: {json}` sets engine
 * settings (PSS level, rule severities, `hardening` and `netpol` options). Missing and unexpected findings both fail.
 *
 * A fixture asserts the findings of the rules it is about (so adding a rule
 * breaks only its own fixtures): the rule whose id starts its name
 * (`image-latest-tag-digest.yaml` → `image-latest-tag`, the longest id that
 * matches), the rules its `# expect:` comments name, and those a first-lines
 * comment `# rules: a, b` lists (a family name — `yaml`, `pss`, `hardening`,
 * `netpol`, `rbac`, `config` — stands for all its rules). `# rules: all` — or
 * a name that starts with no rule id and no `# rules:` line — makes it an
 * all-rules snapshot: keep those few and deliberate (a new rule that fires on
 * them must be added to their `# expect:` comments).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, DEFAULT_SETTINGS, EngineSettings, RULES, WorkspaceIndex } from '../../server/src/engine';

const ROOT = path.join(__dirname, '../../../test/fixtures/rules');
const EXPECT = /#\s*expect:\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)/;

function cases(dir: string): { name: string; files: string[] }[] {
  const out: { name: string; files: string[] }[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && e.name.endsWith('.workspace')) {
      out.push({ name: path.relative(ROOT, p), files: fs.readdirSync(p).filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join(p, f)) });
    } else if (e.isDirectory()) out.push(...cases(p));
    else if (/\.ya?ml$/.test(e.name)) out.push({ name: path.relative(ROOT, p), files: [p] });
  }
  return out;
}

const RULES_LINE = /^#\s*rules:\s*(.+?)\s*$/m;
const IDS = RULES.map((r) => r.id).sort((a, b) => b.length - a.length);

/** The rules a fixture is about, or `all` (see the header). */
function aboutRules(caseName: string, texts: readonly string[], expected: readonly string[]): Set<string> | 'all' {
  const about = new Set<string>();
  for (const text of texts) {
    const m = RULES_LINE.exec(text.split('\n', 3).join('\n'));
    if (!m) continue;
    for (const id of m[1].split(',').map((x) => x.trim())) {
      if (id === 'all') return 'all';
      const family = RULES.filter((r) => r.family === id).map((r) => r.id);
      if (!IDS.includes(id) && !family.length) throw new Error(`${caseName}: "# rules:" names ${id}, which is neither a rule id nor a family`);
      if (family.length) for (const f of family) about.add(f);
      else about.add(id);
    }
  }
  const base = path.basename(caseName).replace(/\.workspace$/, '').replace(/\.ya?ml$/, '');
  const named = IDS.find((id) => base === id || base.startsWith(`${id}-`) || base.startsWith(`${id}.`));
  if (named) about.add(named);
  if (!about.size) return 'all';
  for (const e of expected) about.add(e.split(' ')[1]);
  return about;
}

function settingsOf(text: string): EngineSettings {
  const s = structuredClone(DEFAULT_SETTINGS);
  const m = /^#\s*settings:\s*(\{.*\})\s*$/m.exec(text.split('\n', 1)[0]);
  if (!m) return s;
  const given = JSON.parse(m[1]);
  Object.assign(s.pss, given.pss ?? {});
  Object.assign(s.rules, given.rules ?? {});
  if (given.hardening) s.hardening = given.hardening;
  if (given.netpol) s.netpol = given.netpol;
  return s;
}

for (const c of cases(ROOT)) {
  test(`fixture ${c.name}`, () => {
    const ws = new WorkspaceIndex();
    const expected: string[] = [];
    const texts: string[] = [];
    let settings = structuredClone(DEFAULT_SETTINGS);
    for (const file of c.files) {
      const text = fs.readFileSync(file, 'utf8');
      ws.set(file, text);
      texts.push(text);
      if (file === c.files[0] || /^#\s*settings:/.test(text)) settings = /^#\s*settings:/.test(text) ? settingsOf(text) : settings;
      text.split(/\r?\n/).forEach((line, i) => {
        const m = EXPECT.exec(line);
        if (m) for (const rule of m[1].split(',')) expected.push(`${path.basename(file)}:${i + 1} ${rule.trim()}`);
      });
    }
    const { findings } = analyze(ws, settings);
    const about = aboutRules(c.name, texts, expected);
    if (process.env.K8SG_FIXTURE_ABOUT) console.log(`${c.name}: ${about === "all" ? "all" : [...about].join(",")}`);
    const actual: string[] = [];
    for (const [uri, list] of findings) for (const f of list) if (about === 'all' || about.has(f.rule)) actual.push(`${path.basename(uri)}:${f.range.start.line + 1} ${f.rule}`);
    assert.deepEqual([...new Set(actual)].sort(), [...new Set(expected)].sort());
  });
}
