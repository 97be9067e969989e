/**
 * `k8s-guardrails scan`: the engine over files, directories or stdin, as one
 * workspace. Exit codes: 0 no findings, 1 findings, 2 usage or internal error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { analyze, DEFAULT_SETTINGS, EngineSettings, Finding, WorkspaceIndex } from '../engine';
import { parsePssVersion } from '../engine/pss';
import { UsageError } from './errors';

export interface ScanIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readStdin: () => Promise<string>;
  isTTY: boolean;
}

const YAML_FILE = /\.ya?ml$/i;
const SKIP_DIRS = new Set(['node_modules', '.git']);

export const SCAN_USAGE = `Usage: k8s-guardrails scan [files|dirs|-]... [options]

Analyse Kubernetes YAML. Directories are searched for *.yaml and *.yml
(node_modules and .git are skipped); "-" reads standard input.
All inputs form one workspace (cross-file checks see every file).

Options:
  --format text|json          output format (default: text)
  --pss-level baseline|restricted|privileged
                              Pod Security Standards level (overrides Namespace labels)
  --pss-version v1.N|latest   Pod Security Standards version (default: latest)
  -h, --help                  show this help

Exit status: 0 no findings, 1 findings, 2 usage or internal error.`;

function collectFiles(arg: string, out: string[]): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(arg);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read '${arg}': ${code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`);
  }
  if (stat.isDirectory()) {
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        const p = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (!SKIP_DIRS.has(entry.name)) walk(p);
        } else if (entry.isFile() && YAML_FILE.test(entry.name)) out.push(p);
      }
    };
    walk(arg);
  } else out.push(arg);
}

export async function scan(argv: string[], io: ScanIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'text' },
      'pss-level': { type: 'string' },
      'pss-version': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(SCAN_USAGE + '\n');
    return 0;
  }
  const format = values.format!;
  if (format !== 'text' && format !== 'json') throw new UsageError(`unknown --format '${format}' (expected text or json)`);
  const settings: EngineSettings = structuredClone(DEFAULT_SETTINGS);
  if (values['pss-level'] !== undefined) {
    const level = values['pss-level'];
    if (level !== 'baseline' && level !== 'restricted' && level !== 'privileged')
      throw new UsageError(`unknown --pss-level '${level}' (expected baseline, restricted or privileged)`);
    settings.pss.level = level;
    settings.pss.override = true;
    settings.pss.source = 'command line';
  }
  if (values['pss-version'] !== undefined) {
    const version = values['pss-version'];
    if (!parsePssVersion(version)) throw new UsageError(`invalid --pss-version '${version}' (expected v1.N or latest)`);
    settings.pss.version = version;
    settings.pss.override = true;
    settings.pss.source = 'command line';
  }
  if (positionals.length === 0) throw new UsageError('no input: give files, directories or - for standard input');

  const ws = new WorkspaceIndex();
  const files: string[] = [];
  for (const arg of positionals) {
    if (arg === '-') files.push('-');
    else collectFiles(arg, files);
  }
  for (const file of files) {
    let text: string;
    if (file === '-') text = await io.readStdin();
    else {
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (e) {
        throw new UsageError(`cannot read '${file}': ${(e as Error).message}`);
      }
    }
    ws.set(file === '-' ? '<stdin>' : file, text);
  }

  const result = analyze(ws, settings, {
    onRuleError: (rule, error, where) => io.stderr(`k8s-guardrails: internal error in rule ${rule.id} (${where}): ${(error as Error)?.stack ?? error}\n`),
  });
  const all: Finding[] = [];
  for (const file of ws.allFiles()) {
    if (file.skipped && positionals.length && file.isKubernetes) io.stderr(`k8s-guardrails: skipped ${file.uri}: ${file.skipped}\n`);
    all.push(...(result.findings.get(file.uri) ?? []));
  }
  io.stdout(format === 'json' ? formatJson(all) : formatText(all, io.isTTY));
  return all.length ? 1 : 0;
}

/** The `--format json` contract (documented in README; automated checks rely on it). */
export function formatJson(findings: Finding[]): string {
  return (
    JSON.stringify({
      version: 1,
      findings: findings.map((f) => {
        const out: Record<string, unknown> = {
          rule: f.rule,
          severity: f.severity,
          message: f.message,
          file: f.uri,
          range: f.range,
        };
        if (f.resource) out.resource = f.resource.ref;
        if (f.pss) out.pss = { level: f.pss.level, check: f.pss.check };
        return out;
      }),
    }) + '\n'
  );
}

const COLORS: Record<string, string> = { error: '\x1b[31m', warning: '\x1b[33m', info: '\x1b[36m', hint: '\x1b[2m' };

export function formatText(findings: Finding[], color: boolean): string {
  if (!findings.length) return 'No findings.\n';
  const lines = findings.map((f) => {
    const sev = color ? `${COLORS[f.severity]}${f.severity}\x1b[0m` : f.severity;
    const rule = color ? `\x1b[1m${f.rule}\x1b[0m` : f.rule;
    return `${f.uri}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${sev} ${rule} ${f.message}`;
  });
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
  const summary = [...counts].map(([s, n]) => `${n} ${s}${n === 1 ? '' : 's'}`).join(', ');
  return `${lines.join('\n')}\n\n${findings.length} finding${findings.length === 1 ? '' : 's'} (${summary}).\n`;
}
