/**
 * The scan's reports: which formats go where (`--format f` to standard
 * output or `-o`, `--format f=path` to a file; several in one run), colour
 * and width for people, and writing each report. The formatters are
 * functions of the finding list (the text ones write to a sink).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Finding } from '../engine';
import { formatJson, formatText, ScanStats } from './format';
import { formatGithub } from './github';
import { formatJunit } from './junit';
import { formatSarif, SarifOptions } from './sarif';
import { formatStylish } from './text';
import { UsageError } from './errors';

export const FORMATS = ['text', 'json', 'sarif', 'junit', 'github', 'compact'] as const;
export type FormatName = (typeof FORMATS)[number];

export interface OutputSpec {
  format: FormatName;
  /** undefined: standard output. */
  file?: string;
}

/**
 * `--format` values (`name` or `name=path`; repeatable, comma lists not
 * accepted: a path may hold commas) and `-o`: the report of the one format
 * without a path goes to `-o` or else standard output.
 */
export function parseOutputs(formats: string[] | undefined, output: string | undefined): OutputSpec[] {
  const specs: OutputSpec[] = (formats?.length ? formats : ['text']).map((v) => {
    const eq = v.indexOf('=');
    const name = (eq < 0 ? v : v.slice(0, eq)).trim();
    if (!(FORMATS as readonly string[]).includes(name)) throw new UsageError(`unknown --format '${name}' (expected ${FORMATS.slice(0, -1).join(', ')} or ${FORMATS[FORMATS.length - 1]}, optionally =<file>)`);
    if (eq < 0) return { format: name as FormatName };
    const file = v.slice(eq + 1);
    if (!file) throw new UsageError(`--format ${name}= needs a file name after '=' (e.g. --format ${name}=report.${name === 'text' || name === 'compact' || name === 'github' ? 'txt' : name === 'junit' ? 'xml' : name})`);
    return { format: name as FormatName, file };
  });
  const toStdout = specs.filter((s) => s.file === undefined);
  if (toStdout.length > 1)
    throw new UsageError(`only one --format can write to standard output (${toStdout.map((s) => s.format).join(', ')}): give the others a file, e.g. --format ${toStdout[1].format}=report.${toStdout[1].format}`);
  if (output !== undefined) {
    if (!toStdout.length) throw new UsageError('-o/--output is for the --format without a file; every --format here names its own file');
    toStdout[0].file = output;
  }
  const seen = new Set<string>();
  for (const s of specs) {
    if (s.file === undefined) continue;
    if (seen.has(s.file)) throw new UsageError(`two reports would be written to '${s.file}'`);
    seen.add(s.file);
  }
  return specs;
}

export interface Terminal {
  /** Standard output is a terminal. */
  isTTY: boolean;
  /** Its width in columns, when it is one. */
  columns?: number;
  env?: Record<string, string | undefined>;
}

/**
 * Colour for the text report on standard output: `--color`/`--no-color`
 * first, then FORCE_COLOR (set and not 0/false: colour, as node itself does;
 * it wins over NO_COLOR), then NO_COLOR (set and not empty: none), then
 * whether standard output is a terminal. A report written to a file is
 * coloured only with --color.
 */
export function colorFor(flags: { color?: boolean; 'no-color'?: boolean }, term: Terminal, toFile: boolean): boolean {
  if (flags.color && flags['no-color']) throw new UsageError('--color and --no-color cannot be combined');
  if (flags.color) return true;
  if (flags['no-color'] || toFile) return false;
  const force = term.env?.FORCE_COLOR;
  if (force !== undefined) return !['0', 'false'].includes(force.toLowerCase());
  if (term.env?.NO_COLOR) return false;
  return term.isTTY;
}

export interface ReportInput {
  /** Every finding, suppressed ones included, per file in scan order. */
  all: Finding[];
  includeSuppressed: boolean;
  stats: ScanStats;
  sarif: { snippet: (f: Finding) => string; options: SarifOptions };
}

export function renderReport(spec: OutputSpec, input: ReportInput, text: { color: boolean; width?: number }): string {
  const shown = input.includeSuppressed ? input.all : input.all.filter((f) => !f.suppressed);
  switch (spec.format) {
    case 'json':
      return formatJson(shown);
    case 'sarif':
      // GitHub code scanning shows suppressed results as open alerts: they are in the log only when asked for.
      return formatSarif(input.all, input.sarif.snippet, { ...input.sarif.options, includeSuppressed: input.includeSuppressed });
    case 'junit':
      return formatJunit(shown, { failOn: input.stats.failOn });
    case 'github':
      return formatGithub(shown);
    case 'compact':
      return formatText(shown, text.color, input.stats);
    case 'text':
      return formatStylish(shown, { color: text.color, width: text.width, stats: input.stats });
  }
}

/** Writes every report: files first, standard output last (so a broken pipe loses no file). */
export function writeReports(
  specs: OutputSpec[],
  input: ReportInput,
  io: { stdout: (s: string) => void; cwd: string; terminal: Terminal; flags: { color?: boolean; 'no-color'?: boolean } },
): void {
  const ordered = [...specs.filter((s) => s.file !== undefined), ...specs.filter((s) => s.file === undefined)];
  for (const spec of ordered) {
    const toFile = spec.file !== undefined;
    const color = colorFor(io.flags, io.terminal, toFile);
    const width = !toFile && io.terminal.isTTY && io.terminal.columns ? io.terminal.columns : undefined;
    const report = renderReport(spec, input, { color, width });
    if (spec.file === undefined) io.stdout(report);
    else
      try {
        fs.writeFileSync(path.resolve(io.cwd, spec.file), report);
      } catch (e) {
        throw new UsageError(`cannot write '${spec.file}': ${(e as Error).message}`);
      }
  }
}
