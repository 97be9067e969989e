/**
 * The real-world regression corpus (test/realworld/): scans every project
 * with the built CLI as a process and reduces the findings to counts per
 * project and rule, so that a change of the engine shows as a reviewable diff
 * of test/realworld/summary.json and SUMMARY.md. Used by `npm run realworld`
 * (scripts/realworld/run.ts) and by test/cli/realworld.test.ts.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Repository root: the nearest ancestor with package.json and test/realworld (normally out/scripts/realworld/../../..). */
export const REPO = ((): string => {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'test/realworld'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(__dirname, '../../..');
  }
})();

export const CORPUS = path.join(REPO, 'test/realworld');
export const SUMMARY_JSON = path.join(CORPUS, 'summary.json');
export const SUMMARY_MD = path.join(CORPUS, 'SUMMARY.md');
const BIN = path.join(REPO, 'bin/k8s-guardrails.js');

/** The scan options, the same for every project; recorded in the summary so that a change of them is reviewed too. */
export const SCAN_ARGS = ['--format', 'json', '--no-config', '--include-suppressed'];

export interface Count {
  active: number;
  suppressed: number;
}

export interface ProjectSummary {
  /** Exit status of the scan. */
  exitCode: number | null;
  /** *.yaml / *.yml files in the project directory (what the scan is given). */
  yamlFiles: number;
  /** Files with at least one finding. */
  filesWithFindings: number;
  findings: Count;
  /** Active findings per severity. */
  severities: Record<string, number>;
  rules: Record<string, Count>;
  /** Files or documents not analysed: stderr "skipped …" notes plus findings of the rule `not-analysed`. */
  notAnalysed: number;
  /** Standard error of the scan, one entry per line, repository-relative paths. */
  stderr: string[];
}

export interface Summary {
  version: 1;
  command: string;
  projects: Record<string, ProjectSummary>;
  total: {
    projects: number;
    yamlFiles: number;
    filesWithFindings: number;
    findings: Count;
    severities: Record<string, number>;
    rules: Record<string, Count>;
    notAnalysed: number;
    stderrLines: number;
  };
}

/** The projects: every directory of test/realworld with a SOURCE.md, sorted. */
export function listProjects(corpus = CORPUS): string[] {
  return fs
    .readdirSync(corpus, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(corpus, e.name, 'SOURCE.md')))
    .map((e) => e.name)
    .sort();
}

function countYaml(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && e.name !== '.git') n += countYaml(path.join(dir, e.name));
    } else if (/\.ya?ml$/i.test(e.name)) n++;
  }
  return n;
}

export interface RawScan {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Scans one project with the built CLI (`bin`, default this checkout's) as a process, from the repository root. */
export function scan(project: string, bin = BIN): Promise<RawScan> {
  return new Promise((resolve, reject) => {
    // Relative path and repository cwd: the reported file names do not depend on the checkout location.
    const child = spawn(process.execPath, [bin, 'scan', `test/realworld/${project}`, ...SCAN_ARGS], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const bump = (rec: Record<string, Count>, key: string, suppressed: boolean) => {
  const c = (rec[key] ??= { active: 0, suppressed: 0 });
  if (suppressed) c.suppressed++;
  else c.active++;
};

/** Reduces one scan to its summary; exported for the test of the reduction itself. */
export function summarise(project: string, raw: RawScan, yamlFiles: number): ProjectSummary {
  const stderr = raw.stderr
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .map((l) => l.split(REPO + path.sep).join('').split(path.sep).join('/'));
  let findings: Array<{ rule: string; severity: string; file?: string; suppressed?: unknown }> = [];
  try {
    findings = JSON.parse(raw.stdout).findings ?? [];
  } catch {
    stderr.push(`(realworld: stdout of the scan of ${project} is not JSON: ${JSON.stringify(raw.stdout.slice(0, 200))})`);
  }
  const rules: Record<string, Count> = {};
  const severities: Record<string, number> = {};
  const files = new Set<string>();
  const findingsCount: Count = { active: 0, suppressed: 0 };
  for (const f of findings) {
    const suppressed = f.suppressed !== undefined && f.suppressed !== false;
    bump(rules, f.rule, suppressed);
    if (suppressed) findingsCount.suppressed++;
    else {
      findingsCount.active++;
      severities[f.severity] = (severities[f.severity] ?? 0) + 1;
    }
    if (f.file) files.add(f.file);
  }
  const skipped = stderr.filter((l) => /\bskipped\b|not analysed/.test(l)).length;
  const notAnalysedRule = rules['not-analysed'];
  return {
    exitCode: raw.code,
    yamlFiles,
    filesWithFindings: files.size,
    findings: findingsCount,
    severities,
    rules,
    notAnalysed: skipped + (notAnalysedRule ? notAnalysedRule.active + notAnalysedRule.suppressed : 0),
    stderr,
  };
}

/** Scans every project (a few at a time) and builds the summary. */
export async function computeSummary(projects = listProjects()): Promise<Summary> {
  const results: Record<string, ProjectSummary> = {};
  const queue = [...projects];
  const workers = Array.from({ length: Math.max(1, Math.min(4, os.cpus().length)) }, async () => {
    for (let p = queue.shift(); p !== undefined; p = queue.shift()) {
      results[p] = summarise(p, await scan(p), countYaml(path.join(CORPUS, p)));
    }
  });
  await Promise.all(workers);
  const total: Summary['total'] = {
    projects: projects.length,
    yamlFiles: 0,
    filesWithFindings: 0,
    findings: { active: 0, suppressed: 0 },
    severities: {},
    rules: {},
    notAnalysed: 0,
    stderrLines: 0,
  };
  for (const p of projects) {
    const s = results[p];
    total.yamlFiles += s.yamlFiles;
    total.filesWithFindings += s.filesWithFindings;
    total.findings.active += s.findings.active;
    total.findings.suppressed += s.findings.suppressed;
    for (const [k, v] of Object.entries(s.severities)) total.severities[k] = (total.severities[k] ?? 0) + v;
    for (const [k, v] of Object.entries(s.rules)) {
      const c = (total.rules[k] ??= { active: 0, suppressed: 0 });
      c.active += v.active;
      c.suppressed += v.suppressed;
    }
    total.notAnalysed += s.notAnalysed;
    total.stderrLines += s.stderr.length;
  }
  return { version: 1, command: `k8s-guardrails scan test/realworld/<project> ${SCAN_ARGS.join(' ')}`, projects: results, total };
}

/** JSON with object keys sorted at every level (arrays keep their order), two-space indent, final newline. */
export function stableJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object') {
      const o: Record<string, unknown> = {};
      for (const k of Object.keys(v as object).sort()) o[k] = sort((v as Record<string, unknown>)[k]);
      return o;
    }
    return v;
  };
  return JSON.stringify(sort(value), null, 2) + '\n';
}

const fmt = (c: Count | undefined): string => (!c ? '' : c.suppressed ? `${c.active} (+${c.suppressed})` : String(c.active));

/** SUMMARY.md: the same data as summary.json, as tables. */
export function renderMarkdown(s: Summary): string {
  const projects = Object.keys(s.projects).sort();
  const severities = [...new Set(Object.values(s.projects).flatMap((p) => Object.keys(p.severities)))].sort();
  const lines = [
    '# Real-world corpus: findings summary',
    '',
    'Generated by `npm run realworld -- --update` from `summary.json`; do not edit by hand.',
    `Command per project: \`${s.command}\`.`,
    'Counts are active findings; `(+n)` are findings suppressed by an ignore annotation.',
    '',
    '## Per project',
    '',
    `| project | exit | YAML files | files with findings | findings | ${severities.join(' | ')} | not analysed | stderr lines |`,
    `|---|---:|---:|---:|---:|${severities.map(() => '---:|').join('')}---:|---:|`,
  ];
  const row = (name: string, p: { yamlFiles: number; filesWithFindings: number; findings: Count; severities: Record<string, number>; notAnalysed: number }, exit: string, stderr: number) =>
    `| ${name} | ${exit} | ${p.yamlFiles} | ${p.filesWithFindings} | ${fmt(p.findings)} | ${severities.map((v) => String(p.severities[v] ?? 0)).join(' | ')} | ${p.notAnalysed} | ${stderr} |`;
  for (const name of projects) {
    const p = s.projects[name];
    lines.push(row(name, p, String(p.exitCode), p.stderr.length));
  }
  lines.push(row('**total**', s.total, '', s.total.stderrLines));
  lines.push('', '## Per rule', '', `| rule | total | ${projects.join(' | ')} |`, `|---|---:|${projects.map(() => '---:|').join('')}`);
  for (const rule of Object.keys(s.total.rules).sort()) {
    lines.push(`| ${rule} | ${fmt(s.total.rules[rule])} | ${projects.map((p) => fmt(s.projects[p].rules[rule])).join(' | ')} |`);
  }
  const withStderr = projects.filter((p) => s.projects[p].stderr.length);
  if (withStderr.length) {
    lines.push('', '## Standard error', '');
    for (const p of withStderr) {
      lines.push(`### ${p}`, '', '```', ...s.projects[p].stderr, '```', '');
    }
  }
  return lines.join('\n').replace(/\n*$/, '\n');
}

/** Readable differences between two summaries, one line per changed value ("project / rule: active 3 → 4"). */
export function diffSummaries(expected: Summary, actual: Summary): string[] {
  const out: string[] = [];
  const show = (v: unknown) => (v === undefined ? '—' : JSON.stringify(v));
  const walk = (where: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) === JSON.stringify(b)) return;
    const isObj = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
    if (isObj(a) && isObj(b)) {
      const keys = [...new Set([...Object.keys(a as object), ...Object.keys(b as object)])].sort();
      for (const k of keys) walk(where ? `${where} / ${k}` : k, (a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]);
      return;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      const before = out.length;
      for (const l of a.filter((x) => !b.includes(x))) out.push(`${where}: - ${show(l)}`);
      for (const l of b.filter((x) => !a.includes(x))) out.push(`${where}: + ${show(l)}`);
      if (out.length === before) out.push(`${where}: same lines, other order or count`);
      return;
    }
    out.push(`${where}: ${show(a)} → ${show(b)}`);
  };
  walk('', expected, actual);
  return out;
}
