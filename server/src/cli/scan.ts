/**
 * `k8s-guardrails scan`: the engine over files, directories, globs or stdin,
 * as one workspace. Exit status: 0 nothing at or above `--fail-on`, 1
 * findings that fail, 2 usage, configuration, unreadable input or internal
 * error (2 wins over 1: the scan did not cover what was asked).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AnalysisHost, applyConfig, DEFAULT_MAX_FILE_BYTES, DEFAULT_SETTINGS, didYouMean, EngineSettings, Finding, parsePssVersion, RULES, Severity, SEVERITIES } from '../engine';
import { CliConfig, loadConfig } from './config';
import { parseOptions, UsageError } from './errors';
import { ignoreMatcher } from '../engine';
import { CLI_MAX_FILE_BYTES, collectInputs, decode, formatBytes, readInput } from './inputs';
import { ScanStats } from './format';
import { parseOutputs, writeReports } from './output';
import { growHeapWhileReading } from './heap';
import { DEFAULT_KUSTOMIZE_TIMEOUT_MS, discover, isKustomizationFile, renderLayout } from '../kustomize';
import { chartOfTemplate, chartTemplateReason } from '../helm/chart';
import { DirRenderCache } from '../render/cache';
import { applyHelmRenders, DEFAULT_HELM_TIMEOUT_MS, discoverCharts, HelmLayout, renderReleases } from '../helm';


export { formatJson, formatText } from './format';

declare const K8S_GUARDRAILS_VERSION: string;
export const VERSION = typeof K8S_GUARDRAILS_VERSION === 'string' ? K8S_GUARDRAILS_VERSION : '0.0.0-dev';

export interface ScanIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readStdin: () => Promise<string | Buffer>;
  /** Standard output is a terminal (colour and wrapping of the text report; see cli/output.ts). */
  isTTY: boolean;
  /** The terminal's width in columns (text is wrapped to it when isTTY). */
  columns?: number;
  /** NO_COLOR and FORCE_COLOR are read from here (default: none set). */
  env?: Record<string, string | undefined>;
  /** Default: process.cwd(). */
  cwd?: string;
  /** The clock for `expires` in ignore entries (default: now; tests fix it). */
  now?: Date;
}

export const SCAN_USAGE = `Usage: k8s-guardrails scan [files|dirs|globs|-]... [options]

Analyse Kubernetes YAML. Directories are searched for *.yaml and *.yml
(node_modules and .git are skipped); globs (*, **, ?, {a,b}, [a-z]) are
expanded by the tool, so quote them; "-" reads standard input. All inputs
form one workspace (cross-file checks see every file).

Directories with a kustomization.yaml are rendered with "kubectl kustomize"
and analysed as rendered; findings point at the patch or base file that
wrote the field (see docs/cli.md, Kustomize). Helm charts (a Chart.yaml and
its templates/) are rendered with "helm template" and analysed as rendered;
findings point at the template line, or the values line that set the value
(see docs/cli.md, Helm).

Options:
  --format <format>[=<file>]  output format: text (default), json, sarif,
                              junit, github (workflow annotations) or
                              compact (one line per finding); with =<file>
                              the report goes to that file. Repeatable: one
                              format to stdout at most, e.g.
                              --format text --format sarif=report.sarif
  -o, --output <file>         write the report of the --format without
                              =<file> to a file instead of stdout
  --color, --no-color         colour the text report or not (default: on a
                              terminal; NO_COLOR and FORCE_COLOR respected)
  --fail-on <level>           exit 1 only for findings at or above: error,
                              warning, info, hint (default: hint, i.e. any
                              finding) or none (never)
  --enable <rule>[=severity]  turn a rule on (repeatable; severity: error,
                              warning, info, hint; default: the rule's own)
  --disable <rule>            turn a rule off (repeatable)
  --config <file>             configuration file (default: .k8s-guardrails.yaml
                              or .k8s-guardrails.yml in the current directory)
  --no-config                 do not read a configuration file
  --include-suppressed        also report findings suppressed by an ignore
                              annotation or entry (marked; they never fail
                              the scan); SARIF leaves them out without it
  --max-file-size <bytes>     larger files are not analysed: each is a
                              not-analysed error (default: 64MiB; k, KiB, M,
                              MiB suffixes accepted)
  --time-limit <ms>           stop analysing a file after this long: the file
                              gets a not-analysed error (default: none)
  --stdin-filename <name>     the file name reported for "-" (default: <stdin>)
  --pss-level baseline|restricted|privileged
                              Pod Security Standards level (overrides Namespace labels)
  --pss-version v1.N|latest   Pod Security Standards version (default: latest)
  --no-kustomize              analyse kustomization directories file by file
                              instead of rendering them
  --kustomize-command <cmd>   kubectl (default; runs "kubectl kustomize") or a
                              kustomize binary (runs "kustomize build")
  --kustomize-timeout <s>     time limit per kustomize build (default: 120)
  --no-helm                   do not render Helm charts (each chart is a
                              not-analysed error)
  --helm <path>               the helm 3 or 4 executable (default: helm on PATH)
  --helm-timeout <s>          time limit per helm template (default: 120)
  --cache-dir <dir>           keep Kustomize and Helm renders in <dir>, keyed by
                              the contents of every file the build reads, the
                              arguments and the tool binary; an unchanged
                              kustomization or chart is not rendered again
  -h, --help                  show this help

Every input is analysed or reported: a file that is not (unreadable, over
the size or time limit, a template) is a not-analysed error; ignore one
only through an ignore entry with a reason in .k8s-guardrails.yaml.

Exit status: 0 no failing findings, 1 failing findings, 2 usage or
configuration error, nothing analysed, or internal error.`;

const OPTIONS = {
  format: { type: 'string', multiple: true },
  output: { type: 'string', short: 'o' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  'fail-on': { type: 'string' },
  enable: { type: 'string', multiple: true },
  disable: { type: 'string', multiple: true },
  config: { type: 'string' },
  'no-config': { type: 'boolean' },
  'include-suppressed': { type: 'boolean' },
  'max-file-size': { type: 'string' },
  'stdin-filename': { type: 'string' },
  'time-limit': { type: 'string' },
  'pss-level': { type: 'string' },
  'pss-version': { type: 'string' },
  'no-kustomize': { type: 'boolean' },
  'kustomize-command': { type: 'string' },
  'kustomize-timeout': { type: 'string' },
  'no-helm': { type: 'boolean' },
  helm: { type: 'string' },
  'helm-timeout': { type: 'string' },
  'cache-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const parse = (argv: string[]) => parseOptions(argv, OPTIONS);

export function parseSize(s: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?\s*$/i.exec(s);
  if (!m) throw new UsageError(`invalid --max-file-size '${s}' (expected a number of bytes, e.g. 4194304 or 4MiB)`);
  const unit = (m[2] ?? 'b').toLowerCase()[0];
  const n = Math.floor(Number(m[1]) * (unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1));
  if (n <= 0) throw new UsageError(`invalid --max-file-size '${s}' (must be positive)`);
  return n;
}

const RULE_IDS = RULES.map((r) => r.id);
const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2, hint: 3 };

function checkRule(id: string, flag: string): void {
  if (!RULE_IDS.includes(id)) throw new UsageError(`unknown rule '${id}' in ${flag}${didYouMean(id, RULE_IDS)}`);
  if (RULES.find((r) => r.id === id)!.locked)
    throw new UsageError(`rule '${id}' cannot be turned off or re-graded (${flag}): ignore a specific file with an ignore entry (rule, path, reason) in .k8s-guardrails.yaml`);
}

/** `--enable` / `--disable` values: repeatable, and comma-separated lists are accepted. */
function ruleArgs(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

export function buildSettings(
  values: { 'pss-level'?: string; 'pss-version'?: string; enable?: string[]; disable?: string[] },
  config: CliConfig | undefined,
): { settings: EngineSettings; flags: EngineSettings; overrides: Record<string, Severity | 'off'> } {
  const base: EngineSettings = structuredClone(DEFAULT_SETTINGS);
  if (values['pss-level'] !== undefined) {
    const level = values['pss-level'];
    if (level !== 'baseline' && level !== 'restricted' && level !== 'privileged')
      throw new UsageError(`unknown --pss-level '${level}' (expected baseline, restricted or privileged)`);
    base.pss.level = level;
    base.pss.override = true;
    base.pss.source = 'command line';
  }
  if (values['pss-version'] !== undefined) {
    const version = values['pss-version'];
    if (!parsePssVersion(version)) throw new UsageError(`invalid --pss-version '${version}' (expected v1.N or latest)`);
    base.pss.version = version;
    base.pss.override = true;
    base.pss.source = 'command line';
  }
  const disabled = new Set(ruleArgs(values.disable));
  for (const id of disabled) {
    checkRule(id, '--disable');
    base.rules[id] = 'off';
  }
  for (const arg of ruleArgs(values.enable)) {
    const [id, sev] = arg.split('=', 2).map((s) => s.trim());
    checkRule(id, '--enable');
    if (disabled.has(id)) throw new UsageError(`rule '${id}' is both enabled and disabled`);
    if (sev !== undefined && !(SEVERITIES as readonly string[]).includes(sev))
      throw new UsageError(`invalid severity '${sev}' in --enable ${arg} (expected error, warning, info or hint)`);
    const fromConfig = config?.config.rules[id];
    base.rules[id] = (sev as Severity | undefined) ?? (fromConfig && fromConfig !== 'off' ? fromConfig : RULES.find((r) => r.id === id)!.defaultSeverity);
  }
  const settings = applyConfig(base, config?.config);
  const overrides: Record<string, Severity | 'off'> = {};
  for (const rule of RULES) {
    const s = settings.rules[rule.id];
    if (s !== undefined && s !== rule.defaultSeverity) overrides[rule.id] = s;
  }
  return { settings, flags: base, overrides };
}

export async function scan(argv: string[], io: ScanIO): Promise<number> {
  // The heap may grow more than V8's default while the inputs are read (cli/heap.ts); the analysis runs with the default.
  const restoreHeap = growHeapWhileReading();
  try {
    return await scanInputs(argv, io, restoreHeap);
  } finally {
    restoreHeap();
  }
}

async function scanInputs(argv: string[], io: ScanIO, inputsRead: () => void): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.help) {
    io.stdout(SCAN_USAGE + '\n');
    return 0;
  }
  const cwd = io.cwd ?? process.cwd();
  const outputs = parseOutputs(values.format, values.output);
  if (values.color && values['no-color']) throw new UsageError('--color and --no-color cannot be combined');
  const failOn = values['fail-on'] ?? 'hint';
  if (failOn !== 'none' && !(SEVERITIES as readonly string[]).includes(failOn))
    throw new UsageError(`unknown --fail-on '${failOn}' (expected error, warning, info, hint or none)`);
  const maxBytes = values['max-file-size'] !== undefined ? parseSize(values['max-file-size']) : CLI_MAX_FILE_BYTES;
  let timeLimitMs: number | undefined;
  if (values['time-limit'] !== undefined) {
    timeLimitMs = Number(values['time-limit']);
    if (!(timeLimitMs > 0) || !Number.isFinite(timeLimitMs)) throw new UsageError(`invalid --time-limit '${values['time-limit']}' (expected a positive number of milliseconds)`);
  }
  if (values['no-config'] && values.config !== undefined) throw new UsageError('--config and --no-config cannot be combined');
  const config = values['no-config'] ? undefined : loadConfig(values.config, cwd);
  const { flags, overrides } = buildSettings(values, config);
  if (positionals.length === 0) throw new UsageError('no input: give files, directories, globs or - for standard input');

  const notifications: { level: 'error' | 'warning' | 'note'; message: string; file?: string }[] = [];
  let failed = false; // the scan is incomplete or broken: exit 2
  const problems = {
    error: (message: string, file?: string) => {
      failed = true;
      notifications.push({ level: 'error', message, file });
      io.stderr(`k8s-guardrails: error: ${message}\n`);
    },
    note: (message: string, file?: string) => {
      notifications.push({ level: 'warning', message, file });
      io.stderr(`k8s-guardrails: ${message}\n`);
    },
  };

  let ignored: ((abs: string) => boolean) | undefined;
  if (config?.ignore.length) {
    const match = ignoreMatcher(config.ignore);
    ignored = (abs) => {
      const rel = path.relative(config.dir, abs);
      return !rel.startsWith('..') && !path.isAbsolute(rel) && rel !== '' && match(rel.split(path.sep).join('/'));
    };
  }
  let inputs = collectInputs(positionals, { cwd, ignored, problems });

  // Kustomize: render the kustomizations of the scanned directories; the files they use are analysed through the renders.
  const renderCache = values['cache-dir'] ? new DirRenderCache(path.resolve(cwd, values['cache-dir'])) : undefined;
  const kustomizeOn = !values['no-kustomize'] && config?.config.kustomize?.enabled !== false;
  let timeoutMs = (config?.config.kustomize?.timeoutSeconds ?? DEFAULT_KUSTOMIZE_TIMEOUT_MS / 1000) * 1000;
  if (values['kustomize-timeout'] !== undefined) {
    const t = Number(values['kustomize-timeout']);
    if (!(t > 0) || !Number.isFinite(t)) throw new UsageError(`invalid --kustomize-timeout '${values['kustomize-timeout']}' (expected a positive number of seconds)`);
    timeoutMs = t * 1000;
  }
  const real = inputs.filter((i) => i.path !== '-').map((i) => path.resolve(cwd, i.path));
  const layout = kustomizeOn ? discover(real.map((f) => path.dirname(f))) : undefined;
  let kustomized = 0;
  if (layout?.used.size) {
    // Also with no root (only Components nobody uses): their patches are partial objects, not resources.
    const before = inputs.length;
    inputs = inputs.filter((i) => i.path === '-' || !layout.used.has(path.resolve(cwd, i.path)));
    kustomized = before - inputs.length;
  } else if (layout) {
    // A kustomization.yaml that renders nothing here (not a root, e.g. only its base was given) is not a resource either.
    inputs = inputs.filter((i) => i.path === '-' || !isKustomizationFile(i.path));
  }

  // Helm: charts among the scanned files are rendered; their files (templates, values, subcharts) are analysed through the renders.
  const helmOn = !values['no-helm'] && config?.config.helm?.enabled !== false;
  let helmTimeoutMs = (config?.config.helm?.timeoutSeconds ?? DEFAULT_HELM_TIMEOUT_MS / 1000) * 1000;
  if (values['helm-timeout'] !== undefined) {
    const t = Number(values['helm-timeout']);
    if (!(t > 0) || !Number.isFinite(t)) throw new UsageError(`invalid --helm-timeout '${values['helm-timeout']}' (expected a positive number of seconds)`);
    helmTimeoutMs = t * 1000;
  }
  const helmLayout: HelmLayout = discoverCharts(
    inputs.filter((i) => i.path !== '-').map((i) => path.resolve(cwd, i.path)),
    config?.config.helm?.releases?.length ? { dir: config.dir, file: path.resolve(cwd, config.file), releases: config.config.helm.releases } : undefined,
  );
  let charted = 0;
  let chartsNotAnalysed = 0;
  if (helmLayout.used.size) {
    const before = inputs.length;
    inputs = inputs.filter((i) => i.path === '-' || !helmLayout.used.has(path.resolve(cwd, i.path)));
    charted = before - inputs.length;
  }
  for (const r of helmLayout.missing)
    problems.error(`${config!.file}: helm release ${r.name}: ${r.chart} is not a chart folder (no Chart.yaml there)`, config!.file);
  for (const lib of helmLayout.libraries)
    io.stderr(`k8s-guardrails: ${path.relative(cwd, lib.dir) || '.'}: a library chart renders nothing by itself; it is analysed through the charts that use it\n`);

  // The engine's own limit is in characters; ours (in bytes) is applied first.
  const host = new AnalysisHost({ maxFileBytes: Math.max(maxBytes, DEFAULT_MAX_FILE_BYTES), maxFileSetting: '--max-file-size' });
  host.setSettings(flags);
  host.setConfig(config?.parsed);
  const ws = host.workspace;
  const stdinName = values['stdin-filename'] ?? '<stdin>';
  let scanned = 0;
  /** Files not analysed: each is a `not-analysed` finding; stderr says it too, for logs of JSON/SARIF runs. */
  const notAnalysed = (name: string, reason: string, text?: string) => {
    host.setNotAnalysed(name, reason, text);
    io.stderr(`k8s-guardrails: not analysed: ${name}: ${reason}\n`);
  };
  for (const input of inputs) {
    const name = input.path === '-' ? stdinName : input.path;
    const chart = input.path === '-' ? undefined : chartOfTemplate(path.resolve(cwd, input.path));
    if (chart !== undefined) {
      notAnalysed(name, chartTemplateReason(path.relative(cwd, chart) || '.'));
      continue;
    }
    const read = input.path === '-' ? decodeStdin(await io.readStdin(), maxBytes) : readInput(input.path, cwd, maxBytes);
    if ('error' in read) notAnalysed(name, read.error);
    else if ('skipped' in read) notAnalysed(name, read.skipped);
    else {
      const file = host.setFile(name, read.text);
      if (file.skipped) io.stderr(`k8s-guardrails: not analysed: ${name}: ${file.skipped}\n`);
      else scanned++;
    }
  }

  if (layout?.roots.length) {
    const display = (abs: string) => {
      const rel = path.relative(cwd, abs);
      return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : abs;
    };
    const run = await renderLayout(ws, layout, { uriOf: display }, { command: values['kustomize-command'], timeoutMs, display, cache: renderCache });
    if (run.unavailable) {
      // Nothing these kustomizations deploy was analysed: each is a not-analysed error.
      const how = 'install kubectl or kustomize, set --kustomize-command, or pass --no-kustomize to analyse the files as written';
      io.stderr(`k8s-guardrails: cannot render kustomizations: ${run.unavailable}; ${how}\n`);
      for (const root of layout.roots) {
        let text = '';
        try {
          text = fs.readFileSync(root.file, 'utf8');
        } catch {
          // the finding still names the file
        }
        host.setNotAnalysed(display(root.file), `the kustomization cannot be rendered: ${run.unavailable}; ${how}`, text);
      }
    } else scanned += kustomized;
  }

  if (helmLayout.charts.length) {
    const display = (abs: string) => {
      const rel = path.relative(cwd, abs);
      return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : rel === '' ? '.' : abs;
    };
    const chartYaml = (dir: string) => {
      const file = path.join(dir, 'Chart.yaml');
      let text = '';
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch {
        // the finding still names the file
      }
      return { name: display(file), text };
    };
    let why: string | undefined;
    if (!helmOn) {
      why = values['no-helm'] ? 'Helm charts are not rendered (--no-helm)' : 'Helm charts are not rendered (helm.enabled: false in the configuration file)';
      io.stderr(`k8s-guardrails: ${why}: ${helmLayout.charts.length} chart${helmLayout.charts.length === 1 ? '' : 's'} not analysed\n`);
    } else {
      const renders = await renderReleases(helmLayout.releases, { command: values.helm, timeoutMs: helmTimeoutMs, display, cache: renderCache });
      applyHelmRenders(ws, helmLayout.releases, { uriOf: display }, renders);
      if (renders.unavailable) {
        const how = 'install helm 3 or 4 (https://helm.sh/docs/intro/install/), point to it with --helm <path>, or pass --no-helm to skip charts';
        io.stderr(`k8s-guardrails: cannot render Helm charts: ${renders.unavailable}; ${how}\n`);
        why = `the chart cannot be rendered: ${renders.unavailable}; ${how}`;
      } else scanned += charted;
    }
    if (why)
      for (const chart of helmLayout.charts) {
        chartsNotAnalysed++;
        const { name, text } = chartYaml(chart.dir);
        host.setNotAnalysed(name, why, text);
      }
  }

  inputsRead();
  const result = host.analysis().diagnostics({
    includeSuppressed: true,
    // A report prints no fixes and no field paths: findings without them keep a large scan's memory small.
    reportOnly: true,
    now: io.now,
    fileTimeLimitMs: timeLimitMs,
    fileTimeLimitSetting: '--time-limit',
    onRuleError: (rule, error, where) => problems.error(`internal error in rule ${rule.id} (${where}): ${(error as Error)?.stack ?? error}`),
  });
  for (const [uri, ms] of result.timedOut) io.stderr(`k8s-guardrails: not analysed: ${uri}: analysis stopped after ${ms} ms (--time-limit ${timeLimitMs}); its findings are incomplete\n`);
  // A scan that looked at no Kubernetes object at all is not a pass, whatever else it reports.
  let objects = 0;
  for (const f of ws.allFiles()) objects += f.resources.length;
  // (Charts that could not be rendered are reported above, each with its not-analysed error.)
  if (!objects && !chartsNotAnalysed)
    problems.error('nothing was analysed: the inputs hold no Kubernetes object (apiVersion and kind); check the paths given');
  // Files in scan order; then the files rendered findings were mapped to, and the configuration file (unused ignores).
  // (Loops, not push(...list): a file can have hundreds of thousands of findings.)
  const all: Finding[] = [];
  const seen = new Set<string>();
  const take = (list: Finding[] | undefined) => {
    if (list) for (const f of list) all.push(f);
  };
  for (const file of ws.allFiles()) {
    seen.add(file.uri);
    take(result.findings.get(file.uri));
  }
  for (const uri of [...result.findings.keys()].filter((u) => !seen.has(u)).sort()) take(result.findings.get(uri));

  const active = all.filter((f) => !f.suppressed);
  const failing = failOn === 'none' ? [] : active.filter((f) => SEVERITY_RANK[f.severity] <= SEVERITY_RANK[failOn as Severity]);
  const stats: ScanStats = { files: scanned, objects, suppressed: all.length - active.length, failing: failing.length, failOn };
  writeReports(
    outputs,
    {
      all,
      includeSuppressed: !!values['include-suppressed'],
      stats,
      sarif: {
        snippet: (f) => {
          const file = ws.get(f.uri);
          if (!file || f.range.start.line !== f.range.end.line) return '';
          return file.text.slice(file.lines.offset(f.range.start), file.lines.offset(f.range.end)).trim();
        },
        options: { cwd, version: VERSION, overrides, notifications, executionSuccessful: !failed },
      },
    },
    { stdout: io.stdout, cwd, terminal: { isTTY: io.isTTY, columns: io.columns, env: io.env }, flags: values },
  );
  return failed ? 2 : failing.length ? 1 : 0;
}

function decodeStdin(data: string | Buffer, maxBytes: number) {
  return decode(typeof data === 'string' ? Buffer.from(data, 'utf8') : data, maxBytes);
}

export { formatBytes };
