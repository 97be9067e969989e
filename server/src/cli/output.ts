/**
 * The scan's reports: which formats go where (`--format f` to standard
 * output or `-o`, `--format f=path` to a file; several in one run), colour
 * and width for people, and writing each report. The formatters write
 * through a callback, which writes chunks to the file or standard output as
 * they are formatted (a report is never held whole: SARIF of 10,000
 * resources is tens of MB).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Finding } from '../engine';
import { formatText, ScanStats, writeJson } from './format';
import { writeGithub } from './github';
import { writeJunit } from './junit';
import { SarifOptions, writeSarif } from './sarif';
import { writeText } from './text';
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
  const parts: string[] = [];
  writeReport(spec, input, text, (s) => parts.push(s));
  return parts.join('');
}

/** One report written piece by piece through `write` (JSON and SARIF finding by finding: a large report is never one string). */
export function writeReport(spec: OutputSpec, input: ReportInput, text: { color: boolean; width?: number }, write: (s: string) => void): void {
  const shown = input.includeSuppressed ? input.all : input.all.filter((f) => !f.suppressed);
  switch (spec.format) {
    case 'json':
      return writeJson(shown, write);
    case 'sarif':
      // GitHub code scanning shows suppressed results as open alerts: they are in the log only when asked for.
      return writeSarif(input.all, input.sarif.snippet, { ...input.sarif.options, includeSuppressed: input.includeSuppressed }, write);
    case 'junit':
      return writeJunit(shown, { failOn: input.stats.failOn }, write);
    case 'github':
      return writeGithub(shown, write);
    case 'compact':
      return write(formatText(shown, text.color, input.stats));
    case 'text':
      return writeText(shown, { color: text.color, width: text.width, stats: input.stats }, write);
  }
}

/** Pieces are gathered into chunks of about this many characters before they are written. */
const CHUNK = 1 << 16;

/** A `write` that gathers pieces into chunks for `flush`; call the returned `end` after the last piece. */
function chunked(flush: (s: string) => void): { write: (s: string) => void; end: () => void } {
  let pending = '';
  return {
    write: (s) => {
      pending += s;
      if (pending.length >= CHUNK) {
        flush(pending);
        pending = '';
      }
    },
    end: () => {
      if (pending) flush(pending);
      pending = '';
    },
  };
}

/** Bytes gathered before a write to a report file. */
const FILE_BUFFER = 1 << 18;

/**
 * A `write` into a report file through one reused buffer: each piece is encoded into it and the buffer is
 * written when full (half the time of gathering pieces into a string that is then flattened and encoded).
 */
function bufferedFile(fd: number, fail: (e: unknown) => Error): { write: (s: string) => void; end: () => void } {
  const buf = Buffer.allocUnsafe(FILE_BUFFER);
  let used = 0;
  const writeAll = (bytes: Buffer, length: number) => {
    try {
      for (let at = 0; at < length; ) at += fs.writeSync(fd, bytes, at, length - at);
    } catch (e) {
      throw fail(e);
    }
  };
  const flush = () => {
    writeAll(buf, used);
    used = 0;
  };
  return {
    write: (s) => {
      // A UTF-16 code unit is at most 3 bytes of UTF-8.
      if (used + s.length * 3 > FILE_BUFFER) {
        flush();
        if (s.length * 3 > FILE_BUFFER) {
          const whole = Buffer.from(s, 'utf8');
          return writeAll(whole, whole.length);
        }
      }
      used += buf.write(s, used, 'utf8');
    },
    end: flush,
  };
}

/** Writes every report as it is formatted: files first, standard output last (so a broken pipe loses no file). */
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
    if (spec.file === undefined) {
      const out = chunked(io.stdout);
      writeReport(spec, input, { color, width }, out.write);
      out.end();
      continue;
    }
    const file = spec.file;
    const fail = (e: unknown) => new UsageError(`cannot write '${file}': ${(e as Error).message}`);
    let fd: number;
    try {
      fd = fs.openSync(path.resolve(io.cwd, file), 'w');
    } catch (e) {
      throw fail(e);
    }
    try {
      const out = bufferedFile(fd, fail);
      writeReport(spec, input, { color, width }, out.write);
      out.end();
    } finally {
      fs.closeSync(fd);
    }
  }
}
